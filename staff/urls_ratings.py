"""Routes of the six-hearts rating pages (under /staff/ratings/)."""

from django.urls import path

from .views import ratings as views

urlpatterns: list = [
    path("", views.rating_list, name="rating_list"),
    path("new/", views.rating_create, name="rating_create"),
    path("<int:pk>/", views.rating_detail, name="rating_detail"),
    path("<int:pk>/correct/", views.rating_correct, name="rating_correct"),
    path("<int:pk>/acknowledge/", views.rating_acknowledge, name="rating_acknowledge"),
    path("people/<int:person_pk>/", views.rating_history, name="rating_history"),
]
