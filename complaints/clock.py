"""The service clock: deadlines from the severity's policy, and how a pause moves them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from aftersales.workcalendar import WorkingHours, add_working_time, working_time_between

from .models import SlaPolicy


@dataclass(frozen=True)
class Deadlines:
    response_risk: datetime
    response_due: datetime
    resolution_risk: datetime
    resolution_due: datetime


def policy_for(severity: str) -> SlaPolicy:
    """Return the severity's policy, or the 24 h / 48 h calendar default if none is set."""
    return SlaPolicy.objects.filter(severity=severity).first() or SlaPolicy(severity=severity)


def _hours(policy: SlaPolicy) -> WorkingHours:
    return WorkingHours(start=_as_time(policy.workday_start), end=_as_time(policy.workday_end))


def _as_time(value):
    if isinstance(value, str):
        return datetime.strptime(value, "%H:%M").time()
    return value


def add(policy: SlaPolicy, start: datetime, duration: timedelta) -> datetime:
    if policy.mode == SlaPolicy.Mode.WORKING:
        return add_working_time(start, duration, _hours(policy))
    return start + duration


def deadlines(policy: SlaPolicy, received_at: datetime) -> Deadlines:
    """Return the at-risk points and deadlines of a complaint received at ``received_at``."""
    response = timedelta(hours=policy.first_response_hours)
    resolution = timedelta(hours=policy.resolution_hours)
    share = policy.at_risk_percent / 100
    return Deadlines(
        response_risk=add(policy, received_at, response * share),
        response_due=add(policy, received_at, response),
        resolution_risk=add(policy, received_at, resolution * share),
        resolution_due=add(policy, received_at, resolution),
    )


def paused_duration(policy: SlaPolicy, started: datetime, ended: datetime) -> timedelta:
    """Return how much clock time a pause took: all of it, or its working time."""
    if policy.mode == SlaPolicy.Mode.WORKING:
        return working_time_between(started, ended, _hours(policy))
    return ended - started


def shift(policy: SlaPolicy, moment: datetime | None, by: timedelta) -> datetime | None:
    """Move a deadline later by ``by`` of clock time."""
    if moment is None or not by:
        return moment
    return add(policy, moment, by)


def working_resolution_minutes(policy, received_at: datetime, closed_at: datetime, pauses) -> int:
    """Return the working minutes from receipt to closing, less the working time of the ``(start, end)`` pauses.

    Counted on the policy's working day whatever its clock mode, so a case closed on Monday
    morning after a Friday-evening complaint does not carry the weekend.
    """
    hours = _hours(policy)
    total = working_time_between(received_at, closed_at, hours)
    for started, ended in pauses:
        total -= working_time_between(max(started, received_at), min(ended or closed_at, closed_at), hours)
    return max(0, int(total.total_seconds() // 60))
