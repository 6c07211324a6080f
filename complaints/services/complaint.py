"""Complaint intake, the five-stage workflow and the service clock's manual actions.

Every transition runs the same way (:func:`_move`): lock the row, check the stage and
the user's role, call the django-fsm transition, save, write the timeline event, and
queue e-mail for after the commit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from aftersales import outbox
from aftersales.audit import field_changes, snapshot
from aftersales.forms import check_lengths
from aftersales.numbering import next_number
from aftersales.uploads import check_upload
from customers.models import Customer, Interaction
from customers.permissions import can_see as can_see_customer

from .. import clock, dates, guards, rules
from ..models import REPEAT_WINDOW, Attachment, Complaint, ComplaintEvent, PausePeriod, Severity

__all__ = [
    "complaint_create",
    "complaint_assign",
    "complaint_respond",
    "complaint_update_analysis",
    "complaint_start_analysis",
    "complaint_submit_for_approval",
    "complaint_sign_approval",
    "complaint_quality_approved",
    "complaint_release",
    "complaint_send_back",
    "complaint_close",
    "complaint_cancel",
    "complaint_reopen",
    "complaint_pause",
    "complaint_resume",
    "complaint_promise_timetable",
    "attachment_add",
    "available_actions",
]

ANALYSIS_FIELDS = [
    "responsibility",
    "responsibility_reason",
    "disposal",
    "disposal_plan",
    "warranty_status",
]


def _notify(kind: str, complaint: Complaint, **extra) -> None:
    """Write the e-mail to the outbox in this transaction; it is sent after the commit."""
    outbox.enqueue(f"complaints.{kind}", complaint.pk, extra=extra)


def _event(complaint, actor, action, note="", from_state="", to_state="", at=None, changes=None) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        action=action,
        note=note,
        from_state=from_state,
        to_state=to_state,
        at=at or timezone.now(),
        changes=changes or [],
    )


def _locked(complaint: Complaint) -> Complaint:
    # Lock the complaint only, not the customer joined in: a customer's other complaints go on.
    return Complaint.objects.select_for_update(of=("self",)).select_related("customer").get(pk=complaint.pk)


def _require_see(actor, complaint) -> None:
    if not rules.can_see(complaint, actor):
        raise PermissionDenied


def _move(actor, complaint: Complaint, name: str, note: str = "", **fields) -> Complaint:
    """Run transition ``name`` on the locked row after the stage and role checks."""
    complaint = _locked(complaint)
    _require_see(actor, complaint)
    for field, value in fields.items():
        setattr(complaint, field, value)
    method = getattr(complaint, name)
    if not can_proceed(method, check_conditions=False):
        raise ValidationError(
            _("Complaint %(number)s is %(state)s; this step is not possible now."),
            params={"number": complaint.number, "state": complaint.get_state_display()},
            code="state",
        )
    if not method._django_fsm.has_transition_perm(complaint, complaint.state, actor):
        raise PermissionDenied
    if not can_proceed(method):
        raise ValidationError(_("The conditions for this step are not met yet."), code="conditions")
    # Other apps' conditions on the stage it enters (complaints.guards), e.g. an accepted quote.
    guards.check(complaint, method._django_fsm.get_transition(complaint.state).target)
    before = complaint.state
    method()
    complaint.save()
    _event(complaint, actor, ComplaintEvent.Action.TRANSITION, note, before, complaint.state)
    return complaint


@transaction.atomic
def complaint_create(*, actor, customer: Customer, attachments=(), **data) -> Complaint:
    """Receive a complaint (受理): number it, start its clock, alert the head if major."""
    if not actor.has_perm("complaints.add_complaint") or not can_see_customer(actor, customer):
        raise PermissionDenied
    files = list(attachments)
    for upload in files:
        check_upload(upload)
    delivery = data.get("delivery")
    if delivery is not None:
        if delivery.customer_id != customer.pk:
            raise ValidationError(_("The delivered unit belongs to another customer."), code="delivery")
        data.setdefault("product_model", delivery.product_model)
        data["batch_number"] = data.get("batch_number") or delivery.batch_number
        data["serial_number"] = data.get("serial_number") or delivery.serial_number
        data["delivery_date"] = data.get("delivery_date") or delivery.delivery_date
        received = data.get("received_at") or timezone.now()
        data.setdefault(
            "warranty_status",
            Complaint.Warranty.IN if delivery.in_warranty(timezone.localdate(received)) else Complaint.Warranty.OUT,
        )
    received_at = data.pop("received_at", None) or timezone.now()
    dates.raise_problems(dates.intake_problems(received_at=received_at, delivery_date=data.get("delivery_date")))
    complaint = Complaint(customer=customer, received_by=actor, received_at=received_at, **data)
    complaint.number = next_number("TS", timezone.localtime(received_at).strftime("%Y%m"))
    complaint.repeat_of = earlier_on_unit(customer, complaint.serial_number, received_at)
    _set_deadlines(complaint)
    complaint.full_clean(exclude=["state"])
    complaint.save()
    _event(complaint, actor, ComplaintEvent.Action.RECEIVED, to_state=complaint.state, at=received_at)
    for upload in files:
        _store_attachment(actor, complaint, upload)
    if complaint.severity == Severity.MAJOR:
        _notify("major_received", complaint)
    if complaint.assignee_id:
        _notify("assigned", complaint)
    return complaint


def earlier_on_unit(customer, serial_number: str, received_at):
    """Return the customer's latest complaint on the unit ``serial_number`` in the repeat window, or None."""
    if not serial_number:
        return None
    return (
        Complaint.objects.filter(
            customer=customer,
            serial_number=serial_number,
            received_at__lt=received_at,
            received_at__gte=received_at - REPEAT_WINDOW,
        )
        .exclude(state=Complaint.State.CANCELLED)
        .order_by("-received_at", "-id")
        .first()
    )


