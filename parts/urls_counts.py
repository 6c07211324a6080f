"""URLs of counts, transfers and scrap requests, added to ``parts.urls``."""

from django.urls import path

from .views import counts, scrap, transfers

urlpatterns = [
    path("counts/", counts.count_list, name="count_list"),
    path("counts/new/", counts.count_create, name="count_create"),
    path("counts/<int:pk>/", counts.count_detail, name="count_detail"),
    path("counts/<int:pk>/variances/", counts.count_variances, name="count_variances"),
    path("counts/<int:pk>/print/", counts.count_print, name="count_print"),
    path("counts/<int:pk>/<slug:action>/", counts.count_action, name="count_action"),
    path("transfers/", transfers.transfer_list, name="transfer_list"),
    path("transfers/new/", transfers.transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/", transfers.transfer_detail, name="transfer_detail"),
    path("scrap/", scrap.scrap_list, name="scrap_list"),
    path("scrap/new/", scrap.scrap_create, name="scrap_create"),
    path("scrap/<int:pk>/", scrap.scrap_detail, name="scrap_detail"),
    path("scrap/<int:pk>/<slug:action>/", scrap.scrap_action, name="scrap_action"),
]
