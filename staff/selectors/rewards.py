"""Rewards and penalties of a person or of the people a user sees, for a period.

The rows are the manual entries that are not void, UNION ALL the responsibility assessments
(考核) recorded on quality sheets against one of those people: an assessment is a penalty,
counted on the Beijing date it was recorded. The totals per person are sums in SQL, one
subquery per figure, so a list costs the same few queries for one person or a hundred.
"""

import base64
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from quality.models import Assessment, QualitySheet

from ..access import people_visible_to
from ..models import RewardPenalty
from ..periods import Period

PAGE_SIZE = 50
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
MANUAL, QUALITY = "manual", "quality"
# Sort rank within a day: manual entries before quality-sheet assessments (descending order).
RANK = {MANUAL: 1, QUALITY: 0}
COLUMNS = (
    "r_rank",
    "r_pk",
    "r_number",
    "r_person",
    "r_kind",
    "r_category",
    "r_measure",
    "r_value",
    "r_day",
    "r_reason",
    "r_sheet_visible",
)


@dataclass
class Row:
    source: str
    pk: int
    number: str
    person_id: int
    kind: str
    category: str
    measure: str
    value: Decimal
    day: date
    reason: str
    sheet_visible: bool

    @property
    def is_manual(self) -> bool:
        return self.source == MANUAL

    @property
    def kind_label(self):
        return RewardPenalty.Kind(self.kind).label

    @property
    def category_label(self):
        if self.source == QUALITY:
            return Assessment._meta.verbose_name
        return RewardPenalty.Category(self.category).label

    @property
    def measure_label(self):
        return RewardPenalty.Measure(self.measure).label

    @property
    def cursor(self) -> str:
        raw = json.dumps([self.day.isoformat(), RANK[self.source], self.pk])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _manual(people, period: Period):
    return RewardPenalty.objects.filter(
        person__in=people, voided_at__isnull=True, occurred_on__gte=period.start, occurred_on__lt=period.end
    )


def _assessments(people, period: Period):
    start, end = period.bounds()
    return Assessment.objects.filter(person__in=people, recorded_at__gte=start, recorded_at__lt=end)


def _manual_rows(people, period):
    return _manual(people, period).annotate(
        r_rank=Value(RANK[MANUAL], output_field=IntegerField()),
        r_pk=F("pk"),
        r_number=F("number"),
        r_person=F("person_id"),
        r_kind=F("kind"),
        r_category=F("category"),
        r_measure=F("measure"),
        r_value=F("value"),
        r_day=F("occurred_on"),
        r_reason=F("reason"),
        r_sheet_visible=Value(False, output_field=BooleanField()),
    )


def _quality_rows(people, period, user):
    visible = QualitySheet.objects.visible_to(user).filter(pk=OuterRef("sheet_id"))
    return _assessments(people, period).annotate(
        r_rank=Value(RANK[QUALITY], output_field=IntegerField()),
        r_pk=F("pk"),
        r_number=F("sheet__number"),
        r_person=F("person_id"),
        r_kind=Value(RewardPenalty.Kind.PENALTY, output_field=CharField()),
        r_category=Value(RewardPenalty.Category.POINTS, output_field=CharField()),
        r_measure=F("kind"),
        r_value=F("value"),
        r_day=TruncDate("recorded_at", tzinfo=timezone.get_current_timezone()),
        r_reason=F("remarks"),
        r_sheet_visible=Exists(visible),
    )


def _after(cursor: str | None, rank: int) -> Q:
    """Return the filter that keeps the rows after ``cursor`` (descending by day, rank, id) on one side."""
    if not cursor:
        return Q()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        day, after_rank, pk = json.loads(raw)
        day, after_rank, pk = date.fromisoformat(day), int(after_rank), int(pk)
    except (ValueError, TypeError):
        return Q()
    if rank < after_rank:
        return Q(r_day__lte=day)
    if rank > after_rank:
        return Q(r_day__lt=day)
    return Q(r_day__lt=day) | Q(r_day=day, r_pk__lt=pk)


def reward_rows(*, user, period: Period, person=None, after: str | None = None, limit: int | None = PAGE_SIZE):
    """Return the rows (newest first) of the people ``user`` sees, or of ``person`` alone; ``limit + 1`` at most."""
    people = _people(user, person)
    # Each side unordered: SQLite refuses an ORDER BY inside a compound statement.
    manual = _manual_rows(people, period).filter(_after(after, RANK[MANUAL])).order_by().values_list(*COLUMNS)
    quality = _quality_rows(people, period, user).filter(_after(after, RANK[QUALITY])).order_by().values_list(*COLUMNS)
    union = manual.union(quality, all=True).order_by("-r_day", "-r_rank", "-r_pk")
    if limit is not None:
        union = union[: limit + 1]
    return [_row(values) for values in union]


def _row(values) -> Row:
    rank, pk, number, person_id, kind, category, measure, value, day, reason, visible = values
    source = MANUAL if rank == RANK[MANUAL] else QUALITY
    return Row(source, pk, number, person_id, kind, category, measure, value, day, reason or "", bool(visible))


def _people(user, person=None):
    people = people_visible_to(user)
    if person is not None:
        people = people.filter(pk=person.pk)
    return people


def _sum(queryset, **filters):
    total = queryset.filter(person=OuterRef("pk"), **filters).values("person").annotate(total=Sum("value"))
    return Coalesce(Subquery(total.values("total")), ZERO)


def reward_totals(*, user, period: Period, person=None) -> list:
    """Return the people with entries in the period, each with their totals (CNY for amounts)."""
    manual, quality = _manual(_people(user, person), period), _assessments(_people(user, person), period)
    reward, penalty = RewardPenalty.Kind.REWARD, RewardPenalty.Kind.PENALTY
    points, amount = RewardPenalty.Measure.POINTS, RewardPenalty.Measure.AMOUNT
    people = (
        _people(user, person)
        .filter(Exists(manual.filter(person=OuterRef("pk"))) | Exists(quality.filter(person=OuterRef("pk"))))
        .annotate(
            reward_points=_sum(manual, kind=reward, measure=points),
            reward_amount=_sum(manual, kind=reward, measure=amount),
            penalty_points_manual=_sum(manual, kind=penalty, measure=points),
            penalty_amount_manual=_sum(manual, kind=penalty, measure=amount),
            penalty_points_quality=_sum(quality, kind=Assessment.Kind.POINTS),
            penalty_amount_quality=_sum(quality, kind=Assessment.Kind.AMOUNT),
            entries=Coalesce(_count(manual), 0) + Coalesce(_count(quality), 0),
        )
        .annotate(
            penalty_points=F("penalty_points_manual") + F("penalty_points_quality"),
            penalty_amount=F("penalty_amount_manual") + F("penalty_amount_quality"),
        )
        .annotate(net_points=F("reward_points") - F("penalty_points"))
        .order_by("last_name", "first_name", "username")
    )
    return list(people)


def _count(queryset):
    counted = queryset.filter(person=OuterRef("pk")).values("person").annotate(n=Count("pk"))
    return Subquery(counted.values("n"), output_field=IntegerField())


FIGURES = ("reward_points", "reward_amount", "penalty_points", "penalty_amount", "net_points")


def overall(totals) -> dict:
    return {name: sum((getattr(p, name) for p in totals), Decimal("0")) for name in FIGURES}


def reward_visible_entries(user):
    """Return the manual entries of the people ``user`` sees (voided ones too)."""
    return RewardPenalty.objects.filter(person__in=people_visible_to(user)).select_related(
        "person", "recorded_by", "voided_by", "complaint"
    )
