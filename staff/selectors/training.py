"""Training reads: the calendar of sessions (open to all), attendance and exam scores (scoped by staff.access)."""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..access import people_visible_to
from ..models import Attendance, TrainingPlan, TrainingPlanItem, TrainingSession

HELD = TrainingSession.State.HELD
SCHEDULED = TrainingSession.State.SCHEDULED
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=8, decimal_places=1))


def manages(user) -> bool:
    return user.has_perm("staff.manage_training")


def session_list(*, user, year=None, topic="", state="", upcoming=False):
    """Return the calendar of sessions (titles and times are not secret), each marked ``invited`` for the user."""
    rows = TrainingSession.objects.select_related("trainer").annotate(
        invited=Exists(Attendance.objects.filter(session=OuterRef("pk"), person=user)),
        attendee_count=Count("attendances"),
    )
    if upcoming:
        rows = rows.filter(state=SCHEDULED, starts_at__gte=timezone.now()).order_by("starts_at", "id")
    else:
        rows = rows.order_by("-starts_at", "-id")
    if year:
        rows = rows.filter(starts_at__year=year)
    if topic:
        rows = rows.filter(topic=topic)
    if state:
        rows = rows.filter(state=state)
    return rows


def session_get(*, number: str) -> TrainingSession:
    return get_object_or_404(
        TrainingSession.objects.select_related("trainer", "plan_item", "created_by"), number=number
    )


def may_read_materials(user, session) -> bool:
    """Attendees, the trainer and holders of manage_training or view_all_staff read a session's materials."""
    if manages(user) or user.has_perm("staff.view_all_staff") or session.trainer_id == user.pk:
        return True
    return session.attendances.filter(person=user).exists()


def session_attendances(*, user, session) -> tuple[list, int]:
    """Return (the attendances the user may read, the number of the others invited)."""
    everyone = manages(user)
    rows = session.attendances.select_related("person").order_by("person__last_name", "person__username")
    if not everyone:
        rows = rows.filter(person__in=people_visible_to(user))
    rows = list(rows)
    total = session.attendances.count()
    return rows, total - len(rows)


def material_get(*, user, session, pk):
    if not may_read_materials(user, session):
        raise Http404
    return get_object_or_404(session.materials, pk=pk)


def waiting_on(session, now=None) -> bool:
    """A scheduled session whose start has passed waits on its organiser to record it."""
    now = now or timezone.now()
    return session.state == SCHEDULED and session.starts_at <= now


# --- plans ------------------------------------------------------------------------------------------


def plan_list():
    held = Q(items__sessions__state=HELD)
    return TrainingPlan.objects.annotate(
        course_count=Count("items", distinct=True),
        held_count=Count("items__sessions", filter=held, distinct=True),
    ).order_by("-year")


def plan_items(plan):
    """Return the plan's courses with their sessions held and hours held, computed in SQL."""
    held = Q(sessions__state=HELD)
    return (
        TrainingPlanItem.objects.filter(plan=plan)
        .annotate(
            held_count=Count("sessions", filter=held),
            hours_held=Coalesce(Sum("sessions__hours", filter=held), ZERO),
            scheduled_count=Count("sessions", filter=Q(sessions__state=SCHEDULED)),
        )
        .order_by("month", "order", "id")
    )


def plan_totals(plan) -> dict:
    """Courses planned and held, hours planned and held, and the completion (courses held / planned, %)."""
    planned = TrainingPlanItem.objects.filter(plan=plan).aggregate(
        courses=Count("id"), hours=Coalesce(Sum("planned_hours"), ZERO)
    )
    held = TrainingSession.objects.filter(plan_item__plan=plan, state=HELD).aggregate(
        courses=Count("plan_item", distinct=True), hours=Coalesce(Sum("hours"), ZERO)
    )
    completion = round(100 * held["courses"] / planned["courses"]) if planned["courses"] else None
    return {
        "courses_planned": planned["courses"],
        "hours_planned": planned["hours"],
        "courses_held": held["courses"],
        "hours_held": held["hours"],
        "completion": completion,
    }


def plan_sessions(plan):
    """Return {course id: [its sessions]} (one query)."""
    found: dict[int, list] = {}
    for session in TrainingSession.objects.filter(plan_item__plan=plan).order_by("starts_at", "id"):
        found.setdefault(session.plan_item_id, []).append(session)
    return found


# --- a person's history -----------------------------------------------------------------------------


def person_history(person):
    """Return the person's sessions held and to come (held ones with attendance and score), newest first."""
    return (
        Attendance.objects.filter(person=person)
        .exclude(session__state=TrainingSession.State.CANCELLED)
        .select_related("session")
        .order_by("-session__starts_at", "-session_id")
    )


def person_years(person) -> list[dict]:
    """Per year: sessions attended, missed, hours credited, exams passed and failed, mean score (SQL)."""
    return list(
        Attendance.objects.filter(person=person, session__state=HELD)
        .annotate(year=ExtractYear("session__starts_at"))
        .values("year")
        .annotate(
            sessions_attended=Count("id", filter=Q(attended=True)),
            sessions_missed=Count("id", filter=Q(attended=False)),
            hours=Coalesce(Sum("session__hours", filter=Q(attended=True)), ZERO),
            exams_passed=Count("id", filter=Q(passed=True)),
            exams_failed=Count("id", filter=Q(passed=False)),
        )
        .order_by("-year")
    )


# --- my work ----------------------------------------------------------------------------------------


def work_for(user, days: int = 7, shown: int = 20, now=None) -> tuple[list, list]:
    """Return (the user's sessions in the next ``days``, sessions past their start to record) in one query."""
    now = now or timezone.now()
    invited = Attendance.objects.filter(session=OuterRef("pk"), person=user)
    mine = Q(starts_at__gte=now, starts_at__lt=now + datetime.timedelta(days=days)) & Q(Exists(invited))
    wanted = mine | Q(starts_at__lte=now) if manages(user) else mine
    rows = TrainingSession.objects.filter(wanted, state=SCHEDULED).select_related("trainer").order_by("starts_at", "id")
    upcoming, unrecorded = [], []
    for session in rows[: 2 * shown]:
        (upcoming if session.starts_at >= now else unrecorded).append(session)
    return upcoming[:shown], unrecorded[:shown]
