"""Routes of the people and scorecard pages (under /staff/)."""

from django.urls import path

from .views import people, scorecards

urlpatterns = [
    path("people/", people.people, name="people"),
    path("people/me/", people.me, name="me"),
    path("people/<int:person_pk>/", people.person, name="person"),
    path("people/<int:person_pk>/scorecard/", scorecards.scorecard, name="scorecard"),
    path("people/<int:person_pk>/scorecard/print/", scorecards.scorecard_print, name="scorecard_print"),
    path("scorecards/", scorecards.team_scorecard, name="team_scorecard"),
    path("scorecards/print/", scorecards.team_scorecard_print, name="team_scorecard_print"),
    path("scorecards/xlsx/", scorecards.team_scorecard_xlsx, name="team_scorecard_xlsx"),
]
