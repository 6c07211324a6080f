from .report_urls import urlpatterns as report_urlpatterns

app_name = "quality"

urlpatterns = [] + report_urlpatterns
