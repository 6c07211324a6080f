"""Dates of service work that cannot be right: visits, returns, follow-up calls.

Each function returns ``{field: message}`` like those of ``complaints.dates`` (whose
helpers raise or show them), so forms add every message at once and services raise them.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.dates import CLOCK_SLACK, _day, _fmt, add_problems, raise_problems

__all__ = ["add_problems", "follow_up_problems", "raise_problems", "return_problems", "visit_problems"]


def visit_problems(
    *,
    planned_start=None,
    planned_end=None,
    actual_start=None,
    actual_end=None,
    acceptance_date=None,
    now=None,
) -> dict:
    now = now or timezone.now()
    problems = {}
    if planned_start and planned_end and planned_end < planned_start:
        problems["planned_end"] = _("The planned end (%(end)s) cannot be before the planned start (%(start)s).") % {
            "end": _fmt(planned_end),
            "start": _fmt(planned_start),
        }
    for name, value in (("actual_start", actual_start), ("actual_end", actual_end)):
        if value and value > now + CLOCK_SLACK:
            problems[name] = _("This time (%(time)s) is in the future.") % {"time": _fmt(value)}
    if actual_start and actual_end and actual_end < actual_start and "actual_end" not in problems:
        problems["actual_end"] = _("The actual end (%(end)s) cannot be before the actual start (%(start)s).") % {
            "end": _fmt(actual_end),
            "start": _fmt(actual_start),
        }
    if acceptance_date:
        if acceptance_date > timezone.localdate(now):
            problems["customer_acceptance_date"] = _("The acceptance date cannot be in the future.")
        elif actual_start and acceptance_date < _day(actual_start):
            problems["customer_acceptance_date"] = _(
                "The customer cannot accept the work (%(date)s) before the visit started (%(start)s)."
            ) % {"date": _fmt(acceptance_date), "start": _fmt(actual_start)}
    return problems


def return_problems(*, requested_on=None, received_on=None, closed_on=None, today=None) -> dict:
    today = today or timezone.localdate()
    problems = {}
    for name, value in (("requested_on", requested_on), ("received_on", received_on), ("closed_on", closed_on)):
        if value and value > today:
            problems[name] = _("This date (%(date)s) is in the future.") % {"date": _fmt(value)}
    if requested_on and received_on and received_on < requested_on and "received_on" not in problems:
        problems["received_on"] = _("The goods cannot arrive before the return was requested.")
    if requested_on and closed_on and closed_on < requested_on and "closed_on" not in problems:
        problems["closed_on"] = _("A return cannot be closed before it was requested.")
    return problems


def follow_up_problems(*, called_at=None, closed_at=None, visit_end=None, now=None) -> dict:
    now = now or timezone.now()
    if called_at is None:
        return {}
    if called_at > now + CLOCK_SLACK:
        return {"called_at": _("The call cannot be in the future.")}
    if closed_at and called_at < closed_at.replace(second=0, microsecond=0):
        return {
            "called_at": _("The follow-up call comes after the complaint was closed (%(time)s).")
            % {"time": _fmt(closed_at)}
        }
    if visit_end and called_at < visit_end.replace(second=0, microsecond=0):
        return {
            "called_at": _("The follow-up call comes after the service visit ended (%(time)s).")
            % {"time": _fmt(visit_end)}
        }
    return {}
