import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales import roles
from customers.models import CustomerTier
from customers.tests.factories import ContactFactory, CustomerFactory
from surveys.models import Campaign, CampaignEvent, Response
from surveys.services import campaigns as services

from .factories_campaigns import CampaignFactory, QuestionnaireFactory, customer_with_email

pytestmark = pytest.mark.django_db
NOV = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def leader(role_user):
    return role_user(roles.QUALITY_LEADER)


@time_machine.travel(NOV, tick=False)
def test_create_defaults_to_december_fifty_answers_and_the_tier_ratios(leader):
    CustomerTier.objects.filter(code="B").update(sampling_ratio="0.40")
    campaign = services.campaign_create(actor=leader, name="2026年度", year=2026, questionnaire=QuestionnaireFactory())
    assert (campaign.opens_on, campaign.closes_on) == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert campaign.target_answers == 50
    assert campaign.sampling["B"] == "0.40"
    assert campaign.events.get().verb == CampaignEvent.Verb.CREATED


@time_machine.travel(NOV, tick=False)
def test_impossible_dates_and_ratios_are_refused_all_at_once(leader):
    with pytest.raises(ValidationError) as caught:
        services.campaign_create(
            actor=leader,
            name="x",
            year=2027,
            questionnaire=QuestionnaireFactory(),
            opens_on=datetime.date(2026, 11, 1),
            closes_on=datetime.date(2026, 10, 1),
            sampling={"A": "1.5", "B": "abc"},
        )
    errors = caught.value.message_dict
    assert {"closes_on", "year", "opens_on", "sampling"} <= set(errors)
    assert len(errors["sampling"]) == 2
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("code", [roles.QUALITY_LEADER, roles.QUALITY_CLERK, roles.QUALITY_ENGINEER])
@time_machine.travel(NOV, tick=False)
def test_quality_group_may_run_a_campaign(role_user, code):
    user = role_user(code)
    customer_with_email("A")
    campaign = services.campaign_create(actor=user, name="c", year=2026, questionnaire=QuestionnaireFactory())
    services.campaign_update(actor=user, campaign=campaign, target_answers=60)
    assert services.campaign_sample(actor=user, campaign=campaign) == 1
    services.campaign_open(actor=user, campaign=campaign)
    assert services.send_invitations(actor=user, campaign=campaign) == 1
    services.send_reminders(actor=user, campaign=campaign)
    services.campaign_close(actor=user, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.CLOSED


@pytest.mark.parametrize("code", [roles.SALES, roles.AFTERSALES_MANAGER, roles.GENERAL_MANAGER])
@time_machine.travel(NOV, tick=False)
def test_other_roles_may_not_create_sample_open_send_or_close(role_user, code):
    user = role_user(code)
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=user, name="c", year=2026, questionnaire=QuestionnaireFactory())
    draft = CampaignFactory()
    opened = CampaignFactory(state=Campaign.State.OPEN)
    for service, campaign in [
        (services.campaign_sample, draft),
        (services.campaign_open, draft),
        (services.send_invitations, opened),
        (services.send_reminders, opened),
        (services.campaign_close, opened),
    ]:
        with pytest.raises(PermissionDenied):
            service(actor=user, campaign=campaign)
    with pytest.raises(PermissionDenied):
        services.campaign_update(actor=user, campaign=draft, name="y")


def _customers(tier, n):
    return [CustomerFactory(tier=CustomerTier.objects.get(code=tier)) for _ in range(n)]


def _sampled(campaign):
    return set(campaign.responses.values_list("customer__code", flat=True))


