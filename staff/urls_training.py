"""Routes of the training pages."""

urlpatterns: list = []
