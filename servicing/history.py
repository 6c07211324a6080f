"""The history of one unit (one serial number) across every app: the registry of its sources.

Each kind of record that can concern a unit registers a source here (from
``servicing.hooks.register``): ``source(user, serial) -> list[HistoryEntry]``, reading its
rows for that serial with one query, scoped to what ``user`` may see. The unit history
page asks every source, so its query count stays constant however long the history is.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime | datetime.date
    kind: str  # what sort of record, translated ("Delivery", "Complaint", "Service visit"…)
    title: str  # one line: number and subject
    detail: str = ""  # state, result or amount, short
    url: str = ""  # the record's page, when the user may open it

    @property
    def sort_key(self) -> datetime.datetime:
        when = self.when
        if not isinstance(when, datetime.datetime):
            when = timezone.make_aware(datetime.datetime.combine(when, datetime.time.min))
        return when


_SOURCES: list[Callable] = []


def register_source(source: Callable) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def unit_history(*, user, serial: str) -> list[HistoryEntry]:
    """Return every record of the unit the user may see, newest first."""
    serial = serial.strip()
    if not serial:
        return []
    entries = [entry for source in _SOURCES for entry in source(user, serial)]
    return sorted(entries, key=lambda entry: entry.sort_key, reverse=True)
