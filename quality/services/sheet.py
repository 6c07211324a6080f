"""The quality information sheet's workflow: raise, investigate, review, approve,
distribute, track the department tasks, assess, close.

Each step locks the sheet, checks stage and role, records a SheetEvent and queues
e-mail after the commit. When the sheet's approval is complete, its complaints move
on to rectification through complaints.services.complaint_quality_approved.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.audit import field_changes, snapshot
from aftersales.numbering import next_number
from aftersales.uploads import check_upload
from complaints import rules as complaint_rules
from complaints.models import Complaint
from complaints.services import complaint_quality_approved
from customers.models import Interaction

from .. import rules
from ..filters import investigators, task_owners
from ..models import Assessment, DepartmentTask, QualitySheet, SheetComplaint, SheetEvent, SheetFile
from .common import check_step, may, notify, require, require_text, run_transition

__all__ = [
    "sheet_raise",
    "sheet_link_complaint",
    "sheet_assign",
    "sheet_record_analysis",
    "sheet_submit_analysis",
    "sheet_review",
    "sheet_send_back",
    "sheet_sign_approval",
    "sheet_distribute",
    "task_acknowledge",
    "task_complete",
    "assessment_record",
    "sheet_close",
    "sheet_attach",
    "sheet_actions",
    "sheet_customer_informed",
]

ANALYSIS_FIELDS = ["root_cause", "analysis", "five_whys", "fishbone", "containment", "proposed_disposal", "scope_note"]


def _event(sheet, actor, action, note="", from_state="", to_state="", changes=None) -> SheetEvent:
    return SheetEvent.objects.create(
        sheet=sheet,
        actor=actor,
        action=action,
        note=note,
        from_state=from_state,
        to_state=to_state,
        changes=changes or [],
    )


def _locked(sheet: QualitySheet) -> QualitySheet:
    return QualitySheet.objects.select_for_update(of=("self",)).get(pk=sheet.pk)


def _move(actor, sheet, name, note="", *, check_permission=True) -> QualitySheet:
    before = run_transition(sheet, name, actor, check_permission=check_permission)
    sheet.save()
    _event(sheet, actor, SheetEvent.Action.TRANSITION, note, before, sheet.state)
    return sheet


def _check_complaint(actor, complaint: Complaint) -> None:
    if not complaint_rules.can_see(complaint, actor):
        raise PermissionDenied
    if complaint.responsibility != Complaint.Responsibility.COMPANY:
        raise ValidationError(
            _("Complaint %(number)s is not company-caused; it needs no quality information sheet."),
            params={"number": complaint.number},
            code="responsibility",
        )
    if SheetComplaint.objects.filter(complaint=complaint).exists():
        raise ValidationError(
            _("Complaint %(number)s already has a quality information sheet."),
            params={"number": complaint.number},
            code="linked",
        )


@transaction.atomic
def sheet_raise(*, actor, complaint: Complaint | None = None, **data) -> QualitySheet:
    """Raise a sheet from a company-caused complaint (prefilled from it) or from field data."""
    require(actor.has_perm("quality.raise_qualitysheet"))
    if complaint is not None:
        complaint = Complaint.objects.select_for_update(of=("self",)).select_related("customer").get(pk=complaint.pk)
        _check_complaint(actor, complaint)
        for field in ("customer", "product_model", "batch_number", "serial_number", "severity"):
            data.setdefault(field, getattr(complaint, field))
        data.setdefault("title", complaint.title)
        data.setdefault("description", complaint.description)
        data["source"] = QualitySheet.Source.COMPLAINT
    else:
        data["source"] = QualitySheet.Source.FIELD
    sheet = QualitySheet(raised_by=actor, **data)
    sheet.number = next_number("QI", f"{timezone.localdate():%Y}")
    sheet.full_clean(exclude=["state", "complaints"])
    sheet.save()
    _event(sheet, actor, SheetEvent.Action.RAISED)
    if complaint is not None:
        _link(actor, sheet, complaint)
    notify("sheet_raised", sheet.pk)
    return sheet


def _link(actor, sheet, complaint) -> None:
    SheetComplaint.objects.create(sheet=sheet, complaint=complaint, linked_by=actor)
    for attachment in complaint.attachments.all():
        # The complaint's evidence becomes the sheet's; the stored file is shared, never copied.
        SheetFile.objects.create(
            sheet=sheet,
            file=attachment.file.name,
            original_name=attachment.original_name,
            content_type=attachment.content_type,
            size=attachment.size,
            uploaded_by=attachment.uploaded_by,
        )
    _event(sheet, actor, SheetEvent.Action.COMPLAINT, complaint.number)
    if sheet.approvals_complete():
        complaint_quality_approved(actor=actor, complaint=complaint, sheet_number=sheet.number)


@transaction.atomic
def sheet_link_complaint(*, actor, sheet: QualitySheet, complaint: Complaint) -> QualitySheet:
    """Answer another complaint of the same problem with this sheet."""
    require(actor.has_perm("quality.raise_qualitysheet"))
    sheet = _locked(sheet)
    if sheet.state == QualitySheet.State.CLOSED:
        raise ValidationError(_("A closed sheet takes no more complaints."), code="state")
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("customer").get(pk=complaint.pk)
    _check_complaint(actor, complaint)
    _link(actor, sheet, complaint)
    return sheet


@transaction.atomic
def sheet_assign(*, actor, sheet: QualitySheet, investigator, due_date=None) -> QualitySheet:
    """Name the investigator (the quality group leader); a draft starts its investigation."""
    sheet = _locked(sheet)
    require(rules.is_leader(sheet, actor))
    if not investigators().filter(pk=investigator.pk).exists():
        raise ValidationError(
            _("%(name)s cannot investigate quality sheets."), params={"name": investigator}, code="investigator"
        )
    if sheet.state not in (QualitySheet.State.DRAFT, QualitySheet.State.INVESTIGATING):
        raise ValidationError(_("The investigator can only change before the analysis is submitted."), code="state")
    check_investigation_due(due_date, current=sheet.investigation_due)
    before = snapshot(sheet, ["investigator", "investigation_due"])
    sheet.investigator, sheet.investigation_due = investigator, due_date
    changes = field_changes(sheet, before)
    if sheet.state == QualitySheet.State.DRAFT:
        _move(actor, sheet, "assign")
    elif not changes:
        return sheet
    else:
        sheet.save()
    _event(sheet, actor, SheetEvent.Action.ASSIGNED, changes=changes)
    notify("sheet_assigned", sheet.pk)
    return sheet


def check_investigation_due(due_date, *, current=None) -> None:
    """Refuse an investigation due date in the past (an unchanged old one may stay)."""
    if due_date is not None and due_date != current and due_date < timezone.localdate():
        raise ValidationError(
            _("The investigation due date %(date)s is in the past; give today or a later day."),
            params={"date": f"{due_date:%Y-%m-%d}"},
            code="due_date",
        )


@transaction.atomic
def sheet_record_analysis(*, actor, sheet: QualitySheet, **data) -> QualitySheet:
    """Record the root cause, five whys, fishbone notes, containment, scope and proposed disposal."""
    sheet = _locked(sheet)
    require(rules.is_investigator(sheet, actor))
    if sheet.state != QualitySheet.State.INVESTIGATING:
        raise ValidationError(_("The analysis can only change while the sheet is being investigated."), code="state")
    whys = data.get("five_whys")
    if whys is not None:
        data["five_whys"] = [w.strip() for w in whys if w and w.strip()][:5]
    before = snapshot(sheet, [f for f in ANALYSIS_FIELDS if f in data])
    for field in before:
        setattr(sheet, field, data[field])
    changes = field_changes(sheet, before)
    if not changes:
        return sheet
    sheet.full_clean(exclude=["state", "complaints"])
    sheet.save()
    _event(sheet, actor, SheetEvent.Action.ANALYSIS, changes=changes)
    return sheet


@transaction.atomic
def sheet_submit_analysis(*, actor, sheet: QualitySheet, note: str = "") -> QualitySheet:
    sheet = _locked(sheet)
    if (
        sheet.state == QualitySheet.State.INVESTIGATING
        and rules.is_investigator(sheet, actor)
        and not rules.analysis_complete(sheet)
    ):
        raise ValidationError(
            _("Record the root-cause category, the root cause and the proposed disposal first."), code="analysis"
        )
    sheet = _move(actor, sheet, "submit_analysis", note)
    notify("sheet_for_review", sheet.pk)
    return sheet


@transaction.atomic
def sheet_review(*, actor, sheet: QualitySheet, note: str = "") -> QualitySheet:
    """The leader's review (审核) passes the analysis on for approval."""
    sheet = _locked(sheet)
    sheet.reviewed_by = actor
    sheet = _move(actor, sheet, "review", note)
    notify("sheet_for_approval", sheet.pk)
    return sheet


