"""Questionnaire pages: the list, a new questionnaire, the editor's fragments, the preview, who may do what."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from aftersales import roles
from surveys.models import Level, Questionnaire
from surveys.services import questionnaires as services

from .factories import (
    CampaignFactory,
    ChoiceFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
    standard_questionnaire,
)

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name, *args):
    return reverse(f"surveys:{name}", args=args)


@pytest.mark.parametrize("role", [roles.QUALITY_LEADER, roles.QUALITY_CLERK])
def test_the_list_shows_versions_frozen_badge_and_campaigns(client_for, role):
    old = QuestionnaireFactory(code="CSQ-A", title="年度问卷", frozen=True)
    QuestionnaireFactory(code="CSQ-A", version=2, previous=old, title="年度问卷")
    CampaignFactory(questionnaire=old, name="2025年度满意度调查")
    page = client_for(role).get(_url("questionnaire_list")).content.decode()
    assert page.count('data-testid="questionnaire-row"') == 2
    assert "v1" in page and "v2" in page
    assert page.count('data-testid="frozen-badge"') == 1
    assert "2025年度满意度调查" in page
    assert 'data-testid="questionnaire-create"' in page


def test_sales_read_but_change_nothing(client_for, sales_user):
    questionnaire = standard_questionnaire()
    client = client_for(sales_user)
    assert 'data-testid="questionnaire-create"' not in client.get(_url("questionnaire_list")).content.decode()
    page = client.get(_url("questionnaire", questionnaire.pk)).content.decode()
    assert "服务人员的态度是否热情、礼貌？" in page
    assert 'data-testid="question-add"' not in page and 'data-testid="new-version"' not in page
    assert client.get(_url("questionnaire_preview", questionnaire.pk)).status_code == 200
    question = questionnaire.questions.first()
    refused = [
        client.get(_url("questionnaire_create")),
        client.post(_url("questionnaire_create"), {"code": "X", "title": "X"}),
        client.post(_url("questionnaire", questionnaire.pk), {"text-title": "改"}),
        client.post(_url("questionnaire_section_add", questionnaire.pk), {"section-title": "新"}, **HTMX),
        client.post(_url("questionnaire_question", questionnaire.pk, question.pk), {"edit-text": "改"}),
        client.post(_url("questionnaire_item_delete", questionnaire.pk, "question", question.pk)),
        client.post(_url("questionnaire_new_version", questionnaire.pk)),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)
    assert questionnaire.questions.filter(pk=question.pk, text=question.text).exists()
    assert Questionnaire.objects.count() == 1


def test_a_warehouse_keeper_is_refused(client_for):
    questionnaire = QuestionnaireFactory()
    client = client_for(roles.WAREHOUSE_KEEPER)
    for url in (
        _url("questionnaire_list"),
        _url("questionnaire", questionnaire.pk),
        _url("questionnaire_preview", questionnaire.pk),
    ):
        assert client.get(url).status_code == 403


def test_create_reports_every_error_and_keeps_what_was_typed(client_for):
    QuestionnaireFactory(code="CSQ-1")
    client = client_for(roles.QUALITY_CLERK)
    page = client.post(_url("questionnaire_create"), {"code": "CSQ-1", "title": "", "introduction": "您好"})
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("invalid-feedback") >= 2 and "您好" in text
    response = client.post(_url("questionnaire_create"), {"code": "CSQ-2", "title": "二〇二六年问卷"})
    created = Questionnaire.objects.get(code="CSQ-2")
    assert response.status_code == 302 and response.url == created.get_absolute_url()


def test_edits_through_htmx_answer_with_the_editor_fragment(client_for):
    questionnaire = QuestionnaireFactory()
    client = client_for(roles.QUALITY_LEADER)
    fragment = client.post(_url("questionnaire_section_add", questionnaire.pk), {"section-title": "服务评价"}, **HTMX)
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in text and 'value="服务评价"' in text
    section = questionnaire.sections.get()
    data = {
        "question-section": section.pk,
        "question-kind": "single",
        "question-text": "联系方式？",
        "question-required": "on",
    }
    text = client.post(_url("questionnaire_question_add", questionnaire.pk), data, **HTMX).content.decode()
    question = questionnaire.questions.get()
    assert "联系方式？" in text and 'data-testid="problems"' in text
    client.post(
        _url("questionnaire_choice_add", questionnaire.pk, question.pk), {f"c{question.pk}-text": "电话"}, **HTMX
    )
    text = client.post(
        _url("questionnaire_choice_add", questionnaire.pk, question.pk), {f"c{question.pk}-text": "微信"}, **HTMX
    ).content.decode()
    assert [c.text for c in question.choices.all()] == ["电话", "微信"]
    assert 'data-testid="problems"' not in text
    # Without htmx the same edit redirects back to the editor.
    response = client.post(_url("questionnaire_section_add", questionnaire.pk), {"section-title": "其他"})
    assert response.status_code == 302 and response.url == questionnaire.get_absolute_url()


def test_a_question_is_edited_in_place_and_keeps_what_was_typed_on_an_error(client_for):
    questionnaire = QuestionnaireFactory()
    question = QuestionFactory(questionnaire=questionnaire, text="旧问题", dimension="value")
    client = client_for(roles.QUALITY_LEADER)
    url = _url("questionnaire_question", questionnaire.pk, question.pk)
    form = client.get(url, **HTMX).content.decode()
    assert 'data-testid="question-edit-form"' in form and "旧问题" in form
    assert client.get(url).status_code == 302
    bad = {"edit-kind": "scale", "edit-text": "新的问题文字", "edit-dimension": "", "edit-required": "on"}
    text = client.post(url, bad, **HTMX).content.decode()
    assert "新的问题文字" in text and "invalid-feedback" in text
    question.refresh_from_db()
    assert question.text == "旧问题"
    client.post(url, bad | {"edit-dimension": "timeliness"}, **HTMX)
    question.refresh_from_db()
    assert (question.text, question.dimension) == ("新的问题文字", "timeliness")


def test_a_frozen_questionnaire_offers_no_edit_and_refuses_one_posted(client_for):
    questionnaire = standard_questionnaire()
    services.questionnaire_freeze(questionnaire)
    client = client_for(roles.QUALITY_LEADER)
    page = client.get(_url("questionnaire", questionnaire.pk)).content.decode()
    assert 'data-testid="question-add"' not in page and 'data-testid="frozen-badge"' in page
    assert 'data-testid="new-version"' in page
    response = client.post(_url("questionnaire_section_add", questionnaire.pk), {"section-title": "新"}, **HTMX)
    assert 'data-testid="editor-message"' in response.content.decode()
    assert questionnaire.sections.count() == 3
    response = client.post(_url("questionnaire_new_version", questionnaire.pk))
    new = Questionnaire.objects.get(previous=questionnaire)
    assert response.url == new.get_absolute_url() and new.questions.count() == 16
    page = client.get(_url("questionnaire", questionnaire.pk)).content.decode()
    assert 'data-testid="newer-version"' in page and 'data-testid="new-version"' not in page


def test_moves_and_deletes_from_the_editor(client_for):
    questionnaire = QuestionnaireFactory()
    first = QuestionFactory(questionnaire=questionnaire, text="第一题")
    second = QuestionFactory(questionnaire=questionnaire, text="第二题")
    client = client_for(roles.QUALITY_CLERK)
    client.post(_url("questionnaire_item_move", questionnaire.pk, "question", second.pk, "up"), **HTMX)
    assert list(questionnaire.questions.all()) == [second, first]
    client.post(_url("questionnaire_item_delete", questionnaire.pk, "question", first.pk), **HTMX)
    assert list(questionnaire.questions.all()) == [second]
    assert client.post(_url("questionnaire_item_delete", questionnaire.pk, "nothing", 1)).status_code == 404


def test_the_preview_shows_the_customer_form_and_business_lines(client_for):
    # The preview renders the answer page's own form and template, so what is shown is what is asked.
    questionnaire = standard_questionnaire()
    page = client_for(roles.QUALITY_LEADER).get(_url("questionnaire_preview", questionnaire.pk)).content.decode()
    assert page.count('data-testid="question"') == 16
    assert page.count('data-kind="scale"') == 12
    with translation.override("zh-hans"):
        labels = [str(level.label) for level in Level]
    for label in labels:
        assert page.count(f">{label}</label>") == 12
    nps = questionnaire.questions.get(kind="nps")
    assert page.count(f'name="q{nps.pk}"') == 11
    assert 'type="checkbox"' in page and "备件供应" in page
    assert "<textarea" in page
    assert page.count('data-testid="business-line"') == 2 and "KYN28-12" in page
    assert "一、服务满意度评价" in page


def test_the_editor_costs_the_same_queries_however_many_questions(client_for):
    small, large = QuestionnaireFactory(), QuestionnaireFactory()
    for questionnaire, count in ((small, 2), (large, 20)):
        section = SectionFactory(questionnaire=questionnaire)
        for _ in range(count):
            question = QuestionFactory(questionnaire=questionnaire, section=section, kind="single", dimension="")
            ChoiceFactory.create_batch(2, question=question)
    client = client_for(roles.QUALITY_LEADER)
    client.get(_url("questionnaire", small.pk))
    counts = []
    for questionnaire in (small, large):
        for name in ("questionnaire", "questionnaire_preview"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(_url(name, questionnaire.pk)).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
    assert max(counts) <= 20


def test_without_javascript_an_error_shows_the_editor_with_what_was_typed(client_for):
    questionnaire = standard_questionnaire()
    client = client_for(roles.QUALITY_LEADER)
    data = {"question-kind": "scale", "question-text": "没有维度的问题"}
    page = client.post(_url("questionnaire_question_add", questionnaire.pk), data).content.decode()
    assert "没有维度的问题" in page and "invalid-feedback" in page
    assert f'action="{questionnaire.get_absolute_url()}"' in page
    assert not questionnaire.questions.filter(text="没有维度的问题").exists()
    response = client.post(
        _url("questionnaire", questionnaire.pk),
        {"text-title": "新标题", "text-introduction": "", "text-closing_text": ""},
    )
    questionnaire.refresh_from_db()
    assert response.status_code == 302 and questionnaire.title == "新标题"
