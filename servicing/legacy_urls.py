"""The addresses service pages had under /complaints/, kept working with permanent redirects.

Bookmarks, printed links and e-mails sent before service work moved to /service/ still
land on the page (the query string, such as ``?complaint=TS-…``, goes along). Mounted
before ``complaints.urls`` so these first segments are matched here.
"""

from django.urls import path
from django.views.generic import RedirectView


def moved(route: str, name: str):
    view = RedirectView.as_view(pattern_name=f"servicing:{name}", permanent=True, query_string=True)
    return path(route, view)


urlpatterns = [
    moved("visits/", "visit_list"),
    moved("visits/new/", "visit_create"),
    moved("visits/<int:pk>/", "visit_detail"),
    moved("visits/<int:pk>/edit/", "visit_edit"),
    moved("visits/<int:pk>/print/", "visit_print"),
    moved("returns/", "return_list"),
    moved("returns/new/", "return_create"),
    moved("returns/export/", "return_export"),
    moved("returns/<int:pk>/edit/", "return_edit"),
    moved("follow-ups/", "follow_up_list"),
    moved("knowledge/", "case_list"),
    moved("knowledge/<int:pk>/", "case_detail"),
    moved("knowledge/<int:pk>/edit/", "case_edit"),
    moved("customer/<int:pk>/visits/", "customer_visits"),
    moved("customer/<int:pk>/returns/", "customer_returns"),
    moved("<str:number>/follow-up/", "follow_up"),
    moved("<str:number>/case-summary/", "case_summary"),
]