@transaction.atomic
def sheet_send_back(*, actor, sheet: QualitySheet, reason: str) -> QualitySheet:
    """Send the analysis back to the investigator from review or from approval, with the reason."""
    require_text(reason, _("Say why the sheet goes back."))
    sheet = _locked(sheet)
    name = "send_back_from_approval" if sheet.state == QualitySheet.State.AWAITING_APPROVAL else "send_back_from_review"
    sheet = _move(actor, sheet, name, reason)
    notify("sheet_sent_back", sheet.pk, reason=reason)
    return sheet


@transaction.atomic
def sheet_sign_approval(*, actor, sheet: QualitySheet, note: str = "") -> QualitySheet:
    """Sign the approval (批准): the deputy leader, and for a major problem the general manager too.

    The last signature needed releases the linked complaints to rectification.
    """
    sheet = _locked(sheet)
    if sheet.state != QualitySheet.State.AWAITING_APPROVAL:
        raise ValidationError(
            _("Sheet %(number)s is not awaiting approval."), params={"number": sheet.number}, code="state"
        )
    now = timezone.now()
    if actor.has_perm("quality.approve_qualitysheet") and sheet.approved_at is None:
        sheet.approved_by, sheet.approved_at = actor, now
        role = _("quality deputy leader")
    elif sheet.is_major and actor.has_perm("quality.approve_major_qualitysheet") and sheet.gm_approved_at is None:
        if sheet.approved_by_id == actor.pk:
            # Two signatures mean two people, even when one holds both roles.
            raise ValidationError(_("The same person cannot give both signatures."), code="same_signer")
        sheet.gm_approved_by, sheet.gm_approved_at = actor, now
        role = _("general manager")
    elif rules.can_sign(sheet, actor):
        raise ValidationError(_("This approval has already been signed."), code="signed")
    else:
        raise PermissionDenied
    sheet.save()
    _event(sheet, actor, SheetEvent.Action.APPROVAL, f"{role} {note}".strip())
    if sheet.approvals_complete():
        for link in sheet.complaint_links.select_related("complaint"):
            complaint = link.complaint
            # A linked complaint re-classed as customer-caused, or closed or cancelled meanwhile,
            # waits for nothing; stamping it would fail and block the sheet's approval.
            if complaint.responsibility == Complaint.Responsibility.COMPANY and complaint.is_open:
                complaint_quality_approved(actor=actor, complaint=complaint, sheet_number=sheet.number)
        notify("sheet_approved", sheet.pk)
    return sheet


