"""The project's URLs plus ``/bench/hello/``, the reference the list page is measured against."""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [
    path("bench/hello/", hello, name="bench-hello"),
    path("", include("aftersales.urls")),
]
