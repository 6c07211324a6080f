"""The routes of the service-quality supervision pages, under /quality/supervision/."""

from django.urls import path, register_converter

from .views import supervision as views


class CheckNumberConverter:
    """A supervision check number such as JC-202611-0001."""

    regex = r"JC-\d{6}-\d{4,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CheckNumberConverter, "check_number")

urlpatterns = [
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/xlsx/", views.supervision_xlsx, name="supervision_xlsx"),
    path("supervision/new/", views.supervision_create, name="supervision_create"),
    path("supervision/overview/", views.supervision_overview, name="supervision_overview"),
    path("supervision/<check_number:number>/", views.supervision_detail, name="supervision_detail"),
    path("supervision/<check_number:number>/edit/", views.supervision_edit, name="supervision_edit"),
    path("supervision/<check_number:number>/scores/", views.supervision_score, name="supervision_score"),
    path("supervision/<check_number:number>/findings/", views.supervision_finding, name="supervision_finding"),
    path("supervision/<check_number:number>/complete/", views.supervision_complete, name="supervision_complete"),
    path("supervision/<check_number:number>/meeting/", views.supervision_meeting, name="supervision_meeting"),
    path(
        "supervision/<check_number:number>/findings/<int:pk>/notice/",
        views.supervision_issue_notice,
        name="supervision_issue_notice",
    ),
    path("supervision/<check_number:number>/print/", views.supervision_print, name="supervision_print"),
]
