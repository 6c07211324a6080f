"""Spare parts pages, mounted at ``/parts/``; each area keeps its own ``urlpatterns``."""

app_name = "parts"

urlpatterns = []