def _set_deadlines(complaint: Complaint) -> None:
    policy = clock.policy_for(complaint.severity)
    d = clock.deadlines(policy, complaint.received_at)
    complaint.first_response_risk_at, complaint.first_response_due_at = d.response_risk, d.response_due
    complaint.resolution_risk_at, complaint.resolution_due_at = d.resolution_risk, d.resolution_due


@transaction.atomic
def complaint_assign(*, actor, complaint: Complaint, assignee, note: str = "") -> Complaint:
    complaint = _locked(complaint)
    if not (actor.has_perm("complaints.approve_complaint") or rules.can_handle(complaint, actor)):
        raise PermissionDenied
    if not complaint.is_open:
        raise ValidationError(_("Only an open complaint can be assigned."), code="state")
    if not assignee.has_perm("complaints.handle_complaint"):
        raise ValidationError(_("%(name)s cannot handle complaints."), params={"name": assignee}, code="assignee")
    complaint.assignee = assignee
    complaint.save(update_fields=["assignee", "updated_at"])
    _event(complaint, actor, ComplaintEvent.Action.ASSIGNED, note or str(assignee))
    _notify("assigned", complaint)
    return complaint


@transaction.atomic
def complaint_respond(*, actor, complaint: Complaint, reply: str, kind: str = Interaction.Kind.CALL) -> Complaint:
    """Log the first response to the customer; it stops the 24-hour clock."""
    complaint = _locked(complaint)
    _require_see(actor, complaint)
    if not (actor.has_perm("complaints.handle_complaint") or actor.has_perm("complaints.close_complaint")):
        raise PermissionDenied
    if not complaint.is_open:
        raise ValidationError(_("The complaint is no longer open."), code="state")
    if not reply.strip():
        raise ValidationError(_("Write what was said to the customer."), code="reply")
    now = timezone.now()
    if complaint.first_responded_at is None:
        complaint.first_responded_at = now
        complaint.save(update_fields=["first_responded_at", "updated_at"])
    Interaction.objects.create(
        customer=complaint.customer,
        kind=kind,
        direction=Interaction.Direction.OUTBOUND,
        occurred_at=now,
        contact=complaint.contact,
        summary=f"{complaint.number}: {reply}",
        handled_by=actor,
    )
    _event(complaint, actor, ComplaintEvent.Action.RESPONDED, reply, at=now)
    return complaint


@transaction.atomic
def complaint_update_analysis(*, actor, complaint: Complaint, **data) -> Complaint:
    """Record who caused it, why, the proposed disposal and the warranty."""
    complaint = _locked(complaint)
    if not rules.can_handle(complaint, actor):
        raise PermissionDenied
    if complaint.state not in (Complaint.State.RECEIVED, Complaint.State.ANALYSING):
        raise ValidationError(_("The analysis can only change before the complaint is submitted."), code="state")
    before = snapshot(complaint, [f for f in ANALYSIS_FIELDS if f in data])
    for field in before:
        setattr(complaint, field, data[field])
    changes = field_changes(complaint, before)
    if not changes:
        return complaint
    complaint.full_clean(exclude=["state"])
    complaint.save()
    _event(complaint, actor, ComplaintEvent.Action.UPDATED, changes=changes)
    return complaint


