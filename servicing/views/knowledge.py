"""The knowledge base: closed cases summarised for the next similar problem."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaints import rules
from complaints.models import Complaint

from .. import selectors
from ..forms import CaseSummaryForm
from ..models import CaseSummary
from ..services import case_summary_save
from . import add_service_errors, list_context

view_required = permission_required("servicing.view_casesummary", raise_exception=True)


@login_required
@view_required
def case_list(request):
    case_filter, rows = selectors.case_list(user=request.user, params=request.GET)
    context = list_context(request, case_filter, rows, selectors.LIST_PAGE_SIZE)
    template = "servicing/_case_table.html" if request.htmx else "servicing/case_list.html"
    return render(request, template, context)


@login_required
@view_required
def case_detail(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    context = {
        "case": case,
        "can_edit": request.user.has_perm("servicing.change_casesummary"),
        "can_see_complaint": rules.can_see(case.complaint, request.user),
    }
    return render(request, "servicing/case_detail.html", context)


def _case_form_page(request, complaint: Complaint, case: CaseSummary):
    form = CaseSummaryForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_summary_save(actor=request.user, complaint=complaint, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Case summary saved to the knowledge base."))
            return redirect("servicing:case_detail", pk=case.pk)
    return render(request, "servicing/case_form.html", {"form": form, "case": case, "complaint": complaint})


@login_required
@view_required
@permission_required("servicing.change_casesummary", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = selectors.case_get(user=request.user, pk=pk)
    return _case_form_page(request, case.complaint, case)


@login_required
@permission_required("servicing.add_casesummary", raise_exception=True)
@require_http_methods(["GET", "POST"])
def case_summary_for_complaint(request, number):
    """Write the knowledge-base entry of a closed complaint, or revise the one it has."""
    complaint = selectors.complaint_get(user=request.user, number=number)
    case = CaseSummary.objects.filter(complaint=complaint).first()
    if case is not None and not request.user.has_perm("servicing.change_casesummary"):
        raise PermissionDenied
    if case is None:
        if complaint.state != Complaint.State.CLOSED:
            messages.error(request, _("A case is summarised once its complaint is closed."))
            return redirect(complaint)
        case = CaseSummary(
            complaint=complaint,
            product_model=complaint.product_model,
            category=complaint.category,
            problem=complaint.description,
            cause=complaint.responsibility_reason,
            solution=complaint.reply_to_customer or complaint.disposal_plan,
        )
    return _case_form_page(request, complaint, case)
