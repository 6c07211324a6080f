"""The pages of purchasing under /parts/: plans, lines, suppliers, stock alerts."""

from django.urls import path

from .views import purchasing, suppliers

urlpatterns = [
    path("plans/", purchasing.plan_list, name="plan_list"),
    path("plans/<int:pk>/", purchasing.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/<slug:step>/", purchasing.plan_step, name="plan_step"),
    path("plans/lines/new/", purchasing.line_add, name="plan_line_add"),
    path("plans/lines/<int:pk>/order/", purchasing.line_order, name="plan_line_order"),
    path("plans/lines/<int:pk>/receive/", purchasing.line_receive, name="plan_line_receive"),
    path("plans/lines/<int:pk>/cancel/", purchasing.line_cancel, name="plan_line_cancel"),
    path("alerts/", purchasing.stock_alerts, name="stock_alerts"),
    path("suppliers/", suppliers.supplier_list, name="supplier_list"),
    path("suppliers/<int:pk>/", suppliers.supplier_detail, name="supplier_detail"),
    path("suppliers/<int:pk>/documents/<int:document_pk>/", suppliers.supplier_document, name="supplier_document"),
    path("suppliers/<int:pk>/rate/", suppliers.supplier_rate, name="supplier_rate"),
    path("suppliers/<int:pk>/rate/prefill/", suppliers.supplier_rate_prefill, name="supplier_rate_prefill"),
]
