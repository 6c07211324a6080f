"""Spare parts pages, mounted at ``/parts/``; each area keeps its own ``urlpatterns``."""

from .views import catalogue, requisitions

app_name = "parts"

urlpatterns = [*catalogue.urlpatterns, *requisitions.urlpatterns]
