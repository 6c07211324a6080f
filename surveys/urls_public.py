"""The customer's answer pages: no account, reached by the personal link's token."""

from django.urls import path

from .views import answers_public

app_name = "survey_public"

urlpatterns = [
    path("<str:token>/", answers_public.answer, name="answer"),
]
