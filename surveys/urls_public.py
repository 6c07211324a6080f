"""The customer's answer pages: no account, reached by the personal link's token."""

app_name = "survey_public"

urlpatterns = []
