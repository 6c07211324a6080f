"""One function per message of the quality chain; templates in templates/emails/quality_*."""

from django.contrib.auth import get_user_model

from aftersales import emails

from .models import CapaAction, DepartmentTask, QualitySheet


def _with_perm(codename: str):
    app_label, name = codename.split(".")
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(groups__permissions__codename=name, groups__permissions__content_type__app_label=app_label)
        .distinct()
    )


def _send(name, recipients, **context):
    return emails.send(name, emails.addresses(recipients), context)


def sheet_raised(sheet: QualitySheet):
    return _send("quality_sheet_raised", _with_perm("quality.lead_qualitysheet"), sheet=sheet)


def sheet_assigned(sheet: QualitySheet):
    return _send("quality_sheet_assigned", [sheet.investigator] if sheet.investigator else [], sheet=sheet)


def sheet_for_review(sheet: QualitySheet):
    return _send("quality_sheet_for_review", _with_perm("quality.lead_qualitysheet"), sheet=sheet)


def sheet_for_approval(sheet: QualitySheet):
    people = list(_with_perm("quality.approve_qualitysheet"))
    if sheet.is_major:
        people += list(_with_perm("quality.approve_major_qualitysheet"))
    return _send("quality_sheet_for_approval", people, sheet=sheet)


def sheet_sent_back(sheet: QualitySheet, reason: str = ""):
    return _send(
        "quality_sheet_sent_back", [sheet.investigator] if sheet.investigator else [], sheet=sheet, reason=reason
    )


def sheet_approved(sheet: QualitySheet):
    return _send(
        "quality_sheet_approved", list(_with_perm("quality.distribute_qualitysheet")) + [sheet.raised_by], sheet=sheet
    )


def sheet_distributed(sheet: QualitySheet):
    tasks = list(sheet.tasks.select_related("owner"))
    return _send("quality_sheet_distributed", [t.owner for t in tasks], sheet=sheet, tasks=tasks)


def sheet_closed(sheet: QualitySheet):
    """Tell the sales department the outcome, so that it can answer the customer."""
    people = [sheet.raised_by]
    if sheet.customer_id and sheet.customer.salesperson:
        people.append(sheet.customer.salesperson)
    # A shared sheet answers complaints of other customers too; their salespeople tell them.
    for link in sheet.complaint_links.select_related("complaint__customer__salesperson"):
        if link.complaint.customer.salesperson:
            people.append(link.complaint.customer.salesperson)
    return _send("quality_sheet_closed", people, sheet=sheet)


def task_overdue(task: DepartmentTask):
    return _send("quality_task_overdue", [task.owner], task=task, sheet=task.sheet)


def capa_assigned(action: CapaAction):
    return _send("quality_capa_assigned", [action.owner], action=action)


def capa_due_soon(action: CapaAction):
    return _send("quality_capa_due_soon", [action.owner], action=action)


def capa_overdue(action: CapaAction):
    return _send("quality_capa_overdue", [action.owner] + list(_with_perm("quality.verify_capaaction")), action=action)


def capa_verification_due(action: CapaAction):
    return _send("quality_capa_verification_due", _with_perm("quality.verify_capaaction"), action=action)


def capa_verified(action: CapaAction):
    return _send("quality_capa_verified", [action.owner], action=action)


def capa_reopened(action: CapaAction):
    return _send("quality_capa_reopened", [action.owner], action=action)


SHEET_MESSAGES = {
    "sheet_raised": sheet_raised,
    "sheet_assigned": sheet_assigned,
    "sheet_for_review": sheet_for_review,
    "sheet_for_approval": sheet_for_approval,
    "sheet_sent_back": sheet_sent_back,
    "sheet_approved": sheet_approved,
    "sheet_distributed": sheet_distributed,
    "sheet_closed": sheet_closed,
}
CAPA_MESSAGES = {
    "capa_assigned": capa_assigned,
    "capa_due_soon": capa_due_soon,
    "capa_overdue": capa_overdue,
    "capa_verification_due": capa_verification_due,
    "capa_verified": capa_verified,
    "capa_reopened": capa_reopened,
}
TASK_MESSAGES = {"task_overdue": task_overdue}


def deliver(kind: str, object_id: int, extra: dict) -> int:
    """Send the outbox's quality notification ``kind`` about a record; return the count sent."""
    if kind in SHEET_MESSAGES:
        sheet = QualitySheet.objects.select_related("customer__salesperson", "investigator", "raised_by").get(
            pk=object_id
        )
        return SHEET_MESSAGES[kind](sheet, **extra)
    if kind in TASK_MESSAGES:
        task = DepartmentTask.objects.select_related("sheet", "owner").get(pk=object_id)
        return TASK_MESSAGES[kind](task, **extra)
    action = CapaAction.objects.select_related("owner", "sheet").get(pk=object_id)
    return CAPA_MESSAGES[kind](action, **extra)
