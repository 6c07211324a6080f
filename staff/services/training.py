"""Training (培训): the year's plan, sessions scheduled, attendees invited, held or cancelled, reminders.

Every write is keyword-only and atomic, checks ``staff.manage_training``, locks its row and,
for sessions, writes a :class:`TrainingEvent`. E-mails are outbox rows written in the same
transaction, each with a key naming the session and the person, so no rerun sends one twice.
``send_reminders`` is run hourly by ``staff.tasks.remind_training``; its key carries the
session's start, so a session moved to another time reminds again.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import outbox
from aftersales.audit import field_changes, snapshot
from aftersales.numbering import next_number
from aftersales.uploads import check_upload

from ..models import Attendance, TrainingEvent, TrainingMaterial, TrainingPlan, TrainingPlanItem, TrainingSession

MANAGE = "staff.manage_training"
REMIND_WITHIN = datetime.timedelta(hours=24)
MAX_HOURS = Decimal("24")
SESSION_FIELDS = (
    "topic",
    "title",
    "trainer",
    "trainer_name",
    "starts_at",
    "hours",
    "location",
    "description",
    "has_exam",
    "pass_mark",
    "plan_item",
)
ITEM_FIELDS = ("topic", "title", "month", "planned_hours", "audience")


def _require(actor) -> None:
    if actor is not None and not actor.has_perm(MANAGE):
        raise PermissionDenied(_("You may not manage training."))


def _event(session, actor, action, note="", changes=None) -> None:
    TrainingEvent.objects.create(session=session, actor=actor, action=action, note=note, changes=changes or [])


def _hours(value, errors: dict, field: str) -> Decimal | None:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        hours = None
    if hours is None or not hours.is_finite() or not Decimal("0") < hours <= MAX_HOURS:
        errors.setdefault(field, []).append(_("Hours must be more than 0 and at most 24."))
        return None
    return hours.quantize(Decimal("0.1"))


# --- the annual plan --------------------------------------------------------------------------------


def _plan_year_problems(year: int) -> list[str]:
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        return [_("A plan is made for last year, this year or next year.")]
    return []


@transaction.atomic
def plan_create(*, actor, year: int, title: str, notes: str = "") -> TrainingPlan:
    """Create the draft plan of ``year`` (one plan per year)."""
    _require(actor)
    errors: dict[str, list] = {}
    if problems := _plan_year_problems(year):
        errors["year"] = problems
    elif TrainingPlan.objects.filter(year=year).exists():
        errors["year"] = [_("The plan of %(year)s exists already.") % {"year": year}]
    if not title.strip():
        errors["title"] = [_("Give the plan a title.")]
    if errors:
        raise ValidationError(errors)
    return TrainingPlan.objects.create(year=year, title=title.strip(), notes=notes, created_by=actor)


def _item_values(values: dict) -> dict:
    errors: dict[str, list] = {}
    if not str(values.get("title", "")).strip():
        errors["title"] = [_("Name the course.")]
    month = values.get("month")
    if not isinstance(month, int) or not 1 <= month <= 12:
        errors["month"] = [_("The month is 1 to 12.")]
    values["planned_hours"] = _hours(values.get("planned_hours"), errors, "planned_hours")
    if errors:
        raise ValidationError(errors)
    values["title"] = values["title"].strip()
    return values


def _locked_plan(plan) -> TrainingPlan:
    return TrainingPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_item_add(
    *, actor, plan: TrainingPlan, topic: str, title: str, month: int, planned_hours, audience: str = ""
) -> TrainingPlanItem:
    """Add a course to the plan; an approved plan still takes new courses (nothing else changes in it)."""
    _require(actor)
    plan = _locked_plan(plan)
    values = _item_values(
        {"topic": topic, "title": title, "month": month, "planned_hours": planned_hours, "audience": audience}
    )
    order = plan.items.filter(month=values["month"]).count()
    return TrainingPlanItem.objects.create(plan=plan, order=order, **values)


def _require_draft(plan: TrainingPlan) -> None:
    if plan.state != TrainingPlan.State.DRAFT:
        raise ValidationError(_("An approved plan is locked: courses may only be added to it."))


@transaction.atomic
def plan_item_update(*, actor, item: TrainingPlanItem, **changes) -> TrainingPlanItem:
    """Change a course of a draft plan."""
    _require(actor)
    _locked_plan(item.plan)
    item = TrainingPlanItem.objects.select_related("plan").get(pk=item.pk)
    _require_draft(item.plan)
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"plan_item_update() got unexpected fields {sorted(unknown)}")
    values = _item_values({name: changes.get(name, getattr(item, name)) for name in ITEM_FIELDS})
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    return item


@transaction.atomic
def plan_item_remove(*, actor, item: TrainingPlanItem) -> None:
    """Remove a course from a draft plan, unless sessions were scheduled for it."""
    _require(actor)
    _locked_plan(item.plan)
    item = TrainingPlanItem.objects.select_related("plan").get(pk=item.pk)
    _require_draft(item.plan)
    if item.sessions.exists():
        raise ValidationError(_("Sessions were scheduled for this course; it cannot be removed."))
    item.delete()


@transaction.atomic
def plan_approve(*, actor, plan: TrainingPlan) -> TrainingPlan:
    """Approve a draft plan with at least one course; it is locked from then on (courses may be added)."""
    _require(actor)
    plan = _locked_plan(plan)
    _require_draft(plan)
    if not plan.items.exists():
        raise ValidationError(_("Plan at least one course before approving the plan."))
    plan.state = TrainingPlan.State.APPROVED
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save(update_fields=["state", "approved_by", "approved_at"])
    return plan


# --- sessions ---------------------------------------------------------------------------------------


def _session_values(values: dict) -> dict:
    """Return the values cleaned, or raise one ValidationError listing every problem."""
    errors: dict[str, list] = {}
    values["title"] = str(values.get("title") or "").strip()
    values["trainer_name"] = str(values.get("trainer_name") or "").strip()
    if not values["title"]:
        errors["title"] = [_("Give the session a title.")]
    if values.get("trainer") is None and not values["trainer_name"]:
        errors["trainer"] = [_("Choose the trainer or give the name of an external trainer.")]
    elif values.get("trainer") is not None and values["trainer_name"]:
        errors["trainer_name"] = [_("Choose a trainer or name an external one, not both.")]
    starts_at = values.get("starts_at")
    if starts_at is None:
        errors["starts_at"] = [_("Give the start time.")]
    values["hours"] = _hours(values.get("hours"), errors, "hours")
    pass_mark = values.get("pass_mark")
    if values.get("has_exam") and (pass_mark is None or not 0 <= pass_mark <= 100):
        errors["pass_mark"] = [_("The pass mark is 0 to 100.")]
    if values.get("pass_mark") is None:
        values["pass_mark"] = 60
    item = values.get("plan_item")
    if item is not None and starts_at is not None and timezone.localtime(starts_at).year != item.plan.year:
        errors["starts_at"] = errors.get("starts_at", []) + [
            _("The course is planned for %(year)s; the session must be held that year.") % {"year": item.plan.year}
        ]
    if errors:
        raise ValidationError(errors)
    return values


def _locked(session) -> TrainingSession:
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


def _require_scheduled(session) -> None:
    if session.state != TrainingSession.State.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be changed."))


@transaction.atomic
def session_schedule(
    *,
    actor,
    topic: str,
    title: str,
    starts_at: datetime.datetime,
    hours,
    trainer=None,
    trainer_name: str = "",
    location: str = "",
    description: str = "",
    has_exam: bool = True,
    pass_mark: int | None = 60,
    plan_item: TrainingPlanItem | None = None,
    attendees=(),
) -> TrainingSession:
    """Schedule a session (of a planned course or ad hoc) and invite ``attendees``."""
    _require(actor)
    values = _session_values(
        {
            "topic": topic,
            "title": title,
            "trainer": trainer,
            "trainer_name": trainer_name,
            "starts_at": starts_at,
            "hours": hours,
            "location": location,
            "description": description,
            "has_exam": has_exam,
            "pass_mark": pass_mark,
            "plan_item": plan_item,
        },
    )
    number = next_number("PX", f"{timezone.localdate():%Y%m}")
    session = TrainingSession.objects.create(number=number, created_by=actor, **values)
    _event(session, actor, TrainingEvent.Action.SCHEDULED)
    if attendees:
        _invite(session, actor, attendees)
    return session


@transaction.atomic
def session_update(*, actor, session: TrainingSession, **changes) -> TrainingSession:
    """Change a scheduled session; the timeline keeps the old and new values."""
    _require(actor)
    session = _locked(session)
    _require_scheduled(session)
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"session_update() got unexpected fields {sorted(unknown)}")
    values = _session_values({name: changes.get(name, getattr(session, name)) for name in SESSION_FIELDS})
    before = snapshot(session, SESSION_FIELDS)
    for name, value in values.items():
        setattr(session, name, value)
    session.save()
    changed = field_changes(session, before)
    if changed:
        _event(session, actor, TrainingEvent.Action.UPDATED, changes=changed)
    return session


def _invite(session, actor, people) -> list:
    existing = set(session.attendances.values_list("person_id", flat=True))
    new = [person for person in {p.pk: p for p in people}.values() if person.pk not in existing]
    Attendance.objects.bulk_create([Attendance(session=session, person=person) for person in new])
    # A session entered after the fact (already started) invites nobody by e-mail: its attendees
    # are only listed so that their attendance and scores can be recorded.
    if new and session.starts_at > timezone.now():
        outbox.enqueue_many(
            [
                (
                    "staff.training.invitation",
                    session.pk,
                    f"staff.training.invitation:{session.pk}:{p.pk}",
                    {"person": p.pk},
                )
                for p in new
            ]
        )
    if new:
        _event(session, actor, TrainingEvent.Action.INVITED, note=", ".join(str(p) for p in new))
    return new


@transaction.atomic
def session_invite(*, actor, session: TrainingSession, people) -> list:
    """Invite ``people`` to a scheduled session; each newly invited person is e-mailed once. Return them."""
    _require(actor)
    session = _locked(session)
    _require_scheduled(session)
    return _invite(session, actor, people)


@transaction.atomic
def session_uninvite(*, actor, session: TrainingSession, person) -> None:
    """Take ``person`` off a scheduled session's attendees."""
    _require(actor)
    session = _locked(session)
    _require_scheduled(session)
    deleted, _rows = session.attendances.filter(person=person).delete()
    if deleted:
        _event(session, actor, TrainingEvent.Action.INVITED, note=_("removed %(person)s") % {"person": person})


