"""The service-level sweeper: each alert once, to the right people, never for a paused clock."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from complaints import services, sla
from complaints.models import Complaint, ComplaintEvent, Severity

from .factories import ComplaintFactory

H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)
RECEIVED = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NOTHING = {"response_at_risk": 0, "response_breached": 0, "resolution_at_risk": 0, "resolution_breached": 0}


def counts(**sent):
    return {**NOTHING, **sent}


@pytest.fixture
def complaint(people, customer):
    return ComplaintFactory(customer=customer, received_at=RECEIVED, assignee=people.engineer)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Return a function running the sweep at a moment, with its mail sent as after a commit."""

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return sla.sweep(now)

    return run


def _alerts(complaint):
    return list(
        ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintEvent.Action.ALERT).values_list(
            "note", flat=True
        )
    )


def _emails(*users):
    return sorted(user.email for user in users)


@pytest.mark.django_db
def test_sweep_marks_at_risk_and_breached_exactly_once_each(complaint, sweep, mailoutbox):
    steps = [
        (18 * H - M, counts()),
        (18 * H, counts(response_at_risk=1)),
        (20 * H, counts()),
        (24 * H + M, counts(response_breached=1)),
        (30 * H, counts()),
        (36 * H, counts(resolution_at_risk=1)),
        (48 * H + M, counts(resolution_breached=1)),
        (100 * H, counts()),
    ]
    for after, expected in steps:
        assert sweep(RECEIVED + after) == expected, after
    complaint.refresh_from_db()
    assert complaint.response_risk_notified_at == RECEIVED + 18 * H
    assert complaint.response_breach_notified_at == RECEIVED + 24 * H + M
    assert complaint.resolution_risk_notified_at == RECEIVED + 36 * H
    assert complaint.resolution_breach_notified_at == RECEIVED + 48 * H + M
    assert _alerts(complaint) == ["response_at_risk", "response_breached", "resolution_at_risk", "resolution_breached"]
    assert len(mailoutbox) == 4


@pytest.mark.django_db
def test_running_the_sweep_twice_sends_one_mail_per_alert(complaint, sweep, mailoutbox):
    sweep(RECEIVED + 20 * H)
    sweep(RECEIVED + 20 * H)
    assert len(mailoutbox) == 1
    sweep(RECEIVED + 50 * H)
    sweep(RECEIVED + 50 * H)
    assert len(mailoutbox) == 3  # the response breach and the resolution breach
    assert len(_alerts(complaint)) == 3


@pytest.mark.django_db
def test_at_risk_alert_is_skipped_once_its_deadline_has_passed(complaint, sweep, mailoutbox, people):
    assert sweep(RECEIVED + 25 * H) == counts(response_breached=1)
    complaint.refresh_from_db()
    assert complaint.response_risk_notified_at is not None  # claimed, so never sent later
    assert _alerts(complaint) == ["response_breached"]
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == _emails(people.engineer, people.manager, people.second_manager)
    assert sweep(RECEIVED + 26 * H) == counts()


@pytest.mark.django_db
def test_response_breach_goes_to_the_assignee_and_the_after_sales_managers(complaint, sweep, mailoutbox, people):
    sweep(RECEIVED + 24 * H + M)
    [message] = mailoutbox
    assert sorted(message.to) == _emails(people.engineer, people.manager, people.second_manager)


@pytest.mark.django_db
def test_resolution_breach_goes_to_the_department_heads(complaint, sweep, mailoutbox, people):
    services.complaint_respond(actor=people.engineer, complaint=complaint, reply="已受理")
    sweep(RECEIVED + 48 * H + M)
    [message] = mailoutbox
    assert sorted(message.to) == _emails(people.head, people.deputy_head)


@pytest.mark.django_db
def test_department_heads_without_an_address_or_inactive_get_nothing(complaint, sweep, mailoutbox, people):
    people.deputy_head.is_active = False
    people.deputy_head.save()
    services.complaint_respond(actor=people.engineer, complaint=complaint, reply="已受理")
    sweep(RECEIVED + 48 * H + M)
    [message] = mailoutbox
    assert message.to == [people.head.email]