@transaction.atomic
def complaint_start_analysis(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    locked = _locked(complaint)
    if locked.assignee_id is None and actor.has_perm("complaints.handle_complaint"):
        locked.assignee = actor
        locked.save(update_fields=["assignee", "updated_at"])
    return _move(actor, locked, "start_analysis", note)


@transaction.atomic
def complaint_submit_for_approval(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    locked = _locked(complaint)
    if (
        locked.state == Complaint.State.ANALYSING
        and rules.can_handle(locked, actor)
        and not rules.analysis_complete(locked)
    ):
        raise ValidationError(
            _("Before submitting, record the responsibility with its reasoning and the proposed disposal."),
            code="analysis",
        )
    complaint = _move(actor, locked, "submit_for_approval", note)
    if complaint.approvals_complete():
        # The quality sheet was approved while the analysis was still open: nothing to wait for.
        complaint = _approve_or_hold(actor, complaint, _("The quality information sheet is already approved."))
    elif complaint.responsibility == Complaint.Responsibility.COMPANY:
        # The quality group leaders raise the sheet it waits for (the message checks none exists yet).
        _notify("quality_sheet_wanted", complaint)
    else:
        _notify("for_approval", complaint)
    return complaint


@transaction.atomic
def complaint_sign_approval(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """Sign a customer-caused disposal; the last signature needed moves it to rectification.

    The after-sales manager signs every customer-caused disposal; a major complaint also
    needs the general manager. Company-caused complaints wait for their quality sheet.
    """
    complaint = _locked(complaint)
    _require_see(actor, complaint)
    if complaint.state != Complaint.State.AWAITING_APPROVAL:
        raise ValidationError(
            _("Complaint %(number)s is not awaiting approval."), params={"number": complaint.number}, code="state"
        )
    if complaint.responsibility == Complaint.Responsibility.COMPANY:
        raise ValidationError(
            _("A company-caused complaint is approved through its quality information sheet."), code="company"
        )
    now = timezone.now()
    if actor.has_perm("complaints.approve_complaint") and complaint.manager_approved_at is None:
        complaint.manager_approved_by, complaint.manager_approved_at = actor, now
        role = _("after-sales manager")
    elif (
        complaint.needs_gm_approval
        and actor.has_perm("complaints.approve_major_complaint")
        and complaint.gm_approved_at is None
    ):
        if complaint.manager_approved_by_id == actor.pk:
            # Two signatures mean two people, even when one holds both roles.
            raise ValidationError(_("The same person cannot give both signatures."), code="same_signer")
        complaint.gm_approved_by, complaint.gm_approved_at = actor, now
        role = _("general manager")
    elif rules.can_sign_approval(complaint, actor):
        raise ValidationError(_("This approval has already been signed."), code="signed")
    else:
        raise PermissionDenied
    complaint.save()
    _event(complaint, actor, ComplaintEvent.Action.APPROVAL, f"{role}: {note}".rstrip(": "), at=now)
    if complaint.approvals_complete():
        complaint = _move(actor, complaint, "approve")
        _notify("approved", complaint)
    return complaint


@transaction.atomic
def complaint_quality_approved(*, actor, complaint: Complaint, sheet_number: str) -> Complaint:
    """Record the approval of a company-caused complaint's quality sheet and move it on."""
    complaint = _locked(complaint)
    if complaint.responsibility != Complaint.Responsibility.COMPANY:
        raise ValidationError(_("Only a company-caused complaint waits for a quality sheet."), code="company")
    complaint.quality_approved_at = timezone.now()
    complaint.save(update_fields=["quality_approved_at", "updated_at"])
    _event(complaint, actor, ComplaintEvent.Action.APPROVAL, sheet_number)
    if complaint.state == Complaint.State.AWAITING_APPROVAL:
        complaint = _approve_or_hold(actor, complaint, sheet_number)
    return complaint


def _approve_or_hold(actor, complaint: Complaint, note: str = "") -> Complaint:
    """Move the approved ``complaint`` on to rectification, or hold it while a guard refuses.

    For the steps that approve a complaint as a consequence of another record (a quality
    sheet's approval, a submission after it): refusing them would undo that record's step,
    so the complaint waits in approval instead, with the reason on its timeline, until
    :func:`complaint_release` is called when the guard's condition is met.
    """
    held = guards.problems(complaint, Complaint.State.RECTIFYING)
    if held:
        reasons = " ".join(message for error in held for message in error.messages)
        _event(
            complaint, actor, ComplaintEvent.Action.UPDATED, _("Rectification held: %(reasons)s") % {"reasons": reasons}
        )
        return complaint
    complaint = _move(actor, complaint, "approve", note)
    _notify("approved", complaint)
    return complaint


@transaction.atomic
def complaint_release(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """Move a complaint whose approvals are complete on to rectification once no guard holds it.

    Called by the app whose guard held it (e.g. when the customer accepts the repair quote);
    a complaint still waiting for a signature, or no longer in approval, is left as it is.
    """
    complaint = _locked(complaint)
    _require_see(actor, complaint)
    if complaint.state != Complaint.State.AWAITING_APPROVAL or not complaint.approvals_complete():
        return complaint
    return _approve_or_hold(actor, complaint, note)


@transaction.atomic
def complaint_send_back(*, actor, complaint: Complaint, reason: str) -> Complaint:
    if not reason.strip():
        raise ValidationError(_("Say why the complaint goes back to analysis."), code="reason")
    complaint = _move(actor, complaint, "send_back", reason)
    _notify("sent_back", complaint, reason=reason)
    return complaint


@transaction.atomic
def complaint_close(
    *,
    actor,
    complaint: Complaint,
    acceptance_name: str,
    acceptance_date,
    reply_to_customer: str,
    acceptance_remarks: str = "",
) -> Complaint:
    """Close with the customer's acceptance (服务验收) and the reply stating the result."""
    if not (acceptance_name.strip() and acceptance_date and reply_to_customer.strip()):
        raise ValidationError(
            _("Closing needs the customer's acceptance (name and date) and the reply."), code="acceptance"
        )
    complaint = _locked(complaint)
    dates.raise_problems(dates.closing_problems(acceptance_date=acceptance_date, received_at=complaint.received_at))
    if complaint.paused_since and complaint.state == Complaint.State.RECTIFYING:
        # The customer's acceptance ends the wait; the paused time must not count against the team.
        _end_pause(actor, complaint, _("Clock resumed on closing."))
    complaint = _move(
        actor,
        complaint,
        "close",
        reply_to_customer,
        acceptance_name=acceptance_name,
        acceptance_date=acceptance_date,
        acceptance_remarks=acceptance_remarks,
        reply_to_customer=reply_to_customer,
    )
    pauses = complaint.pauses.values_list("started_at", "ended_at")
    complaint.resolution_working_minutes = clock.working_resolution_minutes(
        clock.policy_for(complaint.severity), complaint.received_at, complaint.closed_at, pauses
    )
    complaint.save(update_fields=["resolution_working_minutes"])
    return complaint


@transaction.atomic
def complaint_cancel(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """Cancel a duplicate or a non-complaint; it is kept, never deleted."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for cancelling."), code="reason")
    complaint = _locked(complaint)
    if complaint.paused_since and complaint.is_open:
        _end_pause(actor, complaint, _("Clock resumed on cancelling."))
    return _move(actor, complaint, "cancel", reason, cancel_reason=reason)


@transaction.atomic
def complaint_reopen(*, actor, complaint: Complaint, reason: str) -> Complaint:
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening."), code="reason")
    complaint = _move(actor, complaint, "reopen", reason, resolution_working_minutes=None)
    _notify("reopened", complaint, reason=reason)
    return complaint


@transaction.atomic
def complaint_pause(*, actor, complaint: Complaint, reason: str) -> Complaint:
    """Stop the clock while waiting for the customer; the pause is recorded."""
    complaint = _locked(complaint)
    if not rules.can_handle(complaint, actor):
        raise PermissionDenied
    if not complaint.is_open or complaint.paused_since:
        raise ValidationError(_("The clock of this complaint cannot be paused now."), code="state")
    if not reason.strip():
        raise ValidationError(_("Give the reason for pausing."), code="reason")
    check_lengths(Complaint, pause_reason=reason)
    now = timezone.now()
    complaint.paused_since, complaint.pause_reason = now, reason
    complaint.save(update_fields=["paused_since", "pause_reason", "updated_at"])
    PausePeriod.objects.create(complaint=complaint, started_at=now, reason=reason, started_by=actor)
    _event(complaint, actor, ComplaintEvent.Action.PAUSED, reason, at=now)
    return complaint


@transaction.atomic
def complaint_resume(*, actor, complaint: Complaint, note: str = "") -> Complaint:
    """Restart the clock; every pending deadline moves later by the paused clock time."""
    complaint = _locked(complaint)
    if not rules.can_handle(complaint, actor):
        raise PermissionDenied
    if not complaint.paused_since:
        raise ValidationError(_("The clock is not paused."), code="state")
    _end_pause(actor, complaint, note)
    return complaint


def _end_pause(actor, complaint: Complaint, note: str) -> None:
    """Restart the clock of the locked ``complaint``; pending deadlines move later by the paused time."""
    now = timezone.now()
    policy = clock.policy_for(complaint.severity)
    paused = clock.paused_duration(policy, complaint.paused_since, now)
    if complaint.first_responded_at is None:
        complaint.first_response_risk_at = clock.shift(policy, complaint.first_response_risk_at, paused)
        complaint.first_response_due_at = clock.shift(policy, complaint.first_response_due_at, paused)
    complaint.resolution_risk_at = clock.shift(policy, complaint.resolution_risk_at, paused)
    complaint.resolution_due_at = clock.shift(policy, complaint.resolution_due_at, paused)
    complaint.paused_total += paused
    complaint.paused_since, complaint.pause_reason = None, ""
    complaint.save()
    PausePeriod.objects.filter(complaint=complaint, ended_at__isnull=True).update(ended_at=now)
    _event(complaint, actor, ComplaintEvent.Action.RESUMED, note, at=now)


@transaction.atomic
def complaint_promise_timetable(*, actor, complaint: Complaint, timetable: str, promised_date) -> Complaint:
    """Record the timetable given to the customer for a complex case; the 48 h measure still counts."""
    complaint = _locked(complaint)
    if not rules.can_handle(complaint, actor):
        raise PermissionDenied
    if not timetable.strip() or promised_date is None:
        raise ValidationError(_("Give the timetable and the promised date."), code="timetable")
    dates.raise_problems(
        dates.timetable_problems(promised_date=promised_date, received_at=complaint.received_at),
        {"promised_date": "date"},
    )
    complaint.promised_timetable, complaint.promised_resolution_date = timetable, promised_date
    complaint.save(update_fields=["promised_timetable", "promised_resolution_date", "updated_at"])
    _event(complaint, actor, ComplaintEvent.Action.TIMETABLE, f"{promised_date:%Y-%m-%d} {timetable}")
    return complaint


def _store_attachment(actor, complaint, upload) -> Attachment:
    content_type = check_upload(upload)
    attachment = Attachment(
        complaint=complaint,
        original_name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    _event(complaint, actor, ComplaintEvent.Action.ATTACHMENT, attachment.original_name)
    return attachment


@transaction.atomic
def attachment_add(*, actor, complaint: Complaint, upload) -> Attachment:
    complaint = _locked(complaint)
    _require_see(actor, complaint)
    if not (actor.has_perm("complaints.handle_complaint") or actor.has_perm("complaints.add_complaint")):
        raise PermissionDenied
    return _store_attachment(actor, complaint, upload)


TRANSITION_ACTIONS = ["start_analysis", "submit_for_approval", "send_back", "close", "cancel", "reopen"]


def _may(complaint: Complaint, name: str, user) -> bool:
    """Return whether the stage allows transition ``name`` and the user holds its role.

    Conditions are left out on purpose: the step's form collects what they need.
    """
    method = getattr(complaint, name)
    return can_proceed(method, check_conditions=False) and method._django_fsm.has_transition_perm(
        complaint, complaint.state, user
    )


def available_actions(complaint: Complaint, user) -> set[str]:
    """Return the names of the actions ``user`` may take on ``complaint`` now (for pages)."""
    actions = {name for name in TRANSITION_ACTIONS if _may(complaint, name, user)}
    if not rules.can_see(complaint, user):
        return set()
    handle = rules.can_handle(complaint, user)
    if complaint.is_open:
        if complaint.first_responded_at is None and (handle or user.has_perm("complaints.close_complaint")):
            actions.add("respond")
        if handle:
            actions.add("pause" if not complaint.paused_since else "resume")
            actions.add("timetable")
        if user.has_perm("complaints.approve_complaint") or handle:
            actions.add("assign")
        if handle or user.has_perm("complaints.add_complaint"):
            actions.add("attach")
    if handle and complaint.state in (Complaint.State.RECEIVED, Complaint.State.ANALYSING):
        actions.add("analysis")
    if (
        complaint.state == Complaint.State.AWAITING_APPROVAL
        and complaint.responsibility == Complaint.Responsibility.CUSTOMER
    ):
        can_manager = user.has_perm("complaints.approve_complaint") and complaint.manager_approved_at is None
        can_gm = (
            complaint.needs_gm_approval
            and user.has_perm("complaints.approve_major_complaint")
            and complaint.gm_approved_at is None
        )
        if can_manager or can_gm:
            actions.add("sign")
    return actions