@transaction.atomic
def material_add(*, actor, session: TrainingSession, upload) -> TrainingMaterial:
    """Store a file for the session (slides, handout, exam paper) in private storage."""
    session = _locked(session)
    if not (actor.has_perm(MANAGE) or session.trainer_id == actor.pk):
        raise PermissionDenied(_("You may not manage training."))
    if session.state == TrainingSession.State.CANCELLED:
        raise ValidationError(_("The session was cancelled."))
    content_type = check_upload(upload)
    material = TrainingMaterial(
        session=session, original_name=upload.name[:200], content_type=content_type, size=upload.size, uploaded_by=actor
    )
    material.file.save(upload.name, upload, save=False)
    material.save()
    _event(session, actor, TrainingEvent.Action.MATERIAL, material.original_name)
    return material


def _score(value, errors: dict, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        score = None
    if score is None or not score.is_finite() or not 0 <= score <= 100:
        errors.setdefault(field, []).append(_("An exam score is 0 to 100."))
        return None
    return score.quantize(Decimal("0.1"))


@transaction.atomic
def session_hold(*, actor, session: TrainingSession, results: dict, note: str = "", now=None) -> TrainingSession:
    """Record the session held: ``results`` maps each attendee's id to ``(attended, exam score)``.

    Refused before the session's start. Everyone invited must be recorded; a score is required
    of those who attended an examined session; passed is the score against the pass mark.
    Absentees get no score and are not credited the hours.
    """
    _require(actor)
    session = _locked(session)
    now = now or timezone.now()
    _require_scheduled(session)
    if session.starts_at > now:
        raise ValidationError(
            _("The session starts at %(when)s; it can be recorded only after it has started.")
            % {"when": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")}
        )
    attendances = list(session.attendances.select_related("person"))
    if not attendances:
        raise ValidationError(_("Invite the attendees before recording the session."))
    errors: dict[str, list] = {}
    for attendance in attendances:
        field = f"person_{attendance.person_id}"
        attended, raw = results.get(attendance.person_id, (None, None))
        if attended is None:
            errors.setdefault(field, []).append(_("Say whether %(person)s attended.") % {"person": attendance.person})
            continue
        score = _score(raw, errors, field)
        attendance.attended = bool(attended)
        if not attended:
            attendance.exam_score, attendance.passed = None, None
        elif session.has_exam:
            if score is None and field not in errors:
                errors.setdefault(field, []).append(
                    _("Give the exam score of %(person)s.") % {"person": attendance.person}
                )
            attendance.exam_score = score
            attendance.passed = score is not None and score >= session.pass_mark
        else:
            attendance.exam_score, attendance.passed = None, None
    if errors:
        raise ValidationError(errors)
    Attendance.objects.bulk_update(attendances, ["attended", "exam_score", "passed"])
    session.hold()
    session.held_note = note
    session.save()
    came = sum(1 for a in attendances if a.attended)
    _event(
        session,
        actor,
        TrainingEvent.Action.HELD,
        note=_("%(came)s of %(invited)s attended.") % {"came": came, "invited": len(attendances)},
    )
    return session


@transaction.atomic
def session_cancel(*, actor, session: TrainingSession, reason: str) -> TrainingSession:
    """Cancel a scheduled session with a reason; each attendee is told once."""
    _require(actor)
    session = _locked(session)
    _require_scheduled(session)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for cancelling.")]})
    session.cancel()
    session.cancel_reason = reason.strip()
    session.save()
    people = list(session.attendances.values_list("person_id", flat=True))
    outbox.enqueue_many(
        [
            ("staff.training.cancelled", session.pk, f"staff.training.cancelled:{session.pk}:{pk}", {"person": pk})
            for pk in people
        ]
    )
    _event(session, actor, TrainingEvent.Action.CANCELLED, note=session.cancel_reason)
    return session


def reminder_key(session_id: int, person_id: int, starts_at: datetime.datetime) -> str:
    return f"staff.training.reminder:{session_id}:{person_id}:{starts_at.isoformat()}"


@transaction.atomic
def send_reminders(*, now=None) -> int:
    """Queue one reminder per attendee of each scheduled session starting within 24 hours; return the count queued.

    The key names the session, the person and the start, so reruns queue nothing new and a
    session moved to another time reminds again.
    """
    now = now or timezone.now()
    rows = Attendance.objects.filter(
        session__state=TrainingSession.State.SCHEDULED,
        session__starts_at__gt=now,
        session__starts_at__lte=now + REMIND_WITHIN,
    ).values_list("session_id", "person_id", "session__starts_at")
    notices = [
        ("staff.training.reminder", session_id, reminder_key(session_id, person_id, starts_at), {"person": person_id})
        for session_id, person_id, starts_at in rows
    ]
    outbox.enqueue_many(notices)
    return len(notices)
