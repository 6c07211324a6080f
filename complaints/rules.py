"""Who may move a complaint, and when: the callables django-fsm checks.

django-fsm never checks permissions by itself; services call ``has_transition_perm``
with these. Each takes the complaint (and the user) and reads only that row.
"""


def can_see(complaint, user) -> bool:
    if user.has_perm("complaints.view_all_complaints"):
        return True
    return user.has_perm("complaints.view_complaint") and complaint.customer.salesperson_id == user.pk


def can_handle(complaint, user) -> bool:
    """After-sales staff handle a complaint: its assignee, anyone while unassigned, or a manager."""
    if not user.has_perm("complaints.handle_complaint"):
        return False
    if complaint.assignee_id in (None, user.pk):
        return True
    return user.has_perm("complaints.approve_complaint")


def can_sign_approval(complaint, user) -> bool:
    if complaint.responsibility == complaint.Responsibility.COMPANY:
        # The quality information sheet's approval is the signature; the quality
        # chain records it and moves the complaint on.
        return complaint.quality_approved_at is not None
    return user.has_perm("complaints.approve_complaint") or (
        complaint.needs_gm_approval and user.has_perm("complaints.approve_major_complaint")
    )


def can_send_back(complaint, user) -> bool:
    return user.has_perm("complaints.approve_complaint") or (
        complaint.needs_gm_approval and user.has_perm("complaints.approve_major_complaint")
    )


def can_close(complaint, user) -> bool:
    """Sales close their customers' complaints; after-sales staff only those they may handle."""
    if not (user.has_perm("complaints.close_complaint") and can_see(complaint, user)):
        return False
    return not user.has_perm("complaints.handle_complaint") or can_handle(complaint, user)


def can_cancel(complaint, user) -> bool:
    return user.has_perm("complaints.cancel_complaint")


def can_reopen(complaint, user) -> bool:
    return (user.has_perm("complaints.handle_complaint") or user.has_perm("complaints.close_complaint")) and can_see(
        complaint, user
    )


def analysis_complete(complaint) -> bool:
    return (
        complaint.responsibility != complaint.Responsibility.UNDETERMINED
        and bool(complaint.disposal)
        and bool(complaint.responsibility_reason.strip())
    )


def approvals_complete(complaint) -> bool:
    return complaint.approvals_complete()


def acceptance_recorded(complaint) -> bool:
    return bool(complaint.acceptance_name.strip() and complaint.acceptance_date and complaint.reply_to_customer.strip())
