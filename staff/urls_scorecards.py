"""Routes of the scorecards pages."""

urlpatterns: list = []
