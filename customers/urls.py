from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/contacts/", views.contacts_tab, name="contacts"),
    path("<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/deliveries/", views.deliveries_tab, name="deliveries"),
    path("<int:pk>/deliveries/new/", views.delivery_add, name="delivery_add"),
    path("<int:pk>/deliveries/<int:delivery_pk>/edit/", views.delivery_edit, name="delivery_edit"),
    path("<int:pk>/interactions/", views.interactions_tab, name="interactions"),
    path("<int:pk>/interactions/new/", views.interaction_add, name="interaction_add"),
]
