"""The returns list (退货清单, record KYJL/XS/06): list, create, edit and the xlsx export."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from aftersales.xlsx import Sheet, write_workbook, xlsx_response
from customers.models import Customer

from .. import selectors
from ..forms import ReturnForm
from ..models import ReturnRecord
from ..services import return_save
from . import add_service_errors, list_context

view_required = permission_required("servicing.view_returnrecord", raise_exception=True)


@login_required
@view_required
def return_list(request):
    return_filter, rows = selectors.return_list(user=request.user, params=request.GET)
    context = list_context(request, return_filter, rows, selectors.LIST_PAGE_SIZE)
    template = "servicing/_return_table.html" if request.htmx else "servicing/return_list.html"
    return render(request, template, context)


def _return_initial(request) -> dict:
    """Prefill a new return from ?complaint=<number> or ?customer=<pk>; an unseen one is a 404."""
    initial = {"requested_on": timezone.localdate()}
    number = request.GET.get("complaint", "").strip()
    if number:
        complaint = selectors.complaint_get(user=request.user, number=number.upper())
        initial.update(
            customer=complaint.customer_id,
            complaint_number=complaint.number,
            product_model=complaint.product_model_id,
            serial_number=complaint.serial_number,
            batch_number=complaint.batch_number,
            reason=complaint.title,
        )
    elif request.GET.get("customer", "").isdigit():
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=request.GET["customer"])
        initial["customer"] = customer.pk
    return initial


def _form_page(request, form, record=None):
    if request.method == "POST" and form.is_valid():
        try:
            record = return_save(actor=request.user, record=record, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Return saved."))
            return redirect("servicing:return_list")
    return render(request, "servicing/return_form.html", {"form": form, "record": record})


@login_required
@permission_required("servicing.add_returnrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
def return_create(request):
    initial = _return_initial(request) if request.method == "GET" else {}
    return _form_page(request, ReturnForm(request.POST or None, initial=initial, user=request.user))


@login_required
@view_required
@permission_required("servicing.change_returnrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
def return_edit(request, pk):
    record = selectors.return_get(user=request.user, pk=pk)
    form = ReturnForm(request.POST or None, instance=copy.copy(record), user=request.user)
    return _form_page(request, form, record)


# --- export ---------------------------------------------------------------------


def _field(name: str):
    """Return the model field's translatable label, so the sheet and the form say the same."""
    return capfirst(ReturnRecord._meta.get_field(name).verbose_name)


EXPORT_COLUMNS = [
    (_field("requested_on"), lambda r: r.requested_on),
    (gettext_lazy("Customer code"), lambda r: r.customer.code),
    (_field("customer"), lambda r: r.customer.name),
    (gettext_lazy("Complaint number"), lambda r: r.complaint.number if r.complaint_id else ""),
    (_field("product_model"), lambda r: r.product_model.code),
    (gettext_lazy("Product name"), lambda r: r.product_model.name),
    (_field("serial_number"), lambda r: r.serial_number),
    (_field("batch_number"), lambda r: r.batch_number),
    (_field("quantity"), lambda r: r.quantity),
    (_field("reason"), lambda r: r.reason),
    (_field("decision"), lambda r: r.get_decision_display()),
    (_field("outcome"), lambda r: r.get_outcome_display()),
    (_field("received_on"), lambda r: r.received_on),
    (_field("closed_on"), lambda r: r.closed_on),
    (_field("notes"), lambda r: r.notes),
    (_field("recorded_by"), lambda r: str(r.recorded_by)),
]


def returns_sheet(rows, **kwargs) -> Sheet:
    """Return the sheet of ``rows`` (an iterator of returns), in the active language."""
    return Sheet(
        title=ReturnRecord._meta.verbose_name_plural,
        headers=[str(label) for label, _value in EXPORT_COLUMNS],
        rows=([value(record) for _label, value in EXPORT_COLUMNS] for record in rows),
        **kwargs,
    )


def write_returns_xlsx(rows, target) -> None:
    """Write ``rows`` (an iterator of returns) to ``target`` as an xlsx sheet, row by row.

    A reason typed as ``=HYPERLINK(...)`` is stored as text, never as a formula.
    """
    write_workbook(target, [returns_sheet(rows)])


@login_required
@view_required
@permission_required("servicing.export_returnrecord", raise_exception=True)
def return_export(request):
    """Send the filtered returns list as xlsx: rows are read in chunks and written to disk."""
    rows = selectors.return_export_rows(user=request.user, params=request.GET)
    return xlsx_response(f"returns-{timezone.localdate():%Y%m%d}.xlsx", [returns_sheet(rows)])