@transaction.atomic
def sheet_distribute(*, actor, sheet: QualitySheet, tasks: list[dict]) -> QualitySheet:
    """Distribute the approved sheet: one task per responsible department (the quality clerk)."""
    sheet = _locked(sheet)
    check_step(sheet, "distribute", actor)
    _require_approvals(sheet)
    if not tasks:
        raise ValidationError(_("Name at least one responsible department."), code="tasks")
    today = timezone.localdate()
    rows = []
    for data in tasks:
        task = DepartmentTask(sheet=sheet, **data)
        task.full_clean(exclude=["sheet"])
        if task.due_date < today:
            raise ValidationError(
                _("The due date of %(department)s is in the past."),
                params={"department": task.department},
                code="due_date",
            )
        rows.append(task)
    _check_task_owners(rows)
    sheet.distributed_by = actor
    sheet = _move(actor, sheet, "distribute")
    for task in rows:
        task.save()
        _event(sheet, actor, SheetEvent.Action.TASK, f"{task.department} · {task.owner} · {task.due_date}")
    notify("sheet_distributed", sheet.pk)
    return sheet


def _check_task_owners(tasks: list[DepartmentTask]) -> None:
    """Refuse an owner who is not active staff of the task's department with a role that sees sheets."""
    eligible = set(task_owners().filter(pk__in=[t.owner_id for t in tasks]).values_list("pk", "department"))
    for task in tasks:
        if (task.owner_id, task.department.strip()) not in eligible:
            raise ValidationError(
                _(
                    "%(name)s cannot own the task of %(department)s: choose active staff of that department "
                    "whose role can open quality sheets."
                ),
                params={"name": task.owner, "department": task.department},
                code="owner",
            )


