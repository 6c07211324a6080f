"""Corrective and preventive actions: create, track, complete, verify, and notices' replies."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.audit import field_changes, snapshot
from aftersales.numbering import next_number
from complaints.dates import raise_problems

from .. import rules
from ..models import CapaAction, CapaCheck, CapaEvent, CapaSource, QualitySheet, SheetEvent
from .common import check_step, may, notify, require, require_text, run_transition

__all__ = [
    "capa_create",
    "capa_update_plan",
    "capa_add_check",
    "capa_complete",
    "capa_verify",
    "capa_cancel",
    "capa_record_reply",
    "capa_actions",
]


def capa_date_problems(
    *, due_date=None, current_due=None, reply_deadline=None, received_on=None, notice_date=None, today=None
) -> dict:
    """Return ``{field: message}`` for dates an action or notice cannot have (None is not checked).

    ``notice_date`` is the day the notice was issued (today for a new one); an unchanged
    ``current_due`` may stay in the past.
    """
    today = today or timezone.localdate()
    notice_date = notice_date or today
    problems = {}
    if due_date is not None and due_date != current_due and due_date < today:
        problems["due_date"] = _("The due date (%(date)s) is in the past; give today or a later day.") % {
            "date": f"{due_date:%Y-%m-%d}"
        }
    if reply_deadline is not None and reply_deadline < notice_date:
        problems["reply_deadline"] = _(
            "The written reply cannot be due (%(deadline)s) before the notice is issued (%(date)s)."
        ) % {"deadline": f"{reply_deadline:%Y-%m-%d}", "date": f"{notice_date:%Y-%m-%d}"}
    if received_on is not None:
        if received_on > today:
            problems["received_on"] = _("The reply cannot arrive in the future (%(date)s).") % {
                "date": f"{received_on:%Y-%m-%d}"
            }
        elif received_on < notice_date:
            problems["received_on"] = _(
                "The reply cannot arrive (%(received)s) before the notice was issued (%(date)s)."
            ) % {"received": f"{received_on:%Y-%m-%d}", "date": f"{notice_date:%Y-%m-%d}"}
    return problems


def _locked(action: CapaAction) -> CapaAction:
    return CapaAction.objects.select_for_update(of=("self",)).get(pk=action.pk)


def _move(actor, action, name, note="", previous_plan="", changes=None) -> CapaAction:
    before = run_transition(action, name, actor)
    action.save()
    CapaEvent.objects.create(
        action=action,
        actor=actor,
        from_state=before,
        to_state=action.state,
        note=note,
        previous_plan=previous_plan,
        changes=changes or [],
    )
    return action


@transaction.atomic
def capa_create(*, actor, **data) -> CapaAction:
    """Open a corrective or preventive action, or a rectification notice (source: supervision check)."""
    require(actor.has_perm("quality.add_capaaction"))
    sheet = data.get("sheet")
    if sheet is not None:
        data["source"] = CapaSource.QUALITY_SHEET
        if sheet.state == QualitySheet.State.CLOSED:
            raise ValidationError(_("Sheet %(number)s is closed."), params={"number": sheet.number}, code="sheet")
    if data.get("source") == CapaSource.SUPERVISION and not (data.get("notice_unit") and data.get("reply_deadline")):
        raise ValidationError(
            _("A rectification notice names the unit and the deadline for its written reply."), code="notice"
        )
    raise_problems(capa_date_problems(due_date=data.get("due_date"), reply_deadline=data.get("reply_deadline")))
    action = CapaAction(created_by=actor, **data)
    action.number = next_number("CA", f"{timezone.localdate():%Y}")
    action.full_clean(exclude=["state"])
    action.save()
    CapaEvent.objects.create(action=action, actor=actor, to_state=action.state, note=_("Action opened"))
    if sheet is not None:
        SheetEvent.objects.create(
            sheet=sheet, actor=actor, action=SheetEvent.Action.CAPA, note=f"{action.number} {action.get_kind_display()}"
        )
    notify("capa_assigned", action.pk)
    return action


@transaction.atomic
def capa_update_plan(*, actor, action: CapaAction, planned_action: str, due_date) -> CapaAction:
    action = _locked(action)
    require(rules.capa_owner_or_leader(action, actor))
    if action.state != CapaAction.State.OPEN:
        raise ValidationError(_("Only an open action's plan can change."), code="state")
    require_text(planned_action, _("Describe the planned action."))
    raise_problems(capa_date_problems(due_date=due_date, current_due=action.due_date))
    before = snapshot(action, ["planned_action", "due_date"])
    previous = action.planned_action
    action.planned_action, action.due_date = planned_action, due_date
    changes = field_changes(action, before)
    if not changes:
        return action
    action.full_clean(exclude=["state"])
    action.save()
    CapaEvent.objects.create(
        action=action,
        actor=actor,
        from_state=action.state,
        to_state=action.state,
        previous_plan=previous if previous != planned_action else "",
        changes=[change for change in changes if change["field"] != "planned_action"],
    )
    return action


@transaction.atomic
def capa_add_check(*, actor, action: CapaAction, finding: str, checked_on=None) -> CapaCheck:
    """Record a tracking check (跟踪检查) of the action's progress."""
    require(actor.has_perm("quality.add_capacheck"))
    require_text(finding, _("Write what the check found."))
    action = _locked(action)
    if action.state not in (CapaAction.State.OPEN, CapaAction.State.COMPLETED):
        raise ValidationError(_("A closed or cancelled action is no longer tracked."), code="state")
    checked_on = checked_on or timezone.localdate()
    if checked_on > timezone.localdate():
        raise ValidationError(_("A check cannot be dated in the future."), code="date")
    check = CapaCheck.objects.create(action=action, finding=finding, checked_on=checked_on, checked_by=actor)
    CapaEvent.objects.create(
        action=action,
        actor=actor,
        from_state=action.state,
        to_state=action.state,
        note=_("Tracking check: %(finding)s") % {"finding": finding},
    )
    return check


