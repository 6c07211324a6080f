"""Reads of customer care: the greetings of a salesperson, upcoming birthdays, the festival list."""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from customers.models import Contact

from ..access import people_visible_to
from ..models import Festival, Greeting

UPCOMING_DAYS = 30


def greeting_people(user):
    """Return the salespeople whose greetings ``user`` may read (themselves, their team, or all)."""
    return people_visible_to(user).order_by("last_name", "first_name", "username")


def greetings_of(*, user, person, outcome: str = Greeting.Outcome.DUE):
    """Return ``person``'s greetings with ``outcome``, or none if ``user`` may not read them."""
    if not people_visible_to(user).filter(pk=person.pk).exists():
        return Greeting.objects.none()
    rows = Greeting.objects.filter(salesperson=person, outcome=outcome).select_related(
        "contact__customer", "festival", "done_by"
    )
    if outcome == Greeting.Outcome.DUE:
        return rows.order_by("occasion_date", "pk")
    return rows.order_by("-occasion_date", "-pk")


def upcoming_birthdays(*, person, today: date | None = None, days: int = UPCOMING_DAYS) -> list:
    """Return ``person``'s customers' contacts with a birthday in the next ``days`` days, soonest first."""
    today = today or timezone.localdate()
    match = Q(pk__in=[])
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        match |= Q(birthday__month=day.month, birthday__day=day.day)
    contacts = Contact.objects.filter(match, customer__salesperson=person, customer__is_active=True).select_related(
        "customer"
    )
    rows = []
    for contact in contacts:
        next_day = _next_birthday(contact.birthday, today)
        rows.append({"contact": contact, "date": next_day, "in_days": (next_day - today).days})
    return sorted(rows, key=lambda row: (row["date"], row["contact"].name))


def _next_birthday(birthday: date, today: date) -> date:
    for year in (today.year, today.year + 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:  # 29 February in a common year
            day = date(year, 2, 28)
        if day >= today:
            return day
    return today


def festival_list(*, year: int):
    return Festival.objects.filter(date__year=year).order_by("date", "name")


def due_count(user) -> int:
    return Greeting.objects.filter(salesperson=user, outcome=Greeting.Outcome.DUE).count()
