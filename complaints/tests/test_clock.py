"""The service clock: 24 h response and 48 h resolution, on the calendar or on working time, with pauses."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from complaints import services
from complaints.models import Complaint, ComplaintEvent, PausePeriod, Severity, SlaPolicy, SlaStatus

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)


def at(day: str, clock: str = "00:00") -> datetime.datetime:
    """Return a Beijing-time moment such as at("2026-10-09", "15:00")."""
    naive = datetime.datetime.fromisoformat(f"{day}T{clock}")
    return timezone.make_aware(naive, timezone.get_default_timezone())


@pytest.fixture
def receive(people, customer):
    """Return a function receiving a complaint at a given moment (the clock is frozen there)."""

    def receive_at(moment, **data):
        with time_machine.travel(moment, tick=False):
            return services.complaint_create(
                actor=people.engineer,
                customer=customer,
                title="断路器拒合",
                description="现场断路器无法合闸",
                **data,
            )

    return receive_at


@pytest.fixture
def rectifying(people, customer):
    """Return a function making a complaint received at a given moment, now being rectified."""

    def make(received_at, **kwargs):
        return ComplaintFactory(
            customer=customer,
            received_at=received_at,
            state=Complaint.State.RECTIFYING,
            assignee=people.engineer,
            analysed=True,
            **kwargs,
        )

    return make


@pytest.fixture
def working_time():
    """Switch every severity's clock to working time (08:30–17:30 on working days)."""
    SlaPolicy.objects.update(mode=SlaPolicy.Mode.WORKING)


def _deadlines(complaint):
    return (
        complaint.first_response_risk_at,
        complaint.first_response_due_at,
        complaint.resolution_risk_at,
        complaint.resolution_due_at,
    )


