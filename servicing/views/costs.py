"""The actual cost of each claim: record it on a complaint, list and total it by month, export it."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aftersales.xlsx import Sheet, xlsx_response
from customers.selectors import paginate

from .. import selectors
from ..forms import ClaimCostForm, CostFilterForm
from ..models import ClaimCost
from ..services import claim_cost_save
from . import add_service_errors

view_required = permission_required("servicing.view_claimcost", raise_exception=True)
PAGE_SIZE = 50


def _filtered(request):
    form = CostFilterForm(request.GET or None)
    month = form.cleaned_data["month"] if form.is_valid() else None
    return form, selectors.cost_list(user=request.user, month=month)


@login_required
@view_required
def cost_list(request):
    form, rows = _filtered(request)
    context = {
        "filter_form": form,
        "page": paginate(rows, request.GET, PAGE_SIZE),
        "totals": selectors.cost_totals(rows),
        "query": request.GET.urlencode(),
    }
    return render(request, "servicing/cost_list.html", context)


@login_required
@view_required
@require_http_methods(["GET", "POST"])
def cost_edit(request, number):
    complaint = selectors.complaint_get(user=request.user, number=number)
    cost = ClaimCost.objects.filter(complaint=complaint).first()
    if not request.user.has_perm("servicing.change_claimcost" if cost else "servicing.add_claimcost"):
        raise PermissionDenied
    if not complaint.is_open and not request.user.has_perm("servicing.change_closed_claimcost"):
        raise PermissionDenied
    form = ClaimCostForm(request.POST or None, instance=copy.copy(cost) if cost else None)
    if request.method == "POST" and form.is_valid():
        try:
            claim_cost_save(actor=request.user, complaint=complaint, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Claim cost saved."))
            return redirect(complaint)
    return render(request, "servicing/cost_form.html", {"form": form, "complaint": complaint, "cost": cost})


def _field(name: str):
    return capfirst(ClaimCost._meta.get_field(name).verbose_name)


EXPORT_COLUMNS = [
    (gettext_lazy("Complaint number"), lambda c: c.complaint.number),
    (gettext_lazy("Received"), lambda c: timezone.localtime(c.complaint.received_at).date()),
    (gettext_lazy("Customer"), lambda c: c.complaint.customer.name),
    (gettext_lazy("Warranty"), lambda c: c.complaint.get_warranty_status_display()),
    (_field("parts"), lambda c: c.parts),
    (_field("labour_hours"), lambda c: c.labour_hours),
    (_field("hourly_rate"), lambda c: c.hourly_rate),
    (_field("labour"), lambda c: c.labour),
    (_field("travel"), lambda c: c.travel),
    (_field("other"), lambda c: c.other),
    (_field("total"), lambda c: c.total),
    (_field("notes"), lambda c: c.notes),
]


def costs_sheet(rows) -> Sheet:
    return Sheet(
        title=ClaimCost._meta.verbose_name_plural,
        headers=[str(label) for label, _value in EXPORT_COLUMNS],
        rows=([value(cost) for _label, value in EXPORT_COLUMNS] for cost in rows),
    )


@login_required
@view_required
@permission_required("servicing.export_claimcost", raise_exception=True)
def cost_export(request):
    """Send the claim costs of the chosen month as xlsx, read in chunks."""
    _form, rows = _filtered(request)
    return xlsx_response(
        f"claim-costs-{timezone.localdate():%Y%m%d}.xlsx", [costs_sheet(rows.iterator(chunk_size=500))]
    )
