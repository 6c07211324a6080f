"""Dates that cannot be right, refused by the forms (all at once) and again by the services.

Each function returns ``{field: message}`` for the values given (``None`` values are not
checked), so a form adds each message to its field and a service raises them together.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# A time typed to the minute on a slow clock is not "in the future".
CLOCK_SLACK = datetime.timedelta(minutes=5)


def _day(moment) -> datetime.date | None:
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()
    return moment


def _fmt(moment) -> str:
    if isinstance(moment, datetime.datetime):
        return f"{timezone.localtime(moment) if timezone.is_aware(moment) else moment:%Y-%m-%d %H:%M}"
    return f"{moment:%Y-%m-%d}"


def raise_problems(problems: dict, codes: dict | None = None) -> None:
    """Raise the problems (the services' side): one alone with its code, several keyed by field.

    The code of a problem is ``codes[field]``, else the field's name, so that a page can put the
    message on its field.
    """
    codes = codes or {}
    errors = {name: ValidationError(message, code=codes.get(name, name)) for name, message in problems.items()}
    if len(errors) == 1:
        raise next(iter(errors.values()))
    if errors:
        raise ValidationError(errors)


def add_problems(form, problems: dict) -> None:
    """Add each problem to its field of ``form`` (or to the form when it has no such field)."""
    for name, message in problems.items():
        form.add_error(name if name in form.fields else None, message)


def intake_problems(*, received_at=None, delivery_date=None, now=None) -> dict:
    now = now or timezone.now()
    problems = {}
    if received_at is not None and received_at > now + CLOCK_SLACK:
        problems["received_at"] = _("The time of receipt cannot be in the future.")
    received_day = _day(received_at) or timezone.localdate(now)
    if delivery_date is not None and delivery_date > received_day:
        problems["delivery_date"] = _("The delivery date (%(date)s) cannot be after the complaint was received.") % {
            "date": _fmt(delivery_date)
        }
    return problems


def closing_problems(*, acceptance_date=None, received_at=None, today=None) -> dict:
    today = today or timezone.localdate()
    if acceptance_date is None:
        return {}
    if acceptance_date > today:
        return {"acceptance_date": _("The acceptance date cannot be in the future.")}
    if received_at is not None and acceptance_date < _day(received_at):
        return {
            "acceptance_date": _(
                "The customer cannot accept the handling before the complaint was received (%(date)s)."
            )
            % {"date": _fmt(_day(received_at))}
        }
    return {}


def timetable_problems(*, promised_date=None, received_at=None, today=None) -> dict:
    today = today or timezone.localdate()
    if promised_date is None:
        return {}
    if received_at is not None and promised_date < _day(received_at):
        return {"promised_date": _("The promised date cannot be before the complaint was received.")}
    if promised_date < today:
        return {"promised_date": _("The promised date (%(date)s) is in the past.") % {"date": _fmt(promised_date)}}
    return {}
