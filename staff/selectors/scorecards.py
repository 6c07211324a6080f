"""The scorecard: each person's figures for a period, counted in SQL from the work records.

One aggregate query per source (complaints, plan visits, follow-up calls, survey answers,
six-hearts ratings, training attendance), grouped by person, so a team of three and a team
of thirty cost the same seven queries. No figure counts a cancelled complaint.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from complaints.models import Complaint
from complaints.models.complaint import OPEN_STATE_VALUES
from servicing.models import FollowUp, ServiceVisit
from surveys.models import Answer, Dimension, Question

from ..access import service_staff_visible_to
from ..models import Attendance, SixHeartsRating, TrainingSession
from ..periods import MONTH, QUARTER, Period

TREND_PERIODS = 6


@dataclass
class Row:
    """One person's figures; the sums and counts behind each mean and share are kept for a totals row."""

    person: object = None
    handled: int = 0
    closed: int = 0
    response_on_time: int = 0
    response_counted: int = 0
    resolution_on_time: int = 0
    resolution_counted: int = 0
    resolution_minutes: int = 0
    resolution_timed: int = 0
    repeats: int = 0
    visits_planned: int = 0
    visits_done: int = 0
    follow_up_sum: int = 0
    follow_up_calls: int = 0
    attitude_sum: int = 0
    attitude_answers: int = 0
    attitude_responses: int = 0
    hearts_score: Decimal | None = None
    training_hours: Decimal = Decimal(0)
    exams_taken: int = 0
    exams_passed: int = 0
    exam_score_sum: Decimal = Decimal(0)

    @property
    def response_percent(self):
        return _percent(self.response_on_time, self.response_counted)

    @property
    def resolution_percent(self):
        return _percent(self.resolution_on_time, self.resolution_counted)

    @property
    def visits_percent(self):
        return _percent(self.visits_done, self.visits_planned)

    @property
    def mean_resolution_hours(self):
        return _mean(Decimal(self.resolution_minutes) / 60, self.resolution_timed)

    @property
    def follow_up_mean(self):
        return _mean(self.follow_up_sum, self.follow_up_calls)

    @property
    def attitude_mean(self):
        return _mean(self.attitude_sum, self.attitude_answers)

    @property
    def exam_mean(self):
        return _mean(self.exam_score_sum, self.exams_taken)


SUMMED = [f.name for f in fields(Row) if f.name not in ("person", "hearts_score")]


def _percent(part, whole):
    """Return ``part`` of ``whole`` in per cent to one decimal, or None when nothing was counted."""
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _mean(total, count):
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.01"))


def scorecards(*, user, period: Period, people=None) -> list[Row]:
    """Return one row per service staff member ``user`` sees (limited to ``people`` if given), by name."""
    staff = service_staff_visible_to(user)
    if people is not None:
        staff = staff.filter(pk__in=[getattr(p, "pk", p) for p in people])
    rows = {person.pk: Row(person=person) for person in staff}
    if not rows:
        return []
    ids = list(rows)
    start, end = period.bounds()
    _complaints(rows, ids, start, end)
    _visits(rows, ids, start, end)
    _follow_ups(rows, ids, start, end)
    _attitude(rows, ids, start, end)
    _ratings(rows, ids, period)
    _training(rows, ids, start, end)
    return list(rows.values())


def totals(rows: list[Row]) -> Row:
    """Return the team's row: counts summed, shares and means over the summed counts, the mean six-hearts score."""
    total = Row()
    for row in rows:
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    scores = [row.hearts_score for row in rows if row.hearts_score is not None]
    total.hearts_score = _mean(sum(scores), len(scores))
    return total


def _fill(rows, found, key, **names) -> None:
    for values in found:
        row = rows[values[key]]
        for attribute, column in names.items():
            setattr(row, attribute, values[column] if values[column] is not None else getattr(row, attribute))


def _complaints(rows, ids, start, end) -> None:
    now = timezone.now()
    received = Q(received_at__gte=start, received_at__lt=end)
    closed = Q(state=Complaint.State.CLOSED, closed_at__gte=start, closed_at__lt=end)
    # An open complaint whose resolution deadline passed in the period is late, unless it was
    # paused for the customer before the deadline: its deadline moves when the clock resumes.
    overdue_open = Q(
        state__in=OPEN_STATE_VALUES, resolution_due_at__gte=start, resolution_due_at__lt=min(end, now)
    ) & ~Q(paused_since__lte=F("resolution_due_at"))
    responded_on_time = Q(first_responded_at__isnull=False, first_responded_at__lte=F("first_response_due_at"))
    response_counted = Q(first_response_due_at__lte=end) | Q(first_responded_at__isnull=False)
    # A repeat was reopened, or came in on a unit of the same customer within 90 days of an
    # earlier complaint on it (``repeat_of``, linked when the complaint was received).
    repeat = Q(reopen_count__gt=0) | Q(repeat_of__isnull=False)
    found = (
        Complaint.objects.filter(assignee_id__in=ids)
        .exclude(state=Complaint.State.CANCELLED)
        .filter(received | closed | overdue_open)
        .values("assignee_id")
        .annotate(
            handled=Count("pk", filter=received),
            closed=Count("pk", filter=closed),
            response_counted=Count("pk", filter=received & response_counted),
            response_on_time=Count("pk", filter=received & response_counted & responded_on_time),
            resolution_counted=Count("pk", filter=closed | overdue_open),
            resolution_on_time=Count("pk", filter=closed & Q(closed_at__lte=F("resolution_due_at"))),
            resolution_minutes=Sum("resolution_working_minutes", filter=closed),
            resolution_timed=Count("resolution_working_minutes", filter=closed),
            repeats=Count("pk", filter=received & repeat),
        )
        .order_by()
    )
    names = [
        "handled",
        "closed",
        "response_counted",
        "response_on_time",
        "resolution_counted",
        "resolution_on_time",
        "resolution_minutes",
        "resolution_timed",
        "repeats",
    ]
    _fill(rows, found, "assignee_id", **{name: name for name in names})


