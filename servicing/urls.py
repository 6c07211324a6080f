"""URLs of service work, under /service/."""

from django.urls import path

from .views import commissioning, costs, followups, knowledge, plans, quotes, returns, tabs, units, visits
from .views import property as property_views

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
    # Service plans (售后服务计划): periodic inspections and maintenance, and their findings.
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/pause/", plans.plan_pause_view, name="plan_pause"),
    path("plans/<int:pk>/resume/", plans.plan_resume_view, name="plan_resume"),
    path("plans/<int:pk>/end/", plans.plan_end_view, name="plan_end"),
    path("visits/<int:pk>/finding/", plans.finding_create, name="finding_create"),
]

# --- customer property (顾客财产) and the unit history ---------------------------------
urlpatterns += [
    path("property/", property_views.property_list, name="property_list"),
    path("property/new/", property_views.property_create, name="property_create"),
    path("property/<int:pk>/", property_views.property_detail, name="property_detail"),
    path("property/<int:pk>/files/", property_views.property_photo_add, name="property_photo_add"),
    path("property/<int:pk>/files/<int:photo_pk>/", property_views.property_photo, name="property_photo"),
    path("property/<int:pk>/<slug:step>/", property_views.property_step, name="property_step"),
    path("customer/<int:pk>/property/", property_views.customer_property, name="customer_property"),
    path("units/", units.unit_search, name="unit_search"),
    path("units/<str:serial>/", units.unit_history, name="unit_history"),
    # --- installation and commissioning (安装调试) ---
    path("commissioning/", commissioning.commissioning_list, name="commissioning_list"),
    path("commissioning/dispatch/", commissioning.commissioning_dispatch_view, name="commissioning_dispatch"),
    path("commissioning/checklists/", commissioning.checklist_list, name="checklist_list"),
    path("commissioning/checklists/<int:model_pk>/", commissioning.checklist_edit, name="checklist_edit"),
    path("commissioning/<int:pk>/results/", commissioning.commissioning_results, name="commissioning_results"),
    path("commissioning/<int:pk>/sign/", commissioning.commissioning_complete_view, name="commissioning_complete"),
    path("commissioning/<int:pk>/reopen/", commissioning.commissioning_reopen_view, name="commissioning_reopen"),
    path("commissioning/<int:pk>/accept/", commissioning.commissioning_accept_view, name="commissioning_accept"),
    path("commissioning/<int:pk>/print/", commissioning.commissioning_print, name="commissioning_print"),
    # Repair quotes and claim costs
    path("complaint/<str:number>/quotes/new/", quotes.quote_new, name="quote_create"),
    path("quotes/<int:pk>/", quotes.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/edit/", quotes.quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/send/", quotes.quote_send_view, name="quote_send"),
    path("quotes/<int:pk>/answer/", quotes.quote_answer, name="quote_answer"),
    path("quotes/<int:pk>/print/", quotes.quote_print, name="quote_print"),
    path("costs/", costs.cost_list, name="cost_list"),
    path("costs/export/", costs.cost_export, name="cost_export"),
    path("complaint/<str:number>/cost/", costs.cost_edit, name="cost_edit"),
]
