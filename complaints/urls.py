from .service_urls import urlpatterns as service_urlpatterns

app_name = "complaints"

urlpatterns = [] + service_urlpatterns