@transaction.atomic
def capa_complete(*, actor, action: CapaAction, note: str) -> CapaAction:
    """Report the action done; its effectiveness is verified after the set number of days."""
    require_text(note, _("Say what was done."))
    action = _locked(action)
    action.completion_note = note
    return _move(actor, action, "complete", note)


def check_verification_timing(action: CapaAction, *, early: bool, early_reason: str, today=None) -> None:
    """Refuse a verification before its due date unless it is explicitly early, with a reason."""
    today = today or timezone.localdate()
    if action.verification_due is None or action.verification_due <= today:
        return
    if not early:
        raise ValidationError(
            _("The effectiveness verification is due on %(date)s; before then, verify early only with a reason."),
            params={"date": f"{action.verification_due:%Y-%m-%d}"},
            code="too_early",
        )
    require_text(early_reason, _("Give the reason for verifying before the due date."))


@transaction.atomic
def capa_verify(
    *,
    actor,
    action: CapaAction,
    effective: bool,
    note: str,
    new_plan: str = "",
    new_due_date=None,
    early: bool = False,
    early_reason: str = "",
) -> CapaAction:
    """Verify effectiveness (效果确认): effective closes it; not effective reopens it with a new plan.

    Found effective before the verification is due (``verification_due``), it needs ``early``
    and a reason, which are kept on the action and in its history.
    """
    require_text(note, _("Record the evidence of the verification."))
    action = _locked(action)
    check_step(action, "verify_effective" if effective else "verify_not_effective", actor)
    # Effectiveness shows only over time; a recurrence proves the opposite on any day.
    if effective:
        check_verification_timing(action, early=early, early_reason=early_reason)
    early = effective and action.verification_due is not None and action.verification_due > timezone.localdate()
    action.verified_by, action.verification_note = actor, note
    action.verified_early, action.early_verification_reason = early, early_reason.strip() if early else ""
    changes = _early_changes(action) if early else []
    if effective:
        action = _move(actor, action, "verify_effective", note, changes=changes)
        notify("capa_verified", action.pk)
        return action
    require_text(new_plan, _("An action found not effective needs a new plan."))
    if new_due_date is None or new_due_date < timezone.localdate():
        raise ValidationError(_("Give the new plan a due date from today on."), code="due_date")
    previous = action.planned_action
    action = _move(actor, action, "verify_not_effective", note, previous_plan=previous, changes=changes)
    action.planned_action, action.due_date = new_plan, new_due_date
    action.save()
    notify("capa_reopened", action.pk)
    return action


def _early_changes(action: CapaAction) -> list[dict]:
    fields = {"verified_early": (False, True), "early_verification_reason": ("", action.early_verification_reason)}
    return [
        {"model": action._meta.label_lower, "field": name, "old": old, "new": new}
        for name, (old, new) in fields.items()
    ]


@transaction.atomic
def capa_cancel(*, actor, action: CapaAction, reason: str) -> CapaAction:
    require_text(reason, _("Give the reason for cancelling."))
    return _move(actor, _locked(action), "cancel", reason)


@transaction.atomic
def capa_record_reply(*, actor, action: CapaAction, reply_text: str, received_on) -> CapaAction:
    """Record the unit's written reply to a rectification notice."""
    action = _locked(action)
    require(rules.capa_owner_or_leader(action, actor) or actor.has_perm("quality.change_capaaction"))
    if not action.is_notice:
        raise ValidationError(_("Only a rectification notice takes a written reply."), code="notice")
    require_text(reply_text, _("Paste or summarise the written reply."))
    if received_on is None:
        raise ValidationError(_("Give the date the reply arrived (not in the future)."), code="date")
    raise_problems(
        capa_date_problems(received_on=received_on, notice_date=timezone.localdate(action.created_at)),
        {"received_on": "date"},
    )
    action.reply_text, action.reply_received_at = reply_text, received_on
    action.save(update_fields=["reply_text", "reply_received_at", "updated_at"])
    CapaEvent.objects.create(
        action=action,
        actor=actor,
        from_state=action.state,
        to_state=action.state,
        note=_("Written reply received on %(date)s") % {"date": received_on},
    )
    return action


def capa_actions(action: CapaAction, user) -> set[str]:
    """Return the steps ``user`` may take on ``action`` now (for pages)."""
    actions = set()
    if may(action, "complete", user):
        actions.update({"complete", "plan"})
    if may(action, "verify_effective", user):
        actions.add("verify")
    if may(action, "cancel", user):
        actions.add("cancel")
    if user.has_perm("quality.add_capacheck") and action.state in (CapaAction.State.OPEN, CapaAction.State.COMPLETED):
        actions.add("check")
    if (
        action.is_notice
        and action.reply_received_at is None
        and (rules.capa_owner_or_leader(action, user) or user.has_perm("quality.change_capaaction"))
    ):
        actions.add("reply")
    return actions
