"""Supervision pages for the scope test: a check of each side whose finding carries the side's marker.

Sales hold no supervision permission, so every page answers 403; the finding text is marked
on the other side so that any leak would show.
"""

from aftersales.tests.scope_registry import Fill, register


def supervision_records(records):
    """Return (building once per side) a draft check with one finding naming the side's marker."""
    found = getattr(records, "supervision_check", None)
    if found is not None:
        return found
    from aftersales.tests.factories import UserFactory

    from . import factories_supervision as f

    checker = UserFactory()
    record = f.check(checker=checker, unit=f.unit())
    text = f"SUPERVISION-FINDING-{record.number}"
    records.supervision_finding = f.finding(record, by=checker, text=text)
    if hasattr(records, "mark"):  # the shared side has no markers
        records.mark(text)
    records.supervision_check = record
    return record


def _check(records):
    return {"number": supervision_records(records).number}


def _finding(records):
    supervision_records(records)
    return {"number": records.supervision_check.number, "pk": records.supervision_finding.pk}


register("quality:supervision_list", Fill(htmx=True))
register("quality:supervision_create")
register("quality:supervision_xlsx")
register("quality:supervision_overview")
for name in ("detail", "print"):
    register(f"quality:supervision_{name}", Fill(_check))
for name in ("edit", "score", "finding", "complete", "meeting"):
    register(f"quality:supervision_{name}", Fill(_check, notes="POST only: a GET is refused"))
register("quality:supervision_issue_notice", Fill(_finding, notes="POST only: a GET is refused"))
