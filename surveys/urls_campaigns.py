from django.urls import path

from .views import campaigns

urlpatterns = [
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/responses/", campaigns.campaign_responses, name="campaign_responses"),
    path("campaigns/<int:pk>/step/<slug:action>/", campaigns.campaign_action, name="campaign_action"),
]
