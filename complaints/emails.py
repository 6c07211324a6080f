"""One function per message about complaints; templates live in templates/emails/."""

from django.contrib.auth import get_user_model

from aftersales import emails, roles


def _managers():
    return get_user_model().objects.filter(is_active=True, groups__name=roles.AFTERSALES_MANAGER)


def _heads():
    return get_user_model().objects.filter(is_active=True, is_department_head=True)


def _assignee_or_managers(complaint):
    return [complaint.assignee] if complaint.assignee else list(_managers())


def _send(name, complaint, recipients, **extra):
    return emails.send(name, emails.addresses(recipients), {"complaint": complaint, **extra})


def major_received(complaint):
    """Report a major complaint to the department head at once."""
    return _send("complaint_major_received", complaint, list(_heads()))


def assigned(complaint):
    return _send("complaint_assigned", complaint, [complaint.assignee] if complaint.assignee else [])


def response_at_risk(complaint):
    return _send("complaint_response_at_risk", complaint, _assignee_or_managers(complaint))


def response_breached(complaint):
    """Escalate a missed first response to the assignee and the after-sales manager."""
    recipients = list(_managers()) + ([complaint.assignee] if complaint.assignee else [])
    return _send("complaint_response_breached", complaint, recipients)


def resolution_at_risk(complaint):
    return _send("complaint_resolution_at_risk", complaint, _assignee_or_managers(complaint))


def resolution_breached(complaint):
    """Escalate a missed resolution to the department head."""
    return _send("complaint_resolution_breached", complaint, list(_heads()))


def for_approval(complaint):
    """Ask for the signatures a customer-caused disposal needs (the GM's too when major)."""
    if complaint.responsibility == complaint.Responsibility.COMPANY:
        return 0  # a company-caused complaint is approved through its quality sheet
    recipients = list(_managers())
    if complaint.needs_gm_approval:
        recipients += list(get_user_model().objects.filter(is_active=True, groups__name=roles.GENERAL_MANAGER))
    return _send("complaint_for_approval", complaint, recipients)


def quality_sheet_wanted(complaint):
    """Ask the quality group leaders to raise the sheet a company-caused complaint waits for, unless it has one."""
    from .waiting import needs_quality_sheet  # the quality chain answers through its registered resolver

    wanted = needs_quality_sheet(complaint)
    if wanted is None:
        return 0
    leaders = get_user_model().objects.filter(is_active=True, groups__name=wanted.role)
    return _send("complaint_quality_sheet_wanted", complaint, list(leaders))


def sent_back(complaint, reason):
    return _send("complaint_sent_back", complaint, _assignee_or_managers(complaint), reason=reason)


def approved(complaint):
    return _send("complaint_approved", complaint, _assignee_or_managers(complaint))


def reopened(complaint, reason):
    return _send("complaint_reopened", complaint, _assignee_or_managers(complaint) + list(_managers()), reason=reason)


MESSAGES = {
    "major_received": major_received,
    "assigned": assigned,
    "response_at_risk": response_at_risk,
    "response_breached": response_breached,
    "resolution_at_risk": resolution_at_risk,
    "resolution_breached": resolution_breached,
    "for_approval": for_approval,
    "quality_sheet_wanted": quality_sheet_wanted,
    "sent_back": sent_back,
    "approved": approved,
    "reopened": reopened,
}


def deliver(kind: str, complaint_id: int, extra: dict) -> int:
    """Send the outbox's notification ``kind`` about a complaint; return the count sent."""
    from .models import Complaint

    complaint = Complaint.objects.select_related("customer", "assignee").get(pk=complaint_id)
    return MESSAGES[kind](complaint, **extra)
