"""Report periods: a month, quarter or year (as on the staff scorecards) or a custom date range.

A period is a half-open range of local dates ``[start, end)``; ``bounds()`` gives the same
range as aware datetimes in the current time zone (Asia/Shanghai), which is what every KPI
compares timestamps with. ``previous()`` is the period of the same kind just before, and
for a custom range the range of the same length just before, so tiles can show the change.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from staff.periods import MONTH, QUARTER, YEAR, Period

CUSTOM = "custom"
KINDS = (MONTH, QUARTER, YEAR, CUSTOM)
MAX_CUSTOM_DAYS = 3 * 366

_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class ReportPeriod:
    kind: str  # MONTH, QUARTER, YEAR or CUSTOM
    start: date  # first day
    end: date  # the day after the last day (exclusive)

    @classmethod
    def of(cls, kind: str, day: date) -> "ReportPeriod":
        return cls.from_period(Period.of(kind, day))

    @classmethod
    def from_period(cls, period: Period) -> "ReportPeriod":
        return cls(period.kind, period.start, period.end)

    @classmethod
    def month(cls, year: int, month: int) -> "ReportPeriod":
        return cls.from_period(Period.month(year, month))

    @classmethod
    def custom(cls, first: date, last: date) -> "ReportPeriod":
        """Return the range from ``first`` to ``last`` inclusive; raise ValueError with a translated message."""
        if last < first:
            raise ValueError(_("The last day of the range comes before its first day."))
        if (last - first).days >= MAX_CUSTOM_DAYS:
            raise ValueError(_("A custom range can span at most three years."))
        return cls(CUSTOM, first, last + timedelta(days=1))

    @classmethod
    def parse(cls, text: str) -> "ReportPeriod":
        """Parse ``2026-11``, ``2026-Q4``, ``2026`` or ``2026-10-01..2026-11-15``."""
        found = _RANGE.match((text or "").strip())
        if found:
            try:
                first, last = (date.fromisoformat(part) for part in found.groups())
            except ValueError:
                raise ValueError(_("Enter real dates, as 2026-10-01..2026-11-15.")) from None
            return cls.custom(first, last)
        return cls.from_period(Period.parse(text))

    @property
    def code(self) -> str:
        if self.kind == CUSTOM:
            return f"{self.start:%Y-%m-%d}..{self.last_day:%Y-%m-%d}"
        return Period(self.kind, self.start, self.end).code

    @property
    def label(self) -> str:
        if self.kind == CUSTOM:
            return _("%(first)s to %(last)s") % {"first": self.start.isoformat(), "last": self.last_day.isoformat()}
        return Period(self.kind, self.start, self.end).label

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def previous(self) -> "ReportPeriod":
        if self.kind == CUSTOM:
            return ReportPeriod(CUSTOM, self.start - timedelta(days=self.days), self.start)
        return ReportPeriod.of(self.kind, self.start - timedelta(days=1))

    def months(self) -> list["ReportPeriod"]:
        """Return the calendar months the period touches, oldest first."""
        result, month = [], ReportPeriod.of(MONTH, self.start)
        while month.start < self.end:
            result.append(month)
            month = ReportPeriod.of(MONTH, month.end)
        return result

    def bounds(self) -> tuple[datetime, datetime]:
        """Return the period as aware datetimes ``[start, end)`` in the current time zone."""
        tz = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), tz),
            timezone.make_aware(datetime.combine(self.end, time.min), tz),
        )

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def __str__(self):
        return self.code


def trailing_months(period: ReportPeriod, count: int = 12) -> list[ReportPeriod]:
    """Return the ``count`` calendar months ending with the one holding the period's last day."""
    month = ReportPeriod.of(MONTH, period.last_day)
    result = [month]
    while len(result) < count:
        month = ReportPeriod.of(MONTH, month.start - timedelta(days=1))
        result.append(month)
    return result[::-1]


__all__ = ["CUSTOM", "KINDS", "MONTH", "QUARTER", "YEAR", "ReportPeriod", "trailing_months"]
