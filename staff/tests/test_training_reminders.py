"""The reminder before a session: queued by the hourly task, sent once under reruns, again after a move."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from aftersales import outbox
from staff import tasks
from staff.services import training as services

from . import factories_training as f
from .factories import team

pytestmark = pytest.mark.django_db


def test_the_reminder_is_sent_once_under_reruns_and_again_after_a_move(mailoutbox, settings):
    settings.SITE_URL = "https://service.example.cn"
    manager, sales, sales2, *_rest = team("rm")
    soon = f.session(manager, sales, sales2, starts_in=datetime.timedelta(hours=20))
    f.session(manager, sales, starts_in=datetime.timedelta(days=3), title="later")
    outbox.dispatch()
    mailoutbox.clear()  # the invitations

    tasks.remind_training()
    tasks.remind_training()
    outbox.dispatch()
    tasks.remind_training()
    outbox.dispatch()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([sales.email, sales2.email])
    assert soon.number in mailoutbox[0].body and soon.get_absolute_url() in mailoutbox[0].body

    mailoutbox.clear()
    services.session_update(actor=manager, session=soon, starts_at=soon.starts_at + datetime.timedelta(hours=2))
    tasks.remind_training()
    outbox.dispatch()
    assert len(mailoutbox) == 2


def test_no_reminder_for_a_cancelled_session_or_one_beyond_a_day(mailoutbox):
    manager, sales, *_rest = team("rc")
    cancelled = f.session(manager, sales, starts_in=datetime.timedelta(hours=5))
    services.session_cancel(actor=manager, session=cancelled, reason="改期")
    later = f.session(manager, sales, starts_in=datetime.timedelta(hours=30))
    outbox.dispatch()
    mailoutbox.clear()
    tasks.remind_training()
    outbox.dispatch()
    assert mailoutbox == []
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=8), tick=False):
        tasks.remind_training()
        outbox.dispatch()
    assert [m.to[0] for m in mailoutbox] == [sales.email]
    assert later.title in mailoutbox[0].subject


def test_the_beat_schedule_runs_the_reminder_hourly(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "staff.tasks.remind_training")
    assert entry["schedule"].hour == set(range(24))