def _in(moment, function, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return function(*args, **kwargs)


# --- calendar hours ----------------------------------------------------------------


def test_calendar_deadlines_are_24_and_48_hours_with_warnings_at_75_percent(receive):
    received = at("2026-11-16", "10:00")
    complaint = receive(received)
    assert _deadlines(complaint) == (received + 18 * H, received + 24 * H, received + 36 * H, received + 48 * H)


@pytest.mark.parametrize(
    ("after", "response", "resolution"),
    [
        (1 * H, SlaStatus.RUNNING, SlaStatus.RUNNING),
        (18 * H - datetime.timedelta(seconds=1), SlaStatus.RUNNING, SlaStatus.RUNNING),
        (18 * H, SlaStatus.AT_RISK, SlaStatus.RUNNING),
        (24 * H, SlaStatus.AT_RISK, SlaStatus.RUNNING),
        (24 * H + datetime.timedelta(seconds=1), SlaStatus.BREACHED, SlaStatus.RUNNING),
        (36 * H, SlaStatus.BREACHED, SlaStatus.AT_RISK),
        (48 * H + datetime.timedelta(seconds=1), SlaStatus.BREACHED, SlaStatus.BREACHED),
    ],
)
def test_clock_shows_running_at_risk_and_breached(after, response, resolution, receive):
    received = at("2026-11-16", "10:00")
    complaint = receive(received)
    now = received + after
    assert (complaint.response_status(now), complaint.resolution_status(now)) == (response, resolution)
    assert complaint.sla_status(now) == response


def test_each_severity_follows_its_own_policy(receive):
    SlaPolicy.objects.filter(severity=Severity.MAJOR).update(
        first_response_hours=4, resolution_hours=24, at_risk_percent=50
    )
    received = at("2026-11-16", "10:00")
    major = receive(received, severity=Severity.MAJOR)
    general = receive(received)
    assert _deadlines(major) == (received + 2 * H, received + 4 * H, received + 12 * H, received + 24 * H)
    assert general.first_response_due_at == received + 24 * H


def test_missing_policy_falls_back_to_24_and_48_calendar_hours(receive):
    SlaPolicy.objects.all().delete()
    received = at("2026-11-16", "10:00")
    complaint = receive(received)
    assert _deadlines(complaint) == (received + 18 * H, received + 24 * H, received + 36 * H, received + 48 * H)


def test_clock_counts_from_the_recorded_time_of_receipt(receive):
    received = at("2026-11-30", "23:00")
    complaint = receive(at("2026-12-01", "00:30"), received_at=received)
    assert complaint.received_at == received
    assert complaint.first_response_due_at == received + 24 * H
    assert complaint.number.startswith("TS-202611-")  # the month of receipt in Beijing time


def test_receipt_in_the_future_is_refused(receive):
    with pytest.raises(ValidationError) as error:
        receive(at("2026-11-16", "10:00"), received_at=at("2026-11-16", "11:00"))
    assert error.value.code == "received_at"


# --- working time ------------------------------------------------------------------


def test_working_time_deadlines_skip_the_national_day_week_and_count_the_make_up_saturday(working_time, receive):
    complaint = receive(at("2026-09-30", "09:00"))
    assert _deadlines(complaint) == (
        at("2026-10-09", "09:00"),  # 18 h: 8.5 h on 30 Sep, 9 h on 8 Oct, 0.5 h on 9 Oct
        at("2026-10-09", "15:00"),  # 24 h
        at("2026-10-12", "09:00"),  # 36 h: Saturday 10 Oct is a make-up working day
        at("2026-10-13", "12:00"),  # 48 h
    )


def test_working_time_deadlines_count_the_make_up_sunday(working_time, receive):
    complaint = receive(at("2026-09-18", "16:30"))
    # 1 h on Friday, 9 h on the make-up Sunday 20 Sep, 9 h on Monday, 5 h on Tuesday
    assert complaint.first_response_due_at == at("2026-09-22", "13:30")


def test_working_time_clock_starts_at_the_next_opening_for_a_weekend_receipt(working_time, receive):
    complaint = receive(at("2026-11-21", "20:00"))
    assert complaint.first_response_due_at == at("2026-11-25", "14:30")  # Mon 9 h, Tue 9 h, Wed 6 h from 08:30


# --- pauses --------------------------------------------------------------------------


def test_pause_moves_every_pending_deadline_by_the_paused_calendar_time(receive, people):
    complaint = receive(at("2026-11-16", "10:00"))
    before = _deadlines(complaint)
    _in(
        at("2026-11-16", "12:00"), services.complaint_pause, actor=people.engineer, complaint=complaint, reason="等客户"
    )
    complaint.refresh_from_db()
    now = at("2026-11-17", "14:00")
    assert complaint.sla_status(now) == SlaStatus.PAUSED
    assert complaint.time_left(now) == before[1] - at("2026-11-16", "12:00")  # frozen at the pause

    _in(at("2026-11-16", "17:00"), services.complaint_resume, actor=people.engineer, complaint=complaint)
    complaint.refresh_from_db()
    assert _deadlines(complaint) == tuple(moment + 5 * H for moment in before)
    assert complaint.paused_total == 5 * H
    assert complaint.paused_since is None
    pause = PausePeriod.objects.get(complaint=complaint)
    assert (pause.started_at, pause.ended_at, pause.reason, pause.started_by) == (
        at("2026-11-16", "12:00"),
        at("2026-11-16", "17:00"),
        "等客户",
        people.engineer,
    )
    actions = ComplaintEvent.objects.filter(complaint=complaint).values_list("action", "at")
    assert (ComplaintEvent.Action.PAUSED, at("2026-11-16", "12:00")) in actions
    assert (ComplaintEvent.Action.RESUMED, at("2026-11-16", "17:00")) in actions


def test_pauses_add_up(receive, people):
    complaint = receive(at("2026-11-16", "10:00"))
    due = complaint.resolution_due_at
    for start, end in [("11:00", "12:00"), ("14:00", "16:30")]:
        _in(at("2026-11-16", start), services.complaint_pause, actor=people.engineer, complaint=complaint, reason="等")
        _in(at("2026-11-16", end), services.complaint_resume, actor=people.engineer, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.paused_total == 3.5 * H
    assert complaint.resolution_due_at == due + 3.5 * H
    assert PausePeriod.objects.filter(complaint=complaint, ended_at__isnull=False).count() == 2


def test_pause_after_the_first_response_moves_only_the_resolution(receive, people):
    complaint = receive(at("2026-11-16", "10:00"))
    before = _deadlines(complaint)
    _in(
        at("2026-11-16", "11:00"),
        services.complaint_respond,
        actor=people.engineer,
        complaint=complaint,
        reply="已受理",
    )
    _in(at("2026-11-16", "12:00"), services.complaint_pause, actor=people.engineer, complaint=complaint, reason="等")
    _in(at("2026-11-16", "14:00"), services.complaint_resume, actor=people.engineer, complaint=complaint)
    complaint.refresh_from_db()
    assert _deadlines(complaint) == (before[0], before[1], before[2] + 2 * H, before[3] + 2 * H)


def test_pause_in_working_time_counts_only_the_working_hours_paused(working_time, receive, people):
    complaint = receive(at("2026-11-16", "10:00"))
    assert complaint.first_response_due_at == at("2026-11-18", "16:00")
    assert complaint.resolution_due_at == at("2026-11-23", "13:00")
    _in(at("2026-11-16", "16:00"), services.complaint_pause, actor=people.engineer, complaint=complaint, reason="等")
    _in(at("2026-11-17", "10:00"), services.complaint_resume, actor=people.engineer, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.paused_total == 3 * H  # 16:00–17:30 and 08:30–10:00, not the night
    assert complaint.first_response_due_at == at("2026-11-19", "10:00")
    assert complaint.resolution_due_at == at("2026-11-23", "16:00")


def test_pause_over_a_public_holiday_costs_no_working_time(working_time, receive, people):
    complaint = receive(at("2026-09-30", "09:00"))
    due = complaint.resolution_due_at
    _in(at("2026-09-30", "16:30"), services.complaint_pause, actor=people.engineer, complaint=complaint, reason="等")
    _in(at("2026-10-08", "09:30"), services.complaint_resume, actor=people.engineer, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.paused_total == 2 * H
    assert complaint.resolution_due_at == at("2026-10-13", "14:00") == due + 2 * H


@pytest.mark.parametrize("reason", ["", "  "])
def test_pause_needs_a_reason(reason, receive, people):
    complaint = receive(at("2026-11-16", "10:00"))
    with pytest.raises(ValidationError):
        services.complaint_pause(actor=people.engineer, complaint=complaint, reason=reason)


def test_a_clock_is_paused_and_resumed_once(receive, people):
    complaint = receive(at("2026-11-16", "10:00"))
    with pytest.raises(ValidationError):
        services.complaint_resume(actor=people.engineer, complaint=complaint)
    services.complaint_pause(actor=people.engineer, complaint=complaint, reason="等客户")
    with pytest.raises(ValidationError):
        services.complaint_pause(actor=people.engineer, complaint=complaint, reason="再等")


def test_closing_a_paused_complaint_ends_the_pause_and_keeps_the_paused_time(rectifying, people):
    complaint = rectifying(at("2026-11-16", "10:00"), first_responded_at=at("2026-11-16", "11:00"))
    _in(at("2026-11-16", "12:00"), services.complaint_pause, actor=people.engineer, complaint=complaint, reason="等")
    _in(
        at("2026-11-19", "12:00"),
        services.complaint_close,
        actor=people.engineer,
        complaint=complaint,
        acceptance_name="王工",
        acceptance_date=datetime.date(2026, 11, 19),
        reply_to_customer="已修复",
    )
    complaint.refresh_from_db()
    assert complaint.paused_since is None
    assert complaint.paused_total == 72 * H
    assert not PausePeriod.objects.filter(complaint=complaint, ended_at__isnull=True).exists()
    assert complaint.resolution_status() == SlaStatus.MET
    assert not Complaint.objects.with_sla("paused", at("2026-11-20")).exists()


# --- what stops and what does not stop the clock ----------------------------------------


def test_promised_timetable_does_not_move_the_48_hour_measure(receive, people):
    complaint = receive(at("2026-11-16", "10:00"))
    before = _deadlines(complaint)
    with time_machine.travel(at("2026-11-16", "11:00"), tick=False):
        services.complaint_promise_timetable(
            actor=people.engineer,
            complaint=complaint,
            timetable="更换主板需厂家发货，预计两周",
            promised_date=datetime.date(2026, 11, 30),
        )
    complaint.refresh_from_db()
    assert _deadlines(complaint) == before
    assert complaint.promised_resolution_date == datetime.date(2026, 11, 30)
    assert complaint.resolution_status(at("2026-11-18", "10:01")) == SlaStatus.BREACHED
    assert ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintEvent.Action.TIMETABLE).exists()


def test_promised_date_before_receipt_is_refused(receive, people):
    complaint = receive(at("2026-11-16", "10:00"))
    with pytest.raises(ValidationError):
        services.complaint_promise_timetable(
            actor=people.engineer, complaint=complaint, timetable="两周", promised_date=datetime.date(2026, 11, 15)
        )


@pytest.mark.parametrize(("after", "status"), [(23 * H, SlaStatus.MET), (25 * H, SlaStatus.BREACHED)])
def test_first_response_stops_the_24_hour_clock(after, status, receive, people):
    received = at("2026-11-16", "10:00")
    complaint = receive(received)
    _in(received + after, services.complaint_respond, actor=people.engineer, complaint=complaint, reply="已受理")
    complaint.refresh_from_db()
    assert complaint.first_responded_at == received + after
    assert complaint.response_status(received + 100 * H) == status
    assert complaint.sla_status(received + 30 * H) == (
        SlaStatus.BREACHED if status == SlaStatus.BREACHED else SlaStatus.RUNNING
    )


def test_closing_reply_counts_as_the_first_response_when_none_was_logged(rectifying, people):
    received = at("2026-11-16", "10:00")
    complaint = rectifying(received)
    _in(
        received + 20 * H,
        services.complaint_close,
        actor=people.engineer,
        complaint=complaint,
        acceptance_name="王工",
        acceptance_date=datetime.date(2026, 11, 17),
        reply_to_customer="已修复",
    )
    complaint.refresh_from_db()
    assert complaint.first_responded_at == received + 20 * H
    assert complaint.sla_status(received + 100 * H) == SlaStatus.MET
    assert not Complaint.objects.with_sla("breached", received + 100 * H).exists()


def test_cancelled_complaint_has_no_running_clock(receive, people):
    received = at("2026-11-16", "10:00")
    complaint = receive(received)
    _in(received + H, services.complaint_cancel, actor=people.manager, complaint=complaint, reason="重复登记")
    complaint.refresh_from_db()
    later = received + 100 * H
    assert complaint.sla_status(later) == SlaStatus.NONE
    assert complaint.time_left(later) is None
    assert not Complaint.objects.with_sla("breached", later).exists()
    assert not Complaint.objects.breaching(later).exists()
    assert not Complaint.objects.responding_breached(later).exists()
