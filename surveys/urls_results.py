from django.urls import path

from .views import results

urlpatterns = [
    path("campaigns/<int:pk>/results/", results.campaign_results, name="campaign_results"),
    path("campaigns/<int:pk>/conclude/", results.campaign_conclude, name="campaign_conclude"),
    path("campaigns/<int:pk>/report/", results.campaign_report, name="campaign_report"),
    path("campaigns/<int:pk>/report.xlsx", results.campaign_report_xlsx, name="campaign_report_xlsx"),
    path("campaigns/<int:pk>/findings/new/", results.finding_create, name="finding_create"),
    path("campaigns/<int:pk>/export/answers.xlsx", results.campaign_export_answers, name="campaign_export_answers"),
    path("campaigns/<int:pk>/export/analysis.xlsx", results.campaign_export_analysis, name="campaign_export_analysis"),
    path("responses/<int:pk>/follow-up/", results.response_follow_up, name="response_follow_up"),
    path("customer/<int:pk>/surveys/", results.customer_tab, name="customer_tab"),
]
