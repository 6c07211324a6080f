"""Routes of the rewards pages (under /staff/rewards/)."""

from django.urls import path

from .views import rewards

urlpatterns = [
    path("", rewards.reward_list, name="reward_list"),
    path("new/", rewards.reward_create, name="reward_create"),
    path("export.xlsx", rewards.reward_export, name="reward_export"),
    path("people/<int:person_pk>/", rewards.reward_person, name="reward_person"),
    path("<str:number>/", rewards.reward_detail, name="reward_detail"),
    path("<str:number>/void/", rewards.reward_void, name="reward_void"),
]
