"""URLs of service work, under /service/."""

from django.urls import path

from .views import followups, knowledge, returns, tabs, visits

app_name = "servicing"

urlpatterns = [
    path("visits/", visits.visit_list, name="visit_list"),
    path("visits/new/", visits.visit_create, name="visit_create"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", visits.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/accept/", visits.visit_accept, name="visit_accept"),
    path("visits/<int:pk>/print/", visits.visit_print, name="visit_print"),
    path("returns/", returns.return_list, name="return_list"),
    path("returns/new/", returns.return_create, name="return_create"),
    path("returns/export/", returns.return_export, name="return_export"),
    path("returns/<int:pk>/edit/", returns.return_edit, name="return_edit"),
    path("follow-ups/", followups.follow_up_list, name="follow_up_list"),
    path("complaint/<str:number>/follow-up/", followups.follow_up_create, name="follow_up"),
    path("knowledge/", knowledge.case_list, name="case_list"),
    path("knowledge/<int:pk>/", knowledge.case_detail, name="case_detail"),
    path("knowledge/<int:pk>/edit/", knowledge.case_edit, name="case_edit"),
    path("complaint/<str:number>/case-summary/", knowledge.case_summary_for_complaint, name="case_summary"),
    path("customer/<int:pk>/visits/", tabs.customer_visits, name="customer_visits"),
    path("customer/<int:pk>/returns/", tabs.customer_returns, name="customer_returns"),
]
