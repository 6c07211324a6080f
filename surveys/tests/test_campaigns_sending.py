import datetime

import pytest
import time_machine

from aftersales import outbox, roles
from surveys import tasks
from surveys.models import Campaign, CampaignEvent
from surveys.services import campaigns as services

from .factories_campaigns import CampaignFactory, customer_with_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def sampled(role_user, settings):
    settings.COMPANY_NAME = "江苏示例电气有限公司"
    settings.SITE_URL = "https://service.example.cn"
    leader = role_user(roles.QUALITY_LEADER)
    for _ in range(3):
        customer_with_email("A")
    campaign = CampaignFactory(sampling={"A": "1.00"})
    with time_machine.travel(datetime.datetime(2026, 11, 20, 1, tzinfo=datetime.UTC), tick=False):
        services.campaign_sample(actor=leader, campaign=campaign)
    return campaign


def _day(month, day, hour=0):
    # 07:00 Beijing time is 23:00 UTC the day before; use Beijing mornings.
    return time_machine.travel(datetime.datetime(2026, month, day, hour, tzinfo=datetime.UTC), tick=False)


def test_beat_task_opens_on_the_date_and_invites_once_under_reruns(sampled, mailoutbox):
    with _day(11, 30):
        tasks.run_campaigns()
        sampled.refresh_from_db()
        assert sampled.state == Campaign.State.DRAFT
    with _day(12, 1):
        first = tasks.run_campaigns()
        second = tasks.run_campaigns()
        outbox.dispatch()
    assert first["opened"] == 1 and first["invited"] == 3
    assert second == {"opened": 0, "closed": 0, "invited": 0, "reminded": 0}
    assert len(mailoutbox) == 3
    sampled.refresh_from_db()
    assert sampled.state == Campaign.State.OPEN
    assert sampled.events.filter(verb=CampaignEvent.Verb.OPENED).count() == 1
    message = mailoutbox[0]
    response = sampled.responses.get(contact__email=message.to[0])
    body = message.body
    assert response.contact.name in body
    assert "江苏示例电气有限公司" in body
    assert f"https://service.example.cn/s/{response.token}/" in body
    assert "2026-12-31" in body
    assert f"https://service.example.cn/s/{response.token}/" in message.alternatives[0][0]


def test_reminders_go_once_after_n_days_and_not_to_who_answered(sampled, mailoutbox):
    with _day(12, 1):
        tasks.run_campaigns()
        outbox.dispatch()
    mailoutbox.clear()
    answered = sampled.responses.first()
    answered.submitted_at = datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC)
    answered.save()
    with _day(12, 5):
        assert tasks.run_campaigns()["reminded"] == 0
    with _day(12, 8, 1):
        assert tasks.run_campaigns()["reminded"] == 2
        assert tasks.run_campaigns()["reminded"] == 0
        outbox.dispatch()
    assert len(mailoutbox) == 2
    assert answered.contact.email not in {m.to[0] for m in mailoutbox}
    with _day(12, 20):
        tasks.run_campaigns()
        outbox.dispatch()
    assert len(mailoutbox) == 2


def test_manual_sends_rerun_send_nothing_twice(sampled, mailoutbox, role_user):
    clerk = role_user(roles.QUALITY_CLERK)
    with _day(12, 1):
        services.campaign_open(actor=clerk, campaign=sampled)
        assert services.send_invitations(actor=clerk, campaign=sampled) == 3
        assert services.send_invitations(actor=clerk, campaign=sampled) == 0
        outbox.dispatch()
    with _day(12, 9):
        assert services.send_reminders(actor=clerk, campaign=sampled) == 3
        assert services.send_reminders(actor=clerk, campaign=sampled) == 0
        tasks.run_campaigns()
        outbox.dispatch()
    assert len(mailoutbox) == 6
    assert sampled.events.filter(verb=CampaignEvent.Verb.INVITED).count() == 1
    assert sampled.events.filter(verb=CampaignEvent.Verb.REMINDED).count() == 1


def test_beat_task_closes_after_the_closing_date_once(sampled):
    with _day(12, 1):
        tasks.run_campaigns()
    with _day(12, 31, 12):
        assert tasks.run_campaigns()["closed"] == 0
    with _day(12, 31, 17):  # 1 January, 01:00 in Beijing
        assert tasks.run_campaigns()["closed"] == 1
        assert tasks.run_campaigns()["closed"] == 0
    sampled.refresh_from_db()
    assert sampled.state == Campaign.State.CLOSED
    assert sampled.events.filter(verb=CampaignEvent.Verb.CLOSED, actor=None).count() == 1


def test_an_unsampled_draft_is_not_opened_by_the_task():
    campaign = CampaignFactory()
    with _day(12, 2):
        tasks.run_campaigns()
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.DRAFT


def test_the_beat_schedule_runs_the_campaign_task_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["surveys-run-campaigns"]
    assert entry["task"] == "surveys.tasks.run_campaigns"
