"""The report pages; each area keeps its routes in its own module."""

from django.urls import include, path

app_name = "reports"

urlpatterns: list = []