@pytest.mark.django_db
@pytest.mark.parametrize(("assigned", "who"), [(True, ["engineer"]), (False, ["manager", "second_manager"])])
def test_at_risk_warning_goes_to_the_assignee_or_else_the_managers(assigned, who, people, customer, sweep, mailoutbox):
    ComplaintFactory(customer=customer, received_at=RECEIVED, assignee=people.engineer if assigned else None)
    sweep(RECEIVED + 18 * H)
    [message] = mailoutbox
    assert sorted(message.to) == _emails(*(getattr(people, name) for name in who))


@pytest.mark.django_db
def test_major_complaint_is_reported_to_the_department_heads_at_receipt(
    people, customer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = services.complaint_create(
            actor=people.sales,
            customer=customer,
            title="整批开关柜烧毁",
            description="3 台起火",
            severity=Severity.MAJOR,
        )
    [message] = mailoutbox
    assert sorted(message.to) == _emails(people.head, people.deputy_head)
    assert complaint.number in message.subject + message.body


@pytest.mark.django_db
def test_general_complaint_is_not_reported_at_receipt(people, customer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_create(actor=people.sales, customer=customer, title="异响", description="合闸异响")
    assert mailoutbox == []


@pytest.mark.django_db
def test_paused_complaint_is_not_alerted_until_it_resumes(complaint, sweep, mailoutbox, people):
    with time_machine.travel(RECEIVED + H, tick=False):
        services.complaint_pause(actor=people.engineer, complaint=complaint, reason="等待客户提供现场照片")
    assert sweep(RECEIVED + 100 * H) == counts()
    with time_machine.travel(RECEIVED + 101 * H, tick=False):
        services.complaint_resume(actor=people.engineer, complaint=complaint)
    assert sweep(RECEIVED + 101 * H) == counts()  # 100 h were paused: only 1 h of the clock has run
    assert sweep(RECEIVED + 100 * H + 18 * H) == counts(response_at_risk=1)
    assert len(mailoutbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Complaint.State.CLOSED, Complaint.State.CANCELLED])
def test_closed_and_cancelled_complaints_are_not_alerted(state, people, customer, sweep, mailoutbox):
    ComplaintFactory(customer=customer, received_at=RECEIVED, state=state, assignee=people.engineer)
    assert sweep(RECEIVED + 100 * H) == counts()
    assert mailoutbox == []


@pytest.mark.django_db
def test_first_response_stops_the_response_alerts_only(complaint, sweep, people):
    services.complaint_respond(actor=people.engineer, complaint=complaint, reply="已受理")
    assert sweep(RECEIVED + 100 * H) == counts(resolution_breached=1)


@pytest.mark.django_db
def test_promised_timetable_does_not_hold_back_the_resolution_breach(complaint, sweep, people):
    services.complaint_respond(actor=people.engineer, complaint=complaint, reply="已受理")
    services.complaint_promise_timetable(
        actor=people.engineer,
        complaint=complaint,
        timetable="返厂维修两周",
        promised_date=timezone.localdate() + datetime.timedelta(days=14),
    )
    assert sweep(RECEIVED + 48 * H + M) == counts(resolution_breached=1)


@pytest.mark.django_db
def test_sweep_task_runs_the_sweep_now(complaint, django_capture_on_commit_callbacks, mailoutbox):
    from complaints.tasks import sweep_service_levels

    with time_machine.travel(RECEIVED + 24 * H + M, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert sweep_service_levels.delay().get() == counts(response_breached=1)
    assert len(mailoutbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweepers_at_once_send_one_mail_per_breach(people, customer, mailoutbox):
    complaints = [ComplaintFactory(customer=customer, received_at=RECEIVED, assignee=people.engineer) for _ in range(5)]
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
    assert sum(r["response_breached"] for r in results) == 5
    assert sum(r["resolution_breached"] for r in results) == 5
    assert len(mailoutbox) == 10  # one per breach; the passed at-risk points are not mailed
    for complaint in complaints:
        assert sorted(_alerts(complaint)) == ["resolution_breached", "response_breached"]
