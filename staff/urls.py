"""The staff pages; each area keeps its routes in its own module."""

from django.urls import include, path

from . import urls_care, urls_ratings, urls_rewards, urls_scorecards, urls_training

app_name = "staff"

urlpatterns = [
    path("", include(urls_scorecards.urlpatterns)),
    path("ratings/", include(urls_ratings.urlpatterns)),
    path("training/", include(urls_training.urlpatterns)),
    path("rewards/", include(urls_rewards.urlpatterns)),
    path("care/", include(urls_care.urlpatterns)),
]