def _visits(rows, ids, start, end) -> None:
    planned_day = TruncDate(Coalesce("planned_end", "planned_start"))
    found = (
        ServiceVisit.objects.filter(
            engineer_id__in=ids, plan__isnull=False, planned_start__gte=start, planned_start__lt=end
        )
        .values("engineer_id")
        .annotate(
            visits_planned=Count("pk"),
            visits_done=Count("pk", filter=Q(actual_end__isnull=False, actual_end__date__lte=planned_day)),
        )
        .order_by()
    )
    _fill(rows, found, "engineer_id", visits_planned="visits_planned", visits_done="visits_done")


def _follow_ups(rows, ids, start, end) -> None:
    found = (
        FollowUp.objects.filter(complaint__assignee_id__in=ids, called_at__gte=start, called_at__lt=end)
        .exclude(complaint__state=Complaint.State.CANCELLED)
        .values("complaint__assignee_id")
        .annotate(follow_up_sum=Sum("satisfaction"), follow_up_calls=Count("pk"))
        .order_by()
    )
    _fill(rows, found, "complaint__assignee_id", follow_up_sum="follow_up_sum", follow_up_calls="follow_up_calls")


def _attitude(rows, ids, start, end) -> None:
    # Scale answers run 1 (very dissatisfied) to 5 (very satisfied): higher is already better.
    found = (
        Answer.objects.filter(
            question__dimension=Dimension.ATTITUDE,
            question__kind=Question.Kind.SCALE,
            score__isnull=False,
            response__submitted_at__gte=start,
            response__submitted_at__lt=end,
            response__customer__salesperson_id__in=ids,
        )
        .values("response__customer__salesperson_id")
        .annotate(
            attitude_sum=Sum("score"),
            attitude_answers=Count("pk"),
            attitude_responses=Count("response", distinct=True),
        )
        .order_by()
    )
    _fill(
        rows,
        found,
        "response__customer__salesperson_id",
        attitude_sum="attitude_sum",
        attitude_answers="attitude_answers",
        attitude_responses="attitude_responses",
    )


def _ratings(rows, ids, period: Period) -> None:
    """A month card takes the monthly rating; a quarter or year card its quarterly ratings, else the monthly ones."""
    found = (
        SixHeartsRating.objects.filter(person_id__in=ids, period_start__gte=period.start, period_start__lt=period.end)
        .values("person_id", "period_kind")
        .annotate(mean=Avg("score"))
        .order_by()
    )
    means: dict[int, dict[str, Decimal]] = {}
    for values in found:
        means.setdefault(values["person_id"], {})[values["period_kind"]] = values["mean"]
    for person_id, kinds in means.items():
        if period.kind == MONTH:
            score = kinds.get(MONTH)
        else:
            score = kinds.get(QUARTER, kinds.get(MONTH))
        if score is not None:
            rows[person_id].hearts_score = Decimal(score).quantize(Decimal("0.01"))


def _training(rows, ids, start, end) -> None:
    found = (
        Attendance.objects.filter(
            person_id__in=ids,
            attended=True,
            session__state=TrainingSession.State.HELD,
            session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .values("person_id")
        .annotate(
            training_hours=Sum("session__hours"),
            exams_taken=Count("pk", filter=Q(exam_score__isnull=False)),
            exams_passed=Count("pk", filter=Q(passed=True)),
            exam_score_sum=Sum("exam_score"),
        )
        .order_by()
    )
    _fill(
        rows,
        found,
        "person_id",
        training_hours="training_hours",
        exams_taken="exams_taken",
        exams_passed="exams_passed",
        exam_score_sum="exam_score_sum",
    )


def trend(*, user, person, period: Period, count: int = TREND_PERIODS) -> list[tuple[Period, Row]]:
    """Return the person's rows for ``count`` periods ending with ``period``, oldest first."""
    periods = [period]
    while len(periods) < count:
        periods.insert(0, periods[0].previous())
    result = []
    for each in periods:
        found = scorecards(user=user, period=each, people=[person])
        result.append((each, found[0] if found else Row(person=person)))
    return result
