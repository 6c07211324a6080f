"""The report pages; each area keeps its routes in its own module."""

app_name = "reports"

urlpatterns: list = []
