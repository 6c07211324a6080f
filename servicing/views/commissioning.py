"""Installation and commissioning (安装调试): checklists, dispatch, the report's steps, the print."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from customers.models import Delivery, ProductModel

from .. import selectors
from ..forms.commissioning import (
    ChecklistItemFormSet,
    CommissioningAcceptanceForm,
    CommissioningDispatchForm,
    CommissioningResultsForm,
    checklist_items,
)
from ..models import ChecklistItem, CommissioningReport
from ..services import (
    checklist_save,
    commissioning_accept,
    commissioning_complete,
    commissioning_dispatch,
    commissioning_reopen,
    commissioning_results_save,
)
from . import add_service_errors

view_required = permission_required("servicing.view_commissioningreport", raise_exception=True)
change_required = permission_required("servicing.change_commissioningreport", raise_exception=True)

# --- checklists -----------------------------------------------------------------------


@login_required
@permission_required("servicing.view_commissioningchecklist", raise_exception=True)
def checklist_list(request):
    context = {
        "models": selectors.checklists(),
        "can_edit": request.user.has_perm("servicing.change_commissioningchecklist"),
    }
    return render(request, "servicing/checklist_list.html", context)


@login_required
@permission_required("servicing.change_commissioningchecklist", raise_exception=True)
@require_http_methods(["GET", "POST"])
def checklist_edit(request, model_pk):
    """Write the checklist of a product model: rows in page order, blank rows ignored."""
    product_model = get_object_or_404(ProductModel, pk=model_pk)
    items = ChecklistItem.objects.filter(checklist__product_model=product_model)
    initial = [{name: getattr(item, name) for name in ChecklistItemFormSet.form._meta.fields} for item in items]
    formset = ChecklistItemFormSet(request.POST or None, initial=initial, prefix="items")
    if request.method == "POST" and formset.is_valid():
        try:
            checklist_save(actor=request.user, product_model=product_model, items=checklist_items(formset))
        except ValidationError as error:
            for message in error.messages:
                formset._non_form_errors = formset.error_class([*formset.non_form_errors(), message])
        else:
            messages.success(request, _("Checklist of %(model)s saved.") % {"model": product_model.code})
            return redirect("servicing:checklist_list")
    return render(request, "servicing/checklist_form.html", {"formset": formset, "product_model": product_model})


# --- reports --------------------------------------------------------------------------


@login_required
@view_required
def commissioning_list(request):
    page = selectors.paginate(selectors.commissioning_list(user=request.user), request.GET, selectors.LIST_PAGE_SIZE)
    return render(request, "servicing/commissioning_list.html", {"page": page})


def _delivery_from_request(request, form_data) -> Delivery | None:
    pk = (form_data.get("delivery") or "").strip()
    if pk.isdigit():
        return selectors.delivery_get(user=request.user, pk=int(pk))
    serial = (form_data.get("serial_number") or "").strip().upper()
    if serial:
        rows = selectors.deliveries_visible_to(request.user).filter(serial_number=serial)
        return rows.select_related("customer", "product_model").first()
    return None


@login_required
@permission_required("servicing.dispatch_commissioning", raise_exception=True)
@require_http_methods(["GET", "POST"])
def commissioning_dispatch_view(request):
    """Dispatch a commissioning visit for ?delivery=<pk> (from the deliveries tab) or a typed serial number."""
    source = request.POST if request.method == "POST" else request.GET
    delivery = _delivery_from_request(request, source)
    initial = {"place": delivery.customer.address} if delivery else {}
    form = CommissioningDispatchForm(request.POST or None, initial=initial)
    if request.method == "POST" and delivery is None:
        form.is_valid()
        form.add_error(None, _("Choose the delivered unit by its serial number."))
    elif request.method == "POST" and form.is_valid():
        try:
            visit = commissioning_dispatch(actor=request.user, delivery=delivery, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Engineer %(engineer)s dispatched for the commissioning.") % {"engineer": visit.engineer}
            )
            return redirect(visit)
    serial = (source.get("serial_number") or "").strip()
    return render(
        request, "servicing/commissioning_dispatch.html", {"form": form, "delivery": delivery, "serial": serial}
    )


@login_required
@view_required
@change_required
@require_http_methods(["GET", "POST"])
def commissioning_results(request, pk):
    report = selectors.commissioning_get(user=request.user, pk=pk)
    lines = list(report.lines.all())
    form = CommissioningResultsForm(request.POST or None, lines=lines, initial={"remarks": report.remarks})
    if request.method == "POST" and form.is_valid():
        try:
            commissioning_results_save(
                actor=request.user, report=report, results=form.results(), remarks=form.cleaned_data["remarks"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Commissioning results saved."))
            return redirect(report)
    return render(request, "servicing/commissioning_results.html", {"report": report, "form": form})


def _step(request, pk, service, done_message):
    report = selectors.commissioning_get(user=request.user, pk=pk)
    try:
        service(actor=request.user, report=report)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done_message)
    return redirect(report)


@login_required
@view_required
@change_required
@require_POST
def commissioning_complete_view(request, pk):
    return _step(request, pk, commissioning_complete, _("Report signed; it now waits for the customer's acceptance."))


@login_required
@view_required
@change_required
@require_POST
def commissioning_reopen_view(request, pk):
    return _step(request, pk, commissioning_reopen, _("Report reopened for correction."))


@login_required
@view_required
@permission_required("servicing.accept_commissioningreport", raise_exception=True)
@require_http_methods(["GET", "POST"])
def commissioning_accept_view(request, pk):
    report = selectors.commissioning_get(user=request.user, pk=pk)
    form = CommissioningAcceptanceForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        try:
            commissioning_accept(
                actor=request.user,
                report=report,
                name=form.cleaned_data["customer_acceptance_name"],
                date=form.cleaned_data["customer_acceptance_date"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The customer's acceptance is recorded."))
            return redirect(report)
    return render(request, "servicing/commissioning_accept.html", {"report": report, "form": form})


@login_required
@view_required
def commissioning_print(request, pk):
    """Render the report as the paper form, for the browser to print on A4."""
    report = selectors.commissioning_get(user=request.user, pk=pk)
    context = {
        "report": report,
        "visit": report.visit,
        "delivery": report.visit.delivery,
        "lines": list(report.lines.all()),
        "company_name": getattr(settings, "COMPANY_NAME", ""),
        "results": [(value, label) for value, label in CommissioningReport.Result.choices if value != "pending"],
    }
    return render(request, "servicing/commissioning_print.html", context)
