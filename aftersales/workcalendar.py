"""Working time on the company calendar: weekdays, minus public holidays, plus make-up days.

Service clocks in working-time mode count only the hours inside the working day
(``start``–``end``) of working days. The exceptions to Monday–Friday live in
:class:`aftersales.models.CalendarDay`, seeded from the ``holidays`` package and
editable in the admin, because the State Council publishes each year's make-up days
late and sometimes changes them.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .models import CalendarDay

MAX_DAYS = 800  # no deadline lies two years of working days away


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(8, 30)
    end: time = time(17, 30)


class WorkCalendar:
    """Answer "is this a working day" for a range of dates with one query."""

    def __init__(self, first: date, days: int = 120):
        self.first, self.last = first, first + timedelta(days=days)
        rows = CalendarDay.objects.filter(date__range=(self.first, self.last)).values_list("date", "kind")
        self.exceptions = dict(rows)

    def is_working_day(self, day: date) -> bool:
        if not self.first <= day <= self.last:
            self.__init__(day)
        kind = self.exceptions.get(day)
        if kind == CalendarDay.Kind.HOLIDAY:
            return False
        if kind == CalendarDay.Kind.WORKDAY:
            return True
        return day.weekday() < 5


def _window(day: date, hours: WorkingHours, tz) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(day, hours.start), tz),
        timezone.make_aware(datetime.combine(day, hours.end), tz),
    )


def add_working_time(start: datetime, duration: timedelta, hours: WorkingHours = WorkingHours()) -> datetime:
    """Return the moment when ``duration`` of working time has passed after ``start``."""
    tz = timezone.get_current_timezone()
    cursor = timezone.localtime(start, tz)
    remaining = duration
    calendar = WorkCalendar(cursor.date())
    for _ in range(MAX_DAYS):
        day = cursor.date()
        if calendar.is_working_day(day):
            opens, closes = _window(day, hours, tz)
            begin = max(cursor, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        cursor = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)
    raise ValueError("deadline beyond the calendar's range")


def working_time_between(start: datetime, end: datetime, hours: WorkingHours = WorkingHours()) -> timedelta:
    """Return the working time inside ``[start, end)``."""
    if end <= start:
        return timedelta(0)
    tz = timezone.get_current_timezone()
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    calendar = WorkCalendar(start.date(), days=max(120, (end.date() - start.date()).days + 1))
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        if calendar.is_working_day(day):
            opens, closes = _window(day, hours, tz)
            begin, finish = max(start, opens), min(end, closes)
            if begin < finish:
                total += finish - begin
        day += timedelta(days=1)
    return total


def seed_from_holidays(years: list[int]) -> int:
    """Load China's public holidays and make-up working days for ``years``; keep edits."""
    import holidays

    created = 0
    for year in years:
        cn = holidays.China(years=year, language="zh_CN")
        for day, name in cn.items():
            _row, made = CalendarDay.objects.get_or_create(
                date=day, defaults={"kind": CalendarDay.Kind.HOLIDAY, "name": name}
            )
            created += made
        for day in sorted(d for d in cn.weekend_workdays if d.year == year):
            _row, made = CalendarDay.objects.get_or_create(
                date=day, defaults={"kind": CalendarDay.Kind.WORKDAY, "name": "调休上班"}
            )
            created += made
    return created


def missing_years(today: date | None = None) -> list[int]:
    """Return this year and next year if the calendar holds no holiday for them."""
    today = today or timezone.localdate()
    years = [today.year, today.year + 1]
    present = set(
        CalendarDay.objects.filter(date__year__in=years, kind=CalendarDay.Kind.HOLIDAY)
        .values_list("date__year", flat=True)
        .distinct()
    )
    return [y for y in years if y not in present]
