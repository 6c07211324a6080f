"""Service-quality supervision checks (seed 001 §4–§5): record, score, find, complete, meet, issue notices."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.numbering import next_number
from complaints.dates import raise_problems

from ..models import CapaSource
from ..models.supervision import CheckFinding, CheckItem, CheckScore, ServiceUnit, SupervisionCheck, SupervisionEvent
from .capa import capa_create
from .common import require, require_text

__all__ = [
    "check_create",
    "check_update",
    "check_score",
    "check_add_finding",
    "check_complete",
    "check_record_meeting",
    "finding_issue_notice",
    "may_conduct",
    "may_issue_notice",
]

CONDUCT = "quality.conduct_supervisioncheck"
ISSUE = "quality.add_capaaction"


def may_conduct(user, check: SupervisionCheck | None = None) -> bool:
    """Whether ``user`` may record (or change, while it is a draft) a check."""
    if not user.has_perm(CONDUCT):
        return False
    return check is None or check.state == SupervisionCheck.State.DRAFT


def may_issue_notice(user) -> bool:
    return user.has_perm(ISSUE)


def _event(check, actor, note, changes=None) -> None:
    SupervisionEvent.objects.create(check_record=check, actor=actor, note=note, changes=changes or [])


def _locked(check: SupervisionCheck) -> SupervisionCheck:
    return SupervisionCheck.objects.select_for_update(of=("self",)).get(pk=check.pk)


def _require_draft(check: SupervisionCheck) -> None:
    if check.state != SupervisionCheck.State.DRAFT:
        raise ValidationError(
            _("Check %(number)s is completed; it can no longer change."), params={"number": check.number}, code="state"
        )


def check_date_problems(*, period: date | None, checked_on: date | None) -> dict:
    """Return ``{field: message}`` for a check date in the future or a month checked after it (None is not checked)."""
    today = timezone.localdate()
    problems = {}
    if checked_on is None:
        return problems
    if checked_on > today:
        problems["checked_on"] = _("A check cannot be dated in the future (%(date)s).") % {
            "date": f"{checked_on:%Y-%m-%d}"
        }
    if period is not None and period.replace(day=1) > checked_on.replace(day=1):
        problems["period"] = _("The month checked (%(month)s) cannot come after the check date (%(date)s).") % {
            "month": f"{period:%Y-%m}",
            "date": f"{checked_on:%Y-%m-%d}",
        }
    return problems


def _date_problems(*, unit, kind, period, checked_on, exclude_pk=None) -> dict:
    problems = check_date_problems(period=period, checked_on=checked_on)
    if not unit.is_active:
        problems["unit"] = _("%(unit)s is no longer checked (inactive).") % {"unit": unit.name}
    if kind == SupervisionCheck.Kind.MONTHLY:
        twins = SupervisionCheck.objects.filter(unit=unit, period=period, kind=kind).exclude(pk=exclude_pk)
        if twins.exists():
            problems["period"] = _("%(unit)s already has a monthly check for %(month)s.") % {
                "unit": unit.name,
                "month": f"{period:%Y-%m}",
            }
    return problems


@transaction.atomic
def check_create(
    *, actor, unit: ServiceUnit, kind: str, period: date, checked_on: date, other_checkers: str = "", customers_met=""
) -> SupervisionCheck:
    """Start a check of ``unit`` with one score row per active checklist item."""
    require(actor.has_perm(CONDUCT))
    period = period.replace(day=1)
    # Lock the unit so two checkers cannot both record its monthly check.
    unit = ServiceUnit.objects.select_for_update().get(pk=unit.pk)
    raise_problems(_date_problems(unit=unit, kind=kind, period=period, checked_on=checked_on))
    check = SupervisionCheck(
        unit=unit,
        kind=kind,
        period=period,
        checked_on=checked_on,
        checker=actor,
        other_checkers=other_checkers,
        customers_met=customers_met,
        created_by=actor,
    )
    check.number = next_number("JC", f"{checked_on:%Y%m}")
    check.full_clean(exclude=["state"])
    check.save()
    items = CheckItem.objects.filter(is_active=True)
    CheckScore.objects.bulk_create(
        CheckScore(check_record=check, item=item, max_score=item.max_score) for item in items
    )
    _event(check, actor, _("Check started"))
    return check


@transaction.atomic
def check_update(
    *, actor, check: SupervisionCheck, checked_on: date, other_checkers: str, customers_met: str, summary: str
) -> SupervisionCheck:
    """Change a draft check's date, fellow checkers, customers met and summary."""
    check = _locked(check)
    require(may_conduct(actor))
    _require_draft(check)
    problems = _date_problems(
        unit=check.unit, kind=check.kind, period=check.period, checked_on=checked_on, exclude_pk=check.pk
    )
    problems.pop("unit", None)
    raise_problems(problems)
    check.checked_on, check.other_checkers = checked_on, other_checkers
    check.customers_met, check.summary = customers_met, summary
    check.full_clean(exclude=["state"])
    check.save()
    _event(check, actor, _("Check details changed"))
    return check


