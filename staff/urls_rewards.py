"""Routes of the rewards pages."""

urlpatterns: list = []
