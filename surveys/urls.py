"""Staff pages of the satisfaction survey; each area keeps its routes in its own module."""

from django.urls import include, path
from django.views.generic import RedirectView

from . import urls_answers, urls_campaigns, urls_questionnaires, urls_results

app_name = "surveys"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="surveys:campaign_list")),  # /surveys/ itself
    path("questionnaires/", include(urls_questionnaires.urlpatterns)),
    path("", include(urls_campaigns.urlpatterns)),
    path("", include(urls_results.urlpatterns)),
    path("", include(urls_answers.urlpatterns)),
]