@transaction.atomic
def check_score(*, actor, check: SupervisionCheck, scores: dict) -> SupervisionCheck:
    """Set ``{item_id: (score or None, remark)}``; every score out of range is reported at once."""
    check = _locked(check)
    require(may_conduct(actor))
    _require_draft(check)
    rows = {row.item_id: row for row in check.scores.select_related("item")}
    errors, changed = [], []
    for item_id, (score, remark) in scores.items():
        row = rows.get(int(item_id))
        if row is None:
            continue
        if score in ("", None):
            value = None
        else:
            try:
                value = Decimal(str(score))
            except InvalidOperation:
                value = Decimal(-1)
            if not value.is_finite():  # "NaN" and "Infinity" parse but cannot be compared or stored
                value = Decimal(-1)
            if not (0 <= value <= row.max_score):
                errors.append(
                    ValidationError(
                        _("%(item)s: the score lies between 0 and %(max)s."),
                        params={"item": row.item.text, "max": row.max_score, "item_id": row.item_id},
                        code="score",
                    )
                )
                continue
        if value != row.score or (remark or "") != row.remark:
            row.score, row.remark = value, (remark or "")[:300]
            changed.append(row)
    if errors:
        raise ValidationError(errors)
    CheckScore.objects.bulk_update(changed, ["score", "remark"])
    if changed:
        _event(check, actor, _("%(count)s scores recorded") % {"count": len(changed)})
    return check


@transaction.atomic
def check_add_finding(*, actor, check: SupervisionCheck, description: str, severity: str) -> CheckFinding:
    """Record a problem the check found (major ones get a written notice to the unit head, seed 5.3)."""
    check = _locked(check)
    require(actor.has_perm("quality.add_checkfinding") and actor.has_perm(CONDUCT))
    _require_draft(check)
    require_text(description, _("Describe what the check found."))
    finding = CheckFinding(check_record=check, description=description, severity=severity, recorded_by=actor)
    finding.full_clean()
    finding.save()
    _event(check, actor, _("Finding recorded: %(text)s") % {"text": description[:200]})
    return finding


@transaction.atomic
def check_complete(*, actor, check: SupervisionCheck) -> SupervisionCheck:
    """Close the check with its total; a monthly check needs every item scored."""
    check = _locked(check)
    require(may_conduct(actor))
    _require_draft(check)
    if check.kind == SupervisionCheck.Kind.MONTHLY:
        missing = list(check.scores.filter(score__isnull=True).values_list("item__text", flat=True))
        if missing:
            raise ValidationError(
                _("Score every item before completing a monthly check; not scored: %(items)s."),
                params={"items": ", ".join(missing)},
                code="scores",
            )
    totals = check.scores.filter(score__isnull=False).aggregate(total=Sum("score"), most=Sum("max_score"))
    check.total_score = totals["total"]
    check.max_score = totals["most"]
    check.completed_at = timezone.now()
    check.complete()
    check.save()
    _event(
        check,
        actor,
        _("Check completed: %(total)s of %(max)s") % {"total": check.total_score or 0, "max": check.max_score or 0},
    )
    return check


def meeting_date_problems(check: SupervisionCheck, held_on: date) -> dict:
    """Return ``{"held_on": message}`` when the meeting's date cannot be right (future, or before the check)."""
    if held_on > timezone.localdate():
        return {"held_on": _("The meeting cannot be held in the future (%(date)s).") % {"date": f"{held_on:%Y-%m-%d}"}}
    if held_on < check.checked_on:
        return {
            "held_on": _("The analysis meeting (%(date)s) cannot come before the check (%(checked)s).")
            % {"date": f"{held_on:%Y-%m-%d}", "checked": f"{check.checked_on:%Y-%m-%d}"}
        }
    return {}


@transaction.atomic
def check_record_meeting(*, actor, check: SupervisionCheck, held_on: date, notes: str) -> SupervisionCheck:
    """Record the service-quality analysis meeting held after the check (seed 5.1)."""
    check = _locked(check)
    require(actor.has_perm(CONDUCT))
    if check.state != SupervisionCheck.State.COMPLETED:
        raise ValidationError(_("Complete the check before recording its analysis meeting."), code="state")
    problems = meeting_date_problems(check, held_on)
    if not (notes or "").strip():
        problems["notes"] = _("Write what the meeting reported and decided.")
    raise_problems(problems)
    check.meeting_held_on, check.meeting_notes = held_on, notes
    check.save(update_fields=["meeting_held_on", "meeting_notes"])
    _event(check, actor, _("Analysis meeting recorded (%(date)s)") % {"date": f"{held_on:%Y-%m-%d}"})
    return check


def default_plan(finding: CheckFinding) -> str:
    return _("Rectify: %(text)s") % {"text": finding.description}


@transaction.atomic
def finding_issue_notice(
    *, actor, finding: CheckFinding, owner=None, reply_deadline: date, due_date: date, planned_action: str = ""
):
    """Issue the rectification notice (客服质量整改通知单) of a finding, as a CAPA action, in one step."""
    if not actor.has_perm(ISSUE):
        raise PermissionDenied
    finding = (
        CheckFinding.objects.select_for_update(of=("self",)).select_related("check_record__unit").get(pk=finding.pk)
    )
    if finding.notice_id is not None:
        raise ValidationError(_("A notice has already been issued for this finding."), code="notice")
    check = finding.check_record
    unit = check.unit
    owner = owner or unit.head
    if owner is None:
        raise ValidationError(
            _("Name who owns the rectification: %(unit)s has no person in charge."),
            params={"unit": unit.name},
            code="owner",
        )
    action = capa_create(
        actor=actor,
        source=CapaSource.SUPERVISION,
        notice_unit=unit.name,
        notice_findings=finding.description,
        reply_deadline=reply_deadline,
        problem=finding.description,
        planned_action=(planned_action or "").strip() or default_plan(finding),
        owner=owner,
        department=unit.name,
        due_date=due_date,
        source_reference=check.number,
    )
    finding.notice = action
    finding.save(update_fields=["notice"])
    _event(
        check,
        actor,
        _("Rectification notice %(number)s issued to %(unit)s") % {"number": action.number, "unit": unit.name},
    )
    return action
