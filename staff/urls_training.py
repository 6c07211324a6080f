"""Routes of the training pages (under /staff/training/)."""

from django.urls import path

from .views import training as views

urlpatterns = [
    path("", views.session_list, name="training_sessions"),
    path("sessions/new/", views.session_create, name="training_session_create"),
    path("sessions/<str:number>/", views.session_detail, name="training_session"),
    path("sessions/<str:number>/edit/", views.session_edit, name="training_session_edit"),
    path("sessions/<str:number>/invite/", views.session_invite, name="training_session_invite"),
    path("sessions/<str:number>/uninvite/<int:person_pk>/", views.session_uninvite, name="training_session_uninvite"),
    path("sessions/<str:number>/materials/", views.material_upload, name="training_material_upload"),
    path("sessions/<str:number>/materials/<int:pk>/", views.material_download, name="training_material"),
    path("sessions/<str:number>/hold/", views.session_hold, name="training_session_hold"),
    path("sessions/<str:number>/cancel/", views.session_cancel, name="training_session_cancel"),
    path("plans/", views.plan_list, name="training_plans"),
    path("plans/new/", views.plan_create, name="training_plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="training_plan"),
    path("plans/<int:pk>/courses/new/", views.plan_item_add, name="training_plan_item_add"),
    path("plans/<int:pk>/courses/<int:item_pk>/", views.plan_item_edit, name="training_plan_item_edit"),
    path("plans/<int:pk>/courses/<int:item_pk>/remove/", views.plan_item_remove, name="training_plan_item_remove"),
    path("plans/<int:pk>/approve/", views.plan_approve, name="training_plan_approve"),
    path("people/<int:person_pk>/", views.training_history, name="training_history"),
]
