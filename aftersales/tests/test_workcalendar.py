"""Working time on the company calendar: opening hours, weekends, public holidays and make-up days."""

import datetime

import pytest
from django.utils import timezone

from aftersales.models import CalendarDay
from aftersales.workcalendar import (
    WorkCalendar,
    WorkingHours,
    add_working_time,
    missing_years,
    seed_from_holidays,
    working_time_between,
)

pytestmark = pytest.mark.django_db

H = datetime.timedelta(hours=1)


def at(day: str, clock: str = "00:00") -> datetime.datetime:
    """Return a Beijing-time moment such as at("2026-10-09", "15:00")."""
    naive = datetime.datetime.fromisoformat(f"{day}T{clock}")
    return timezone.make_aware(naive, timezone.get_default_timezone())


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-09-30", True),  # Wednesday before National Day
        ("2026-10-01", False),  # National Day
        ("2026-10-04", False),  # Sunday inside the holiday week
        ("2026-10-07", False),  # day off in exchange for a make-up day
        ("2026-10-08", True),
        ("2026-09-20", True),  # Sunday, make-up working day
        ("2026-10-10", True),  # Saturday, make-up working day
        ("2026-10-11", False),  # an ordinary Sunday
        ("2026-09-25", False),  # Mid-Autumn Festival, a Friday
    ],
)
def test_calendar_knows_holidays_and_make_up_days(day, working):
    assert WorkCalendar(datetime.date(2026, 9, 1)).is_working_day(datetime.date.fromisoformat(day)) is working


def test_calendar_reads_days_beyond_its_first_range():
    calendar = WorkCalendar(datetime.date(2026, 1, 1), days=10)
    assert calendar.is_working_day(datetime.date(2026, 10, 10)) is True
    assert calendar.is_working_day(datetime.date(2026, 10, 1)) is False


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        (at("2026-11-16", "10:00"), 2 * H, at("2026-11-16", "12:00")),  # inside one Monday
        (at("2026-11-16", "07:00"), H, at("2026-11-16", "09:30")),  # before opening: counts from 08:30
        (at("2026-11-16", "18:00"), H, at("2026-11-17", "09:30")),  # after closing: next morning
        (at("2026-11-16", "08:30"), 9 * H, at("2026-11-16", "17:30")),  # a whole day ends at closing, not next day
        (at("2026-11-16", "17:30"), H, at("2026-11-17", "09:30")),  # exactly at closing: nothing left today
        (at("2026-11-16", "16:30"), 2 * H, at("2026-11-17", "09:30")),  # an hour today, an hour tomorrow
        (at("2026-11-20", "16:30"), 2 * H, at("2026-11-23", "09:30")),  # Friday into Monday
        (at("2026-11-21", "10:00"), H, at("2026-11-23", "09:30")),  # from a Saturday
        (at("2026-10-01", "10:00"), H, at("2026-10-08", "09:30")),  # from a holiday
        (at("2026-09-30", "16:30"), 2 * H, at("2026-10-08", "09:30")),  # over the National Day week
        (at("2026-09-18", "16:30"), 2 * H, at("2026-09-20", "09:30")),  # Friday into the make-up Sunday
        (at("2026-10-09", "17:00"), H, at("2026-10-10", "09:00")),  # Friday into the make-up Saturday
        (at("2026-11-16", "10:00"), datetime.timedelta(0), at("2026-11-16", "10:00")),
    ],
)
def test_add_working_time(start, duration, due):
    assert add_working_time(start, duration) == due


def test_add_working_time_uses_the_given_hours():
    hours = WorkingHours(start=datetime.time(9, 0), end=datetime.time(12, 0))
    assert add_working_time(at("2026-11-16", "11:00"), 2 * H, hours) == at("2026-11-17", "10:00")


def test_add_working_time_accepts_utc_moments():
    start = at("2026-11-16", "16:30").astimezone(datetime.UTC)
    assert add_working_time(start, 2 * H) == at("2026-11-17", "09:30")


@pytest.mark.parametrize(
    ("start", "end", "worked"),
    [
        (at("2026-11-16", "10:00"), at("2026-11-16", "12:00"), 2 * H),
        (at("2026-11-16", "08:30"), at("2026-11-16", "17:30"), 9 * H),  # exact opening to closing
        (at("2026-11-16", "06:00"), at("2026-11-16", "20:00"), 9 * H),  # outside hours count nothing
        (at("2026-11-16", "18:00"), at("2026-11-17", "08:00"), 0 * H),  # overnight
        (at("2026-11-20", "16:00"), at("2026-11-23", "10:00"), 3 * H),  # over a weekend
        (at("2026-09-30", "17:00"), at("2026-10-08", "09:00"), H),  # over the National Day week
        (at("2026-09-19", "00:00"), at("2026-09-21", "00:00"), 9 * H),  # Saturday off, make-up Sunday on
        (at("2026-11-16", "12:00"), at("2026-11-16", "12:00"), 0 * H),  # empty
        (at("2026-11-16", "12:00"), at("2026-11-16", "10:00"), 0 * H),  # reversed
        (at("2026-11-16", "17:30"), at("2026-11-17", "08:30"), 0 * H),  # closing to opening
    ],
)
def test_working_time_between(start, end, worked):
    assert working_time_between(start, end) == worked


def test_working_time_between_undoes_add_working_time():
    start = at("2026-09-29", "11:15")
    for hours in (1, 9, 24, 48, 100):
        assert working_time_between(start, add_working_time(start, hours * H)) == hours * H


def test_missing_years_is_empty_when_both_years_are_seeded():
    assert missing_years(datetime.date(2026, 11, 20)) == []


def test_missing_years_names_the_years_without_holidays():
    assert missing_years(datetime.date(2027, 3, 1)) == [2028]
    CalendarDay.objects.filter(date__year=2026, kind=CalendarDay.Kind.HOLIDAY).delete()
    assert missing_years(datetime.date(2026, 3, 1)) == [2026]


def test_missing_years_ignores_make_up_days_alone():
    CalendarDay.objects.create(date=datetime.date(2028, 1, 29), kind=CalendarDay.Kind.WORKDAY)
    assert missing_years(datetime.date(2027, 6, 1)) == [2028]


def test_seeding_a_year_is_idempotent_and_keeps_edits():
    created = seed_from_holidays([2028])
    assert created > 0
    assert missing_years(datetime.date(2027, 6, 1)) == []
    day = CalendarDay.objects.filter(date__year=2028, kind=CalendarDay.Kind.HOLIDAY).first()
    day.name = "公司调整"
    day.save()
    assert seed_from_holidays([2028]) == 0
    day.refresh_from_db()
    assert day.name == "公司调整"