def _require_approvals(sheet: QualitySheet) -> None:
    if sheet.approved_at is None:
        raise ValidationError(_("The quality deputy leader has not signed the approval yet."), code="approvals")
    if not sheet.approvals_complete():
        raise ValidationError(
            _("A major problem also needs the general manager's signature before distribution."), code="approvals"
        )


def _locked_task(task: DepartmentTask) -> tuple[DepartmentTask, QualitySheet]:
    sheet = QualitySheet.objects.select_for_update(of=("self",)).get(pk=task.sheet_id)
    return DepartmentTask.objects.select_for_update().get(pk=task.pk), sheet


@transaction.atomic
def task_acknowledge(*, actor, task: DepartmentTask) -> DepartmentTask:
    """The department signs for its task; the first signature starts the sheet's work."""
    task, sheet = _locked_task(task)
    # The clerk who handed the sheet over may record the receipt; the leader may act for any department.
    require(task.owner_id == actor.pk or rules.is_clerk(sheet, actor) or rules.is_leader(sheet, actor))
    if sheet.state not in (QualitySheet.State.DISTRIBUTED, QualitySheet.State.IN_PROGRESS):
        raise ValidationError(_("The sheet is not in progress."), code="state")
    if task.acknowledged_at is None:
        task.acknowledged_at = timezone.now()
        task.save(update_fields=["acknowledged_at"])
        _event(
            sheet,
            actor,
            SheetEvent.Action.TASK,
            _("%(department)s received the task") % {"department": task.department},
        )
    if sheet.state == QualitySheet.State.DISTRIBUTED:
        _move(actor, sheet, "start_work", check_permission=False)
    return task


@transaction.atomic
def task_complete(*, actor, task: DepartmentTask, note: str) -> DepartmentTask:
    task, sheet = _locked_task(task)
    require(task.owner_id == actor.pk or rules.is_leader(sheet, actor))
    require_text(note, _("Say what the department did."))
    if task.done_at is not None:
        raise ValidationError(_("This task is already done."), code="done")
    if sheet.state not in (QualitySheet.State.DISTRIBUTED, QualitySheet.State.IN_PROGRESS):
        raise ValidationError(_("The sheet is not in progress."), code="state")
    if task.acknowledged_at is None:
        task.acknowledged_at = timezone.now()
    task.done_at, task.done_note = timezone.now(), note
    task.save()
    _event(
        sheet,
        actor,
        SheetEvent.Action.TASK,
        _("%(department)s done: %(note)s") % {"department": task.department, "note": note},
    )
    if sheet.state == QualitySheet.State.DISTRIBUTED:
        _move(actor, sheet, "start_work", check_permission=False)
    return task


@transaction.atomic
def assessment_record(*, actor, sheet: QualitySheet, **data) -> Assessment:
    """Record the responsibility assessment (考核) under the reward-and-penalty rules."""
    sheet = _locked(sheet)
    require(rules.is_leader(sheet, actor))
    if sheet.state not in (
        QualitySheet.State.AWAITING_APPROVAL,
        QualitySheet.State.DISTRIBUTED,
        QualitySheet.State.IN_PROGRESS,
    ):
        raise ValidationError(_("The assessment is recorded once the analysis is reviewed."), code="state")
    if not data.get("person") and not (data.get("person_name") or "").strip() and not data.get("department"):
        raise ValidationError(_("Name the responsible department or person."), code="responsible")
    assessment = Assessment(sheet=sheet, recorded_by=actor, **data)
    assessment.full_clean()
    assessment.save()
    _event(
        sheet,
        actor,
        SheetEvent.Action.ASSESSMENT,
        f"{assessment.department} {assessment.person or assessment.person_name} "
        f"{assessment.value} {assessment.get_kind_display()}",
    )
    return assessment