def test_sampling_is_reproducible_from_the_seed_and_respects_tier_ratios(leader):
    _customers("A", 3), _customers("B", 10), _customers("C", 20)
    CustomerFactory(tier=CustomerTier.objects.get(code="C"), is_active=False)
    sampling = {"A": "1.00", "B": "0.50", "C": "0.20"}
    first = CampaignFactory(seed=42, sampling=sampling)
    second = CampaignFactory(seed=42, sampling=sampling)
    other = CampaignFactory(seed=43, sampling=sampling)
    for campaign in (first, second, other):
        assert services.campaign_sample(actor=leader, campaign=campaign) == 3 + 5 + 4
    assert _sampled(first) == _sampled(second)
    assert _sampled(first) != _sampled(other)
    tiers = {code: first.responses.filter(tier=code).count() for code in "ABC"}
    assert tiers == {"A": 3, "B": 5, "C": 4}
    assert not first.responses.filter(customer__is_active=False).exists()
    first.refresh_from_db()
    assert first.sampled_at is not None


def test_resampling_a_draft_gives_the_same_sample_and_fresh_tokens(leader):
    _customers("B", 6)
    campaign = CampaignFactory(sampling={"B": "0.50"})
    services.campaign_sample(actor=leader, campaign=campaign)
    before, tokens = _sampled(campaign), set(campaign.responses.values_list("token", flat=True))
    services.campaign_sample(actor=leader, campaign=campaign)
    assert _sampled(campaign) == before
    assert not tokens & set(campaign.responses.values_list("token", flat=True))


def test_an_open_campaign_cannot_be_sampled_again(leader):
    campaign = CampaignFactory(state=Campaign.State.OPEN)
    with pytest.raises(ValidationError):
        services.campaign_sample(actor=leader, campaign=campaign)


def test_recipient_is_the_primary_contact_with_an_email_else_the_first_with_one(leader):
    tier_a = CustomerTier.objects.get(code="A")
    primary = CustomerFactory(tier=tier_a, code="K1")
    ContactFactory(customer=primary, name="甲", email="a@example.cn")
    chosen = ContactFactory(customer=primary, name="乙", email="b@example.cn", is_primary=True)
    no_primary_email = CustomerFactory(tier=tier_a, code="K2")
    ContactFactory(customer=no_primary_email, name="丙", is_primary=True)
    fallback = ContactFactory(customer=no_primary_email, name="丁", email="d@example.cn")
    nobody = CustomerFactory(tier=tier_a, code="K3")
    ContactFactory(customer=nobody, name="戊", is_primary=True)
    campaign = CampaignFactory(sampling={"A": "1.00"})
    services.campaign_sample(actor=leader, campaign=campaign)
    contacts = dict(campaign.responses.values_list("customer__code", "contact_id"))
    assert contacts == {"K1": chosen.pk, "K2": fallback.pk, "K3": None}
    assert set(campaign.responses.values_list("tier", flat=True)) == {"A"}


@time_machine.travel(NOV, tick=False)
def test_opening_freezes_the_questionnaire_and_needs_a_sample(leader):
    campaign = CampaignFactory()
    with pytest.raises(ValidationError):
        services.campaign_open(actor=leader, campaign=campaign)
    customer_with_email("A")
    services.campaign_sample(actor=leader, campaign=campaign)
    services.campaign_open(actor=leader, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.OPEN and campaign.opened_at
    assert campaign.questionnaire.frozen_at is not None
    with pytest.raises(ValidationError):
        services.campaign_update(actor=leader, campaign=campaign, sampling={"A": "0.50"})
    services.campaign_update(actor=leader, campaign=campaign, target_answers=80)
    campaign.refresh_from_db()
    assert campaign.target_answers == 80


def test_changing_the_ratios_of_a_sampled_draft_clears_the_sample(leader):
    customer_with_email("A")
    campaign = CampaignFactory()
    services.campaign_sample(actor=leader, campaign=campaign)
    services.campaign_update(actor=leader, campaign=campaign, sampling={"A": "0.50", "B": "0.50", "C": "0.20"})
    campaign.refresh_from_db()
    assert campaign.sampled_at is None and not Response.objects.filter(campaign=campaign).exists()
