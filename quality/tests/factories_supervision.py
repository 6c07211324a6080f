"""Supervision records for tests: units, checklist items, checks made directly (states set by the constructor)."""

from datetime import date

from django.utils import timezone

from ..models.supervision import CheckFinding, CheckItem, CheckScore, ServiceUnit, SupervisionCheck

_counter = iter(range(1, 10**6))


def unit(**fields) -> ServiceUnit:
    n = next(_counter)
    return ServiceUnit.objects.create(
        **{"code": f"U{n:04d}", "name": f"服务站{n}", "kind": ServiceUnit.Kind.STATION, **fields}
    )


def item(max_score=10, **fields) -> CheckItem:
    n = next(_counter)
    return CheckItem.objects.create(
        **{"code": f"I{n:04d}", "text": f"检查项{n}", "max_score": max_score, "order": n, **fields}
    )


def check(
    *,
    checker,
    unit,
    kind=SupervisionCheck.Kind.MONTHLY,
    period=None,
    checked_on=None,
    state="draft",
    total=None,
    maximum=None,
    **fields,
) -> SupervisionCheck:
    checked_on = checked_on or timezone.localdate()
    n = next(_counter)
    record = SupervisionCheck.objects.create(
        number=f"JC-{checked_on:%Y%m}-{n:04d}",
        kind=kind,
        state=state,
        unit=unit,
        period=period or checked_on.replace(day=1),
        checked_on=checked_on,
        checker=checker,
        created_by=checker,
        total_score=total,
        max_score=maximum,
        completed_at=timezone.now() if state == "completed" else None,
        **fields,
    )
    for entry in CheckItem.objects.filter(is_active=True):
        CheckScore.objects.create(check_record=record, item=entry, max_score=entry.max_score)
    return record


def finding(record, *, by, text="回访记录不完整", severity=CheckFinding.Severity.MAJOR, notice=None) -> CheckFinding:
    return CheckFinding.objects.create(
        check_record=record, description=text, severity=severity, recorded_by=by, notice=notice
    )


def day(year, month, d=1) -> date:
    return date(year, month, d)