@transaction.atomic
def sheet_close(*, actor, sheet: QualitySheet, outcome: str) -> QualitySheet:
    """Close the sheet once every task is done and every action is verified effective."""
    require_text(outcome, _("Write the outcome the sales department will tell the customer."))
    sheet = _locked(sheet)
    if not rules.is_leader(sheet, actor):
        raise PermissionDenied
    blockers = sheet.blockers()
    if blockers and sheet.state in (QualitySheet.State.DISTRIBUTED, QualitySheet.State.IN_PROGRESS):
        raise ValidationError(
            _("The sheet cannot close yet: %(reasons)s."), params={"reasons": "; ".join(blockers)}, code="blockers"
        )
    sheet.outcome = outcome
    sheet = _move(actor, sheet, "close", outcome)
    notify("sheet_closed", sheet.pk)
    return sheet


@transaction.atomic
def sheet_customer_informed(*, actor, sheet: QualitySheet, note: str) -> QualitySheet:
    """Record that the sales department told the customer the outcome (and log the call)."""
    require(actor.has_perm("quality.raise_qualitysheet"))
    require_text(note, _("Say how and when the customer was told."))
    sheet = _locked(sheet)
    if sheet.state != QualitySheet.State.CLOSED:
        raise ValidationError(_("The customer is told the outcome once the sheet is closed."), code="state")
    if sheet.customer_informed_at is not None:
        raise ValidationError(_("The customer has already been told."), code="informed")
    sheet.customer_informed_at = timezone.now()
    sheet.save(update_fields=["customer_informed_at", "updated_at"])
    _event(sheet, actor, SheetEvent.Action.OUTCOME, note)
    if sheet.customer_id:
        Interaction.objects.create(
            customer=sheet.customer,
            kind=Interaction.Kind.CALL,
            direction=Interaction.Direction.OUTBOUND,
            occurred_at=sheet.customer_informed_at,
            summary=f"{sheet.number}: {sheet.outcome}",
            response=note,
            handled_by=actor,
        )
    return sheet


@transaction.atomic
def sheet_attach(*, actor, sheet: QualitySheet, upload) -> SheetFile:
    require(actor.has_perm("quality.add_sheetfile") or sheet.investigator_id == actor.pk)
    content_type = check_upload(upload)
    sheet = _locked(sheet)
    item = SheetFile(
        sheet=sheet, original_name=upload.name[:200], content_type=content_type, size=upload.size, uploaded_by=actor
    )
    item.file.save(upload.name, upload, save=False)
    item.save()
    _event(sheet, actor, SheetEvent.Action.FILE, item.original_name)
    return item


def sheet_actions(sheet: QualitySheet, user) -> set[str]:
    """Return the steps ``user`` may take on ``sheet`` now (for pages)."""
    actions = {name for name in ("submit_analysis", "review", "distribute", "close") if may(sheet, name, user)}
    if may(sheet, "send_back_from_review", user) or may(sheet, "send_back_from_approval", user):
        actions.add("send_back")
    if sheet.state in (QualitySheet.State.DRAFT, QualitySheet.State.INVESTIGATING) and rules.is_leader(sheet, user):
        actions.add("assign")
    if sheet.state == QualitySheet.State.INVESTIGATING and rules.is_investigator(sheet, user):
        actions.add("analysis")
    if sheet.state == QualitySheet.State.AWAITING_APPROVAL and (
        (user.has_perm("quality.approve_qualitysheet") and sheet.approved_at is None)
        or (sheet.is_major and user.has_perm("quality.approve_major_qualitysheet") and sheet.gm_approved_at is None)
    ):
        actions.add("sign")
    if sheet.state in (
        QualitySheet.State.AWAITING_APPROVAL,
        QualitySheet.State.DISTRIBUTED,
        QualitySheet.State.IN_PROGRESS,
    ) and rules.is_leader(sheet, user):
        actions.add("assess")
    if sheet.is_open and (user.has_perm("quality.add_capaaction")):
        actions.add("capa")
    if sheet.is_open and (user.has_perm("quality.add_sheetfile") or sheet.investigator_id == user.pk):
        actions.add("attach")
    if sheet.is_open and user.has_perm("quality.raise_qualitysheet"):
        actions.add("link")
    if (
        sheet.state == QualitySheet.State.CLOSED
        and sheet.customer_informed_at is None
        and user.has_perm("quality.raise_qualitysheet")
    ):
        actions.add("inform")
    return actions
