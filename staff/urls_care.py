"""Routes of the customer care pages (under /staff/care/)."""

from django.urls import path

from .views import care

urlpatterns = [
    path("", care.greeting_list, name="greeting_list"),
    path("greetings/<int:pk>/done/", care.greeting_done, name="greeting_done"),
    path("festivals/", care.festival_list, name="festival_list"),
    path("festivals/new/", care.festival_create, name="festival_create"),
    path("festivals/<int:pk>/edit/", care.festival_edit, name="festival_edit"),
]
