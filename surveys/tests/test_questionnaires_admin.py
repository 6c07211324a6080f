"""The questionnaire admin: a frozen version and its questions are read-only there too."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from surveys.models import Question, Questionnaire

from .factories import QuestionFactory, QuestionnaireFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_frozen_questionnaire_is_read_only_in_the_admin(admin_client, admin_user):
    frozen = QuestionnaireFactory(frozen=True)
    question = QuestionFactory(questionnaire=frozen)
    admin = site._registry[Questionnaire]
    request = _request(admin_user)
    assert {"title", "introduction", "closing_text"} <= set(admin.get_readonly_fields(request, frozen))
    for inline in admin.get_inline_instances(request, frozen):
        assert not inline.has_add_permission(request, frozen)
        assert not inline.has_change_permission(request, frozen)
        assert not inline.has_delete_permission(request, frozen)
    assert not site._registry[Question].has_change_permission(request, question)
    assert admin_client.get(reverse("admin:surveys_questionnaire_change", args=[frozen.pk])).status_code == 200


def test_an_open_questionnaire_is_editable_in_the_admin(admin_client, admin_user):
    draft = QuestionnaireFactory()
    admin = site._registry[Questionnaire]
    request = _request(admin_user)
    assert "title" not in admin.get_readonly_fields(request, draft)
    assert all(inline.has_add_permission(request, draft) for inline in admin.get_inline_instances(request, draft))
    assert admin_client.get(reverse("admin:surveys_questionnaire_change", args=[draft.pk])).status_code == 200
    assert admin_client.get(reverse("admin:surveys_questionnaire_changelist")).status_code == 200
