"""Rating and scorecard periods: a calendar month or quarter, written ``2026-11`` or ``2026-Q4``."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    kind: str  # MONTH, QUARTER or YEAR
    start: date  # first day
    end: date  # first day of the next period (exclusive)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        start = date(year, month, 1)
        return cls(MONTH, start, _add_months(start, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        start = date(year, 3 * (quarter - 1) + 1, 1)
        return cls(QUARTER, start, _add_months(start, 3))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(YEAR, date(year, 1, 1), date(year + 1, 1, 1))

    @classmethod
    def of(cls, kind: str, day: date) -> "Period":
        """Return the period of ``kind`` that holds ``day``."""
        if kind == MONTH:
            return cls.month(day.year, day.month)
        if kind == QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == YEAR:
            return cls.year(day.year)
        raise ValueError(kind)

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Parse ``2026-11``, ``2026-Q4`` or ``2026``; raise ValueError with a translated message."""
        text = (text or "").strip()
        for pattern, build in ((_MONTH, cls.month), (_QUARTER, cls.quarter), (_YEAR, lambda y: cls.year(y))):
            found = pattern.match(text)
            if found:
                numbers = [int(n) for n in found.groups()]
                try:
                    if not 2000 <= numbers[0] <= 2100:
                        raise ValueError
                    return build(*numbers)
                except ValueError:
                    break
        raise ValueError(_("Write the period as 2026-11 (a month), 2026-Q4 (a quarter) or 2026 (a year)."))

    @classmethod
    def last_completed(cls, kind: str, today: date | None = None) -> "Period":
        """Return the last whole period of ``kind`` before the one holding ``today``."""
        today = today or timezone.localdate()
        return cls.of(kind, cls.of(kind, today).start - timedelta(days=1))

    @property
    def code(self) -> str:
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return _("%(year)s-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        if self.kind == QUARTER:
            return _("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return _("Year %(year)s") % {"year": self.start.year}

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def previous(self) -> "Period":
        return Period.of(self.kind, self.start - timedelta(days=1))

    def next(self) -> "Period":
        return Period.of(self.kind, self.end)

    def bounds(self) -> tuple[datetime, datetime]:
        """Return the period as aware datetimes [start, end) in the current time zone (Asia/Shanghai)."""
        tz = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), tz),
            timezone.make_aware(datetime.combine(self.end, time.min), tz),
        )

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def __str__(self):
        return self.code


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
