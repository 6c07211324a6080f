"""Staff pages of one response: keying in answers from paper or phone, and reading them."""

from django.urls import path

from .views import answers

urlpatterns = [
    path("responses/<int:pk>/", answers.response_detail, name="response"),
    path("responses/<int:pk>/enter/", answers.response_enter, name="response_enter"),
]
