"""Questionnaire services: who may edit, frozen versions refused, new versions, ordering, problems."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from aftersales import roles
from customers.tests.factories import ProductModelFactory
from surveys.models import Question, Questionnaire
from surveys.services import questionnaires as services

from .factories import ChoiceFactory, QuestionFactory, QuestionnaireFactory, SectionFactory, standard_questionnaire

pytestmark = pytest.mark.django_db
EDITORS = [roles.QUALITY_LEADER, roles.QUALITY_CLERK, roles.QUALITY_ENGINEER]
READERS = [roles.SALES, roles.AFTERSALES_ENGINEER, roles.QUALITY_DEPUTY, roles.WAREHOUSE_KEEPER]


@pytest.mark.parametrize("role", EDITORS)
def test_the_quality_group_builds_a_questionnaire(role_user, role):
    actor = role_user(role)
    questionnaire = services.questionnaire_create(actor=actor, code="CSQ-2026", title="年度满意度调查")
    section = services.section_add(actor=actor, questionnaire=questionnaire, title="服务评价")
    question = services.question_add(
        actor=actor, questionnaire=questionnaire, section=section, text="响应是否及时？", dimension="timeliness"
    )
    services.questionnaire_update(
        actor=actor, questionnaire=questionnaire, title="2026年满意度调查", introduction="您好", closing_text="谢谢"
    )
    questionnaire.refresh_from_db()
    assert (questionnaire.title, questionnaire.closing_text, questionnaire.created_by) == (
        "2026年满意度调查",
        "谢谢",
        actor,
    )
    assert list(section.questions.all()) == [question]


@pytest.mark.parametrize("role", READERS)
def test_others_may_not_edit(role_user, role):
    actor = role_user(role)
    questionnaire = QuestionnaireFactory()
    question = QuestionFactory(questionnaire=questionnaire)
    with pytest.raises(PermissionDenied):
        services.questionnaire_create(actor=actor, code="X", title="X")
    with pytest.raises(PermissionDenied):
        services.section_add(actor=actor, questionnaire=questionnaire, title="X")
    with pytest.raises(PermissionDenied):
        services.question_update(actor=actor, question=question, text="改了")
    with pytest.raises(PermissionDenied):
        services.questionnaire_new_version(actor=actor, questionnaire=questionnaire)
    assert Question.objects.get(pk=question.pk).text == question.text


def test_a_frozen_questionnaire_refuses_every_edit(role_user):
    actor = role_user(roles.QUALITY_LEADER)
    questionnaire = QuestionnaireFactory()
    section = SectionFactory(questionnaire=questionnaire)
    question = QuestionFactory(questionnaire=questionnaire, section=section, kind="single", dimension="")
    choice = ChoiceFactory(question=question)
    services.questionnaire_freeze(questionnaire)
    assert questionnaire.is_frozen
    edits = [
        lambda: services.questionnaire_update(actor=actor, questionnaire=questionnaire, title="新标题"),
        lambda: services.section_add(actor=actor, questionnaire=questionnaire, title="新部分"),
        lambda: services.section_update(actor=actor, section=section, title="新部分"),
        lambda: services.section_delete(actor=actor, section=section),
        lambda: services.question_add(actor=actor, questionnaire=questionnaire, text="新问题", dimension="value"),
        lambda: services.question_update(actor=actor, question=question, text="新问题"),
        lambda: services.question_delete(actor=actor, question=question),
        lambda: services.choice_add(actor=actor, question=question, text="新选项"),
        lambda: services.choice_update(actor=actor, choice=choice, text="新选项"),
        lambda: services.choice_delete(actor=actor, choice=choice),
        lambda: services.move(actor=actor, item=question, direction="up"),
    ]
    for edit in edits:
        with pytest.raises(ValidationError) as refused:
            edit()
        assert refused.value.code == "frozen"
        assert "请创建新版本" in refused.value.messages[0]
    assert questionnaire.questions.get().text == question.text
    assert question.choices.get() == choice


def test_freezing_twice_keeps_the_first_time(role_user):
    questionnaire = QuestionnaireFactory()
    first = services.questionnaire_freeze(questionnaire).frozen_at
    assert services.questionnaire_freeze(questionnaire).frozen_at == first


def test_a_new_version_copies_everything_and_leaves_the_old_intact(role_user):
    actor = role_user(roles.QUALITY_CLERK)
    old = standard_questionnaire()
    services.questionnaire_freeze(old)
    new = services.questionnaire_new_version(actor=actor, questionnaire=old)

    assert (new.code, new.version, new.previous, new.created_by, new.frozen_at) == (old.code, 2, old, actor, None)
    assert [s.title for s in new.sections.all()] == [s.title for s in old.sections.all()]

    def tree(questionnaire):
        return [
            (
                q.section.title if q.section else None,
                q.position,
                q.text,
                q.kind,
                q.dimension,
                q.required,
                q.industry,
                q.product_model_id,
                [c.text for c in q.choices.all()],
            )
            for q in questionnaire.questions.select_related("section").order_by("section__position", "position")
        ]

    assert tree(new) == tree(old)
    assert len(tree(new)) == 16
    assert not new.questions.filter(section__questionnaire=old).exists()
    old_ids = set(old.questions.values_list("pk", flat=True))
    assert old_ids.isdisjoint(new.questions.values_list("pk", flat=True))
    services.question_update(actor=actor, question=new.questions.first(), text="改过的问题")
    assert not old.questions.filter(text="改过的问题").exists()
    with pytest.raises(ValidationError) as refused:
        services.questionnaire_new_version(actor=actor, questionnaire=old)
    assert "2" in refused.value.messages[0]


def test_moving_sections_questions_and_choices(role_user):
    actor = role_user(roles.QUALITY_LEADER)
    questionnaire = QuestionnaireFactory()
    a, b = (
        SectionFactory(questionnaire=questionnaire, title="A"),
        SectionFactory(questionnaire=questionnaire, title="B"),
    )
    q1, q2, q3 = (QuestionFactory(questionnaire=questionnaire, section=a, text=t) for t in ("一", "二", "三"))
    services.move(actor=actor, item=b, direction="up")
    assert [s.title for s in questionnaire.sections.all()] == ["B", "A"]
    services.move(actor=actor, item=q3, direction="up")
    services.move(actor=actor, item=q1, direction="down")
    assert [q.text for q in a.questions.all()] == ["三", "一", "二"]
    services.move(actor=actor, item=q3, direction="up")  # already first: nothing moves
    services.move(actor=actor, item=q2, direction="down")  # already last
    assert [q.text for q in a.questions.all()] == ["三", "一", "二"]
    question = QuestionFactory(questionnaire=questionnaire, kind="multiple", dimension="")
    _c1, c2 = ChoiceFactory(question=question, text="甲"), ChoiceFactory(question=question, text="乙")
    services.move(actor=actor, item=c2, direction="up")
    assert [c.text for c in question.choices.all()] == ["乙", "甲"]


def test_new_items_go_last(role_user):
    actor = role_user(roles.QUALITY_LEADER)
    questionnaire = QuestionnaireFactory()
    first = services.section_add(actor=actor, questionnaire=questionnaire, title="一")
    second = services.section_add(actor=actor, questionnaire=questionnaire, title="二")
    assert list(questionnaire.sections.all()) == [first, second]
    question = services.question_add(actor=actor, questionnaire=questionnaire, kind="single", text="选择")
    services.choice_add(actor=actor, question=question, text="甲")
    services.choice_add(actor=actor, question=question, text="乙")
    assert [c.text for c in question.choices.all()] == ["甲", "乙"]


def test_question_checks_are_reported_together(role_user):
    actor = role_user(roles.QUALITY_LEADER)
    questionnaire = QuestionnaireFactory()
    other_section = SectionFactory()
    with pytest.raises(ValidationError) as refused:
        services.question_add(
            actor=actor,
            questionnaire=questionnaire,
            kind="scale",
            text=" ",
            industry="power",
            product_model=ProductModelFactory(),
            section=other_section,
        )
    assert set(refused.value.error_dict) == {"text", "dimension", "industry", "section"}
    assert not questionnaire.questions.exists()


def test_choices_only_for_choice_questions_and_dropped_when_the_kind_changes(role_user):
    actor = role_user(roles.QUALITY_LEADER)
    question = QuestionFactory(kind="text", dimension="")
    with pytest.raises(ValidationError):
        services.choice_add(actor=actor, question=question, text="甲")
    choice_question = QuestionFactory(kind="single", dimension="")
    ChoiceFactory(question=choice_question)
    services.question_update(actor=actor, question=choice_question, kind="nps")
    assert not choice_question.choices.exists()


def test_a_section_with_questions_is_not_deleted(role_user):
    actor = role_user(roles.QUALITY_LEADER)
    section = SectionFactory()
    QuestionFactory(questionnaire=section.questionnaire, section=section)
    with pytest.raises(ValidationError):
        services.section_delete(actor=actor, section=section)
    section.questions.all().delete()
    services.section_delete(actor=actor, section=section)
    assert not section.questionnaire.sections.exists()


@translation.override("en")
def test_problems_name_choice_questions_with_fewer_than_two_choices():
    questionnaire = QuestionnaireFactory()
    assert services.questionnaire_problems(questionnaire) == ["The questionnaire has no questions."]
    question = QuestionFactory(questionnaire=questionnaire, kind="single", dimension="", text="联系方式？")
    ChoiceFactory(question=question)
    assert services.questionnaire_problems(questionnaire) == ["“联系方式？” needs at least two choices."]
    ChoiceFactory(question=question)
    assert services.questionnaire_problems(questionnaire) == []
    assert services.questionnaire_problems(standard_questionnaire()) == []


def test_a_code_is_used_once(role_user):
    actor = role_user(roles.QUALITY_LEADER)
    QuestionnaireFactory(code="CSQ-1")
    with pytest.raises(ValidationError) as refused:
        services.questionnaire_create(actor=actor, code="CSQ-1", title="")
    assert set(refused.value.error_dict) == {"code", "title"}
    assert Questionnaire.objects.filter(code="CSQ-1").count() == 1
