"""Spare parts pages, mounted at ``/parts/``; each area keeps its own ``urlpatterns``."""

from . import purchasing_urls, urls_counts
from .views import catalogue, requisitions

app_name = "parts"

urlpatterns = [
    *catalogue.urlpatterns,
    *requisitions.urlpatterns,
    *urls_counts.urlpatterns,
    *purchasing_urls.urlpatterns,
]
