"""What requisitions add to other apps: complaint and visit panels, the printed visit record, "my work"."""

from complaints.panels import register_panel
from complaints.work import register_work_section
from servicing.visit_sections import register_visit_print_section, register_visit_section


def register() -> None:
    register_panel("parts/requisitions/panel.html", order=45, column="main", context=complaint_parts_context)
    register_visit_section("parts/requisitions/panel.html", visit_parts_context, order=50)
    register_visit_print_section("parts/requisitions/visit_print.html", visit_print_context, order=50)
    register_work_section("parts/requisitions/work.html", work_context, order=55, permission="parts.move_stock")


def _panel(request, **target):
    from .selectors.requisitions import issued_parts, requisitions_for

    if not request.user.has_perm("parts.view_stockmove") and not request.user.has_perm("parts.view_requisition"):
        return False
    data = issued_parts(**target) if request.user.has_perm("parts.view_stockmove") else {"rows": [], "total": 0}
    data["requisitions"] = requisitions_for(request.user, **target)
    data["can_request"] = request.user.has_perm("parts.add_requisition")
    return data


def complaint_parts_context(request, complaint):
    """The parts issued for the complaint (net of returns, with cost) and its requisitions."""
    data = _panel(request, complaint=complaint)
    if data is not False:
        data["new_query"] = f"complaint={complaint.number}"
    return data


def visit_parts_context(request, visit):
    data = _panel(request, visit=visit)
    if data is not False:
        data["new_query"] = f"visit={visit.pk}"
    return data


def visit_print_context(request, visit):
    """The parts issued for the visit (net of returns, with cost), for those who may read the ledger."""
    from .selectors.requisitions import issued_parts

    if not request.user.has_perm("parts.view_stockmove"):
        return False
    return issued_parts(visit=visit)


def work_context(request):
    """Requisitions waiting on this user: to approve, to issue from their warehouses, their own to finish."""
    from .selectors.requisitions import work_mine, work_to_approve, work_to_issue

    user = request.user
    if not user.has_perm("parts.view_requisition"):
        return None
    data = {"to_approve": work_to_approve(user), "to_issue": work_to_issue(user), "mine": work_mine(user)}
    return data if any(data.values()) else None
