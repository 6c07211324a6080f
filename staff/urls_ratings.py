"""Routes of the ratings pages."""

urlpatterns: list = []
