"""Routes of the care pages."""

urlpatterns: list = []
