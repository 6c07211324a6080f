"""Spare parts pages, mounted at ``/parts/``; each area keeps its own ``urlpatterns``."""

from .views import requisitions

app_name = "parts"

urlpatterns = []
urlpatterns += requisitions.urlpatterns
