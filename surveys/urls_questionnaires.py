"""Questionnaire pages, mounted at /surveys/questionnaires/."""

from django.urls import path

from .views import questionnaires as views

urlpatterns = [
    path("", views.questionnaire_list, name="questionnaire_list"),
    path("new/", views.questionnaire_create, name="questionnaire_create"),
    path("<int:pk>/", views.questionnaire, name="questionnaire"),
    path("<int:pk>/preview/", views.questionnaire_preview, name="questionnaire_preview"),
    path("<int:pk>/new-version/", views.questionnaire_new_version, name="questionnaire_new_version"),
    path("<int:pk>/sections/add/", views.section_add, name="questionnaire_section_add"),
    path("<int:pk>/sections/<int:item_pk>/", views.section_edit, name="questionnaire_section"),
    path("<int:pk>/questions/add/", views.question_add, name="questionnaire_question_add"),
    path("<int:pk>/questions/<int:item_pk>/", views.question_edit, name="questionnaire_question"),
    path("<int:pk>/questions/<int:item_pk>/choices/add/", views.choice_add, name="questionnaire_choice_add"),
    path("<int:pk>/choices/<int:item_pk>/", views.choice_edit, name="questionnaire_choice"),
    path("<int:pk>/<str:what>/<int:item_pk>/move/<str:direction>/", views.item_move, name="questionnaire_item_move"),
    path("<int:pk>/<str:what>/<int:item_pk>/delete/", views.item_delete, name="questionnaire_item_delete"),
]
