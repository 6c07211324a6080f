"""Reads of the supervision pages: the check list, a check's page, the year's overview, my work, the start card."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.shortcuts import get_object_or_404
from django.utils import timezone

from aftersales.keyset import paginate

from .models import CapaAction
from .models.supervision import (
    SITE_SURVEYS_PER_YEAR,
    CheckFinding,
    CheckScore,
    ServiceUnit,
    SupervisionCheck,
)

VIEW = "quality.view_supervisioncheck"
OPEN_NOTICE_STATES = (CapaAction.State.OPEN, CapaAction.State.COMPLETED)


def may_view(user) -> bool:
    return user.has_perm(VIEW)


def require_view(user) -> None:
    if not may_view(user):
        raise PermissionDenied


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def check_list(*, user, filters) -> SupervisionCheck:
    """Return the checks the filters ask for (unit, kind, year, state), newest first, for keyset pages."""
    require_view(user)
    checks = SupervisionCheck.objects.select_related("unit", "checker").order_by("-checked_on", "-id")
    if unit := _int(filters.get("unit")):
        checks = checks.filter(unit_id=unit)
    if (kind := filters.get("kind")) in SupervisionCheck.Kind.values:
        checks = checks.filter(kind=kind)
    if (state := filters.get("state")) in SupervisionCheck.State.values:
        checks = checks.filter(state=state)
    if (year := _int(filters.get("year"))) and 1 <= year <= 9999:  # a year a date can hold
        checks = checks.filter(checked_on__year=year)
    return checks


def check_page(*, user, filters):
    return paginate(check_list(user=user, filters=filters), filters)


def check_get(*, user, number: str) -> SupervisionCheck:
    require_view(user)
    return get_object_or_404(
        SupervisionCheck.objects.select_related("unit", "unit__head", "checker", "created_by"), number=number
    )


@dataclass
class CheckRecords:
    scores: list
    findings: list
    events: list


def check_records(check: SupervisionCheck) -> CheckRecords:
    """Return the check's score rows, findings with their notices, and timeline: three queries."""
    return CheckRecords(
        scores=list(CheckScore.objects.filter(check_record=check).select_related("item")),
        findings=list(
            CheckFinding.objects.filter(check_record=check).select_related("notice", "notice__owner", "recorded_by")
        ),
        events=list(check.events.select_related("actor").order_by("at", "id")),
    )


def units() -> list:
    return list(ServiceUnit.objects.filter(is_active=True).select_related("head"))


# --- the year's overview ---------------------------------------------------------------------


@dataclass
class UnitRow:
    unit: ServiceUnit
    months: list = field(default_factory=list)  # per month: {"month", "check", "gap"}
    site_surveys: int = 0
    open_notices: int = 0


@dataclass
class Overview:
    year: int
    rows: list
    months: list
    site_surveys_done: int
    site_surveys_target: int
    site_surveys_missing: int
    surveyed_units: list
    unsurveyed_units: list
    gaps: int


def overview(*, user, year: int, today: date | None = None) -> Overview:
    """Return each active unit × 12 months with its monthly check, the site surveys and open notices (4 queries)."""
    require_view(user)
    today = today or timezone.localdate()
    active = list(ServiceUnit.objects.filter(is_active=True).order_by("code"))
    monthly = (
        SupervisionCheck.objects.filter(kind=SupervisionCheck.Kind.MONTHLY, period__year=year, unit__is_active=True)
        .annotate(month=ExtractMonth("period"))
        .values("unit_id", "month", "number", "state", "total_score", "max_score")
    )
    cells = {(row["unit_id"], row["month"]): row for row in monthly}
    surveys = dict(
        SupervisionCheck.objects.filter(
            kind=SupervisionCheck.Kind.SITE_SURVEY, checked_on__year=year, state=SupervisionCheck.State.COMPLETED
        )
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    notices = dict(
        CheckFinding.objects.filter(notice__state__in=OPEN_NOTICE_STATES)
        .values_list("check_record__unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    this_month = today.replace(day=1)
    rows, gaps = [], 0
    for unit in active:
        row = UnitRow(unit, site_surveys=surveys.get(unit.pk, 0), open_notices=notices.get(unit.pk, 0))
        for month in range(1, 13):
            cell = cells.get((unit.pk, month))
            gap = cell is None and date(year, month, 1) < this_month
            gaps += gap
            row.months.append({"month": month, "check": cell, "gap": gap})
        rows.append(row)
    done = sum(surveys.values())
    return Overview(
        year=year,
        rows=rows,
        months=list(range(1, 13)),
        site_surveys_done=done,
        site_surveys_target=SITE_SURVEYS_PER_YEAR,
        site_surveys_missing=max(SITE_SURVEYS_PER_YEAR - done, 0),
        surveyed_units=[row.unit for row in rows if row.site_surveys],
        unsurveyed_units=[row.unit for row in rows if not row.site_surveys],
        gaps=gaps,
    )


def site_surveys_done(year: int) -> int:
    return SupervisionCheck.objects.filter(
        kind=SupervisionCheck.Kind.SITE_SURVEY, checked_on__year=year, state=SupervisionCheck.State.COMPLETED
    ).count()


# --- my work -----------------------------------------------------------------------------------

CHECK_DUE_AFTER_DAY = 20  # seed 5.1: monthly; past the 20th the month's missing checks are called out


def my_drafts(user) -> list:
    return list(
        SupervisionCheck.objects.filter(checker=user, state=SupervisionCheck.State.DRAFT)
        .select_related("unit")
        .order_by("checked_on", "id")
    )


def units_unchecked_this_month(today: date | None = None) -> list:
    today = today or timezone.localdate()
    month = today.replace(day=1)
    checked = SupervisionCheck.objects.filter(kind=SupervisionCheck.Kind.MONTHLY, period=month).values("unit_id")
    return list(ServiceUnit.objects.filter(is_active=True).exclude(pk__in=checked).order_by("code"))


def work(user, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    if not user.has_perm("quality.conduct_supervisioncheck"):
        return {}
    drafts = my_drafts(user)
    unchecked = units_unchecked_this_month(today) if today.day > CHECK_DUE_AFTER_DAY else []
    if not (drafts or unchecked):
        return {}
    return {"drafts": drafts, "unchecked": unchecked, "month": today.replace(day=1)}


def open_notice_filter() -> Q:
    return Q(notice__state__in=OPEN_NOTICE_STATES)
