"""The sweeper's claims are rows of their own: each alert once, with its outbox message, in batches."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from aftersales.models import Notification
from complaints import services, sla
from complaints.models import Complaint, ComplaintEvent
from complaints.models.complaint import ServiceLevelAlert, ServiceLevelSweep

from .factories import ComplaintFactory

H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)
RECEIVED = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _many(customer, user, count):
    return [ComplaintFactory(customer=customer, received_at=RECEIVED, assignee=user).pk for _ in range(count)]


def _keys():
    return list(Notification.objects.values_list("key", flat=True))


@pytest.mark.django_db
def test_a_second_sweep_sends_nothing_twice(people, customer):
    _many(customer, people.engineer, 3)
    first = sla.sweep(RECEIVED + 50 * H)
    assert first["response_breached"] == first["resolution_breached"] == 3
    assert sla.sweep(RECEIVED + 50 * H) == dict.fromkeys(first, 0)
    assert sla.sweep(RECEIVED + 51 * H) == dict.fromkeys(first, 0)
    keys = _keys()
    assert len(keys) == len(set(keys)) == 6
    # Every alert is claimed, the passed at-risk points too (claimed, never sent).
    assert ServiceLevelAlert.objects.count() == 12
    assert set(ServiceLevelSweep.objects.values_list("kind", flat=True)) == {a.kind for a in sla.ALERTS}


@pytest.mark.django_db
def test_a_burst_larger_than_a_batch_is_all_written_in_one_run(people, customer, monkeypatch):
    monkeypatch.setattr(sla, "BATCH", 7)
    _many(customer, people.engineer, 7 * 3 + 2)
    sent = sla.sweep(RECEIVED + 50 * H)
    assert sent["response_breached"] == sent["resolution_breached"] == 23
    assert Notification.objects.count() == 46
    assert ComplaintEvent.objects.filter(action=ComplaintEvent.Action.ALERT).count() == 46


@pytest.mark.django_db
def test_a_failure_after_the_claim_rolls_back_the_claim_and_its_message(people, customer, monkeypatch):
    [pk] = _many(customer, people.engineer, 1)
    real = sla.outbox.enqueue_many

    def written_then_failing(rows, **kwargs):
        rows = list(rows)
        real(rows, **kwargs)
        if rows:
            assert Notification.objects.exists()  # the message was written in the claim's transaction
            raise RuntimeError("the worker died")

    monkeypatch.setattr(sla.outbox, "enqueue_many", written_then_failing)
    with pytest.raises(RuntimeError):
        sla.sweep(RECEIVED + 24 * H + M)
    # The at-risk point before it was claimed (and not sent: the deadline had passed).
    assert list(ServiceLevelAlert.objects.values_list("kind", flat=True)) == ["response_at_risk"]
    assert not Notification.objects.exists()
    assert Complaint.objects.get(pk=pk).response_breach_notified_at is None

    monkeypatch.setattr(sla.outbox, "enqueue_many", real)
    assert sla.sweep(RECEIVED + 24 * H + M)["response_breached"] == 1
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_a_deadline_moved_later_is_alerted_anew(people, customer):
    complaint = ComplaintFactory(customer=customer, received_at=RECEIVED, assignee=people.engineer)
    assert sla.sweep(RECEIVED + 18 * H)["response_at_risk"] == 1
    with time_machine.travel(RECEIVED + 18 * H + M, tick=False):
        services.complaint_pause(actor=people.engineer, complaint=complaint, reason="等待客户提供现场照片")
    with time_machine.travel(RECEIVED + 30 * H, tick=False):
        services.complaint_resume(actor=people.engineer, complaint=complaint)
    complaint.refresh_from_db()
    moved = complaint.first_response_risk_at
    assert moved > RECEIVED + 29 * H
    assert sla.sweep(moved - M)["response_at_risk"] == 0
    assert sla.sweep(moved)["response_at_risk"] == 1
    assert sla.sweep(moved + M)["response_at_risk"] == 0
    risks = sorted(
        ServiceLevelAlert.objects.filter(complaint=complaint, kind="response_at_risk").values_list(
            "deadline", flat=True
        )
    )
    assert risks == [RECEIVED + 18 * H, moved]
    assert Notification.objects.filter(kind="complaints.response_at_risk").count() == 2


@pytest.mark.django_db
def test_a_complaint_entered_back_dated_after_the_last_sweep_is_alerted(people, customer):
    now = RECEIVED + 100 * H
    assert sla.sweep(now - M) == {a.kind: 0 for a in sla.ALERTS}  # the marks are set
    with time_machine.travel(now, tick=False):
        # Received 30 hours ago: its response deadline passed long before the mark.
        ComplaintFactory(customer=customer, received_at=now - 30 * H, assignee=people.engineer)
    assert sla.sweep(now + M)["response_breached"] == 1


@pytest.mark.django_db
def test_the_claim_leaves_the_complaint_indexes_alone(people, customer):
    """No index of the complaint table names an alert flag, so setting one is a HOT update."""
    flags = {alert.flag for alert in sla.ALERTS}
    for index in Complaint._meta.indexes:
        named = set(index.fields) | {str(part) for part in (index.condition.children if index.condition else [])}
        assert not any(flag in text for flag in flags for text in named), index.name


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweepers_at_once_send_each_alert_once(people, customer, monkeypatch):
    monkeypatch.setattr(sla.outbox, "kick", lambda: None)
    monkeypatch.setattr(sla, "BATCH", 25)
    count = 120
    _many(customer, people.engineer, count)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweeper():
        try:
            barrier.wait()
            results.append(sla.sweep(RECEIVED + 100 * H))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(r["response_breached"] for r in results) == count
    assert sum(r["resolution_breached"] for r in results) == count
    keys = _keys()
    assert len(keys) == len(set(keys)) == 2 * count
    assert ComplaintEvent.objects.filter(action=ComplaintEvent.Action.ALERT).count() == 2 * count
    assert ServiceLevelAlert.objects.count() == 4 * count
