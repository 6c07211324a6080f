"""Saving and submitting answers: resumable drafts, one submission, required answers, who may key in."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales import roles
from customers.tests.factories import CustomerFactory

from ..models import Answer, Campaign, CampaignEvent, Response
from ..services.answers import response_save, response_submit
from .factories_answers import CampaignFactory, ResponseFactory, full_questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel("2026-12-10 10:00 +0800", tick=False):
        yield


@pytest.fixture
def survey():
    questionnaire, asked = full_questionnaire()
    response = ResponseFactory(campaign=CampaignFactory(questionnaire=questionnaire))
    return response, asked


def _choice(question, n=0):
    return list(question.choices.all())[n].pk


def _complete(asked):
    return {
        asked["scale"].pk: 4,
        asked["single"].pk: _choice(asked["single"]),
        asked["multiple"].pk: [_choice(asked["multiple"], 0), _choice(asked["multiple"], 2)],
        asked["nps"].pk: 9,
        asked["text"].pk: "希望缩短备件到货时间",
    }


def test_a_partial_save_stores_the_answers_given_and_marks_the_start(survey):
    response, asked = survey
    response_save(response=response, data={asked["scale"].pk: 2})
    response.refresh_from_db()
    assert response.started_at is not None and response.submitted_at is None
    assert Answer.objects.get(response=response).score == 2


def test_saving_again_updates_in_place_replaces_choices_and_drops_cleared_answers(survey):
    response, asked = survey
    response_save(response=response, data=_complete(asked))
    first_id = Answer.objects.get(response=response, question=asked["scale"]).pk
    started = Response.objects.get(pk=response.pk).started_at
    data = {asked["scale"].pk: 5, asked["multiple"].pk: [_choice(asked["multiple"], 1)]}
    response_save(response=response, data=data)
    scale = Answer.objects.get(response=response, question=asked["scale"])
    assert scale.pk == first_id and scale.score == 5
    multiple = Answer.objects.get(response=response, question=asked["multiple"])
    assert [c.pk for c in multiple.choices.all()] == [_choice(asked["multiple"], 1)]
    assert not Answer.objects.filter(response=response, question=asked["text"]).exists()
    assert Response.objects.get(pk=response.pk).started_at == started


def test_submit_names_every_missing_required_answer_at_once_and_stores_nothing(survey):
    response, asked = survey
    with pytest.raises(ValidationError) as refused:
        response_submit(response=response, data={asked["scale"].pk: 3})
    assert set(refused.value.message_dict) == {f"q{asked[k].pk}" for k in ("single", "multiple", "nps")}
    assert not Answer.objects.filter(response=response).exists()
    assert Response.objects.get(pk=response.pk).submitted_at is None


def test_a_second_submission_is_refused_and_changes_nothing(survey):
    response, asked = survey
    response_submit(response=response, data=_complete(asked))
    submitted = Response.objects.get(pk=response.pk).submitted_at
    with pytest.raises(ValidationError, match="已提交"):
        response_submit(response=response, data={**_complete(asked), asked["scale"].pk: 1})
    with pytest.raises(ValidationError, match="已提交"):
        response_save(response=response, data={asked["scale"].pk: 1})
    assert Answer.objects.get(response=response, question=asked["scale"]).score == 4
    assert Response.objects.get(pk=response.pk).submitted_at == submitted


@pytest.mark.parametrize("value", [{"scale": 6}, {"scale": 0}, {"nps": 11}, {"single": 999999}, {"multiple": [999999]}])
def test_values_a_question_cannot_take_are_refused(survey, value):
    response, asked = survey
    ((kind, given),) = value.items()
    with pytest.raises(ValidationError):
        response_save(response=response, data={asked[kind].pk: given})
    assert not Answer.objects.filter(response=response).exists()


def test_answers_to_questions_of_another_questionnaire_are_ignored(survey):
    response, asked = survey
    _other, foreign = full_questionnaire()
    response_save(response=response, data={foreign["scale"].pk: 1, asked["scale"].pk: 5})
    assert list(Answer.objects.filter(response=response).values_list("question", flat=True)) == [asked["scale"].pk]


@pytest.mark.parametrize("state", [Campaign.State.DRAFT, Campaign.State.CLOSED, Campaign.State.CONCLUDED])
def test_the_customer_cannot_answer_unless_the_campaign_is_open(survey, state):
    response, asked = survey
    response = ResponseFactory(campaign=CampaignFactory(questionnaire=response.campaign.questionnaire, state=state))
    with pytest.raises(ValidationError):
        response_save(response=response, data={asked["scale"].pk: 5})


def test_the_customer_cannot_answer_after_the_closing_date(survey):
    response, asked = survey
    with time_machine.travel("2027-01-01 09:00 +0800"), pytest.raises(ValidationError, match="已结束"):
        response_save(response=response, data={asked["scale"].pk: 5})


def test_staff_key_in_a_late_paper_form_while_the_campaign_awaits_conclusion(survey, role_user):
    response, asked = survey
    manager = role_user(roles.AFTERSALES_MANAGER)
    late = ResponseFactory(campaign=CampaignFactory(questionnaire=response.campaign.questionnaire, state="closed"))
    response_submit(response=late, data=_complete(asked), actor=manager, channel="paper", respondent="王工")
    late.refresh_from_db()
    assert (late.channel, late.entered_by, late.respondent) == ("paper", manager, "王工")
    event = CampaignEvent.objects.get(campaign=late.campaign)
    assert event.verb == "entered" and event.actor == manager
    assert late.customer.name not in event.note


def test_staff_cannot_key_in_once_the_campaign_is_concluded(survey, role_user):
    response, asked = survey
    done = ResponseFactory(campaign=CampaignFactory(questionnaire=response.campaign.questionnaire, state="concluded"))
    with pytest.raises(ValidationError):
        response_save(response=done, data=_complete(asked), actor=role_user("aftersales_manager"), channel="phone")


def test_staff_entry_needs_a_channel_other_than_online(survey, role_user):
    response, asked = survey
    with pytest.raises(ValidationError):
        response_save(response=response, data={}, actor=role_user("aftersales_manager"), channel="online")


def test_a_salesperson_keys_in_only_for_their_own_customers(survey, make_user):
    response, asked = survey
    mine, theirs = make_user(roles.SALES), make_user(roles.SALES)
    own = ResponseFactory(campaign=response.campaign, customer=CustomerFactory(salesperson=mine))
    response_save(response=own, data={asked["scale"].pk: 4}, actor=mine, channel="phone")
    with pytest.raises(PermissionDenied):
        response_save(response=own, data={asked["scale"].pk: 1}, actor=theirs, channel="phone")
    assert Answer.objects.get(response=own).score == 4


def test_roles_without_entry_permission_are_refused(survey, role_user):
    response, asked = survey
    with pytest.raises(PermissionDenied):
        response_save(response=response, data={}, actor=role_user("aftersales_engineer"), channel="paper")
