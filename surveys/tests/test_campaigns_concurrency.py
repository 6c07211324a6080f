"""Real threads on PostgreSQL: two daily runs at once open a campaign and invite each contact once."""

import datetime

import pytest
import time_machine

from aftersales.models import Notification
from aftersales.tests.threads import run_together
from surveys.models import Campaign, CampaignEvent
from surveys.services import campaigns as services

from .factories_campaigns import CampaignFactory, customer_with_email

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_daily_runs_at_once_open_the_campaign_and_invite_each_contact_once():
    for _ in range(4):
        customer_with_email("A")
    campaign = CampaignFactory(sampling={"A": "1.00"})
    with time_machine.travel(datetime.datetime(2026, 11, 20, 1, tzinfo=datetime.UTC), tick=False):
        services.campaign_sample(actor=None, campaign=campaign)
    with time_machine.travel(datetime.datetime(2026, 12, 1, 0, tzinfo=datetime.UTC), tick=False):
        outcomes = run_together(services.run_daily, services.run_daily)
    assert all(isinstance(outcome, dict) for outcome in outcomes), outcomes
    assert sum(outcome["opened"] for outcome in outcomes) == 1
    assert sum(outcome["invited"] for outcome in outcomes) == 4
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.OPEN
    assert campaign.events.filter(verb=CampaignEvent.Verb.OPENED).count() == 1
    assert Notification.objects.filter(kind="surveys.invitation").count() == 4
