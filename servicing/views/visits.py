"""Service visits (现场实施维护记录表): list, dispatch, record, internal acceptance, print."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from customers.models import Customer

from .. import selectors, visit_sections
from ..forms import VisitDispatchForm, VisitRecordForm
from ..models import ServiceVisit
from ..services import visit_accept_internal, visit_save
from . import add_service_errors, list_context
from .plans import visit_waiting

view_required = permission_required("servicing.view_servicevisit", raise_exception=True)


@login_required
@view_required
def visit_list(request):
    visit_filter, rows = selectors.visit_list(user=request.user, params=request.GET)
    context = list_context(request, visit_filter, rows, selectors.LIST_PAGE_SIZE)
    template = "servicing/_visit_table.html" if request.htmx else "servicing/visit_list.html"
    return render(request, template, context)


def _dispatch_initial(request) -> dict:
    """Prefill the dispatch form from ?complaint=<number> or ?customer=<pk>; an unseen one is a 404."""
    number = request.GET.get("complaint", "").strip()
    if number:
        complaint = selectors.complaint_get(user=request.user, number=number.upper())
        customer = complaint.customer
        return {"customer": customer.pk, "complaint_number": complaint.number, "place": customer.address}
    customer_pk = request.GET.get("customer", "")
    if customer_pk.isdigit():
        customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_pk)
        return {"customer": customer.pk, "place": customer.address}
    return {}


@login_required
@permission_required("servicing.add_servicevisit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def visit_create(request):
    if request.GET.get("purpose") == ServiceVisit.Purpose.COMMISSIONING:
        # A commissioning visit is dispatched for a delivered unit, with its checklist.
        return redirect(f"{reverse('servicing:commissioning_dispatch')}?{request.GET.urlencode()}")
    initial = _dispatch_initial(request) if request.method == "GET" else {}
    form = VisitDispatchForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            visit = visit_save(actor=request.user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Engineer %(engineer)s dispatched.") % {"engineer": visit.engineer})
            return redirect(visit)
    return render(request, "servicing/visit_form.html", {"form": form})


@login_required
@view_required
@require_http_methods(["GET", "POST"])
def visit_detail(request, pk):
    """Show the visit; holders of change_servicevisit record what was done until it is archived."""
    visit = selectors.visit_get(user=request.user, pk=pk)
    can_record = request.user.has_perm("servicing.change_servicevisit")
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    form = None
    status = 200
    if can_record and not visit.is_archived:
        # The form gets a copy: a rejected input must not show up in the read-only part of the page.
        form = VisitRecordForm(request.POST or None, instance=copy.copy(visit))
    if request.method == "POST":
        if form is None:
            messages.error(request, _("An accepted visit record is archived and cannot change."))
            status = 409
        elif form.is_valid():
            try:
                visit_save(actor=request.user, visit=visit, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Visit record saved."))
                return redirect(visit)
    context = {
        "visit": visit,
        "form": form,
        "can_edit": can_record and not visit.is_archived,
        "can_accept": request.user.has_perm("servicing.accept_servicevisit") and not visit.is_archived,
        "findings": selectors.visit_findings(user=request.user, visit=visit),
        "can_record_finding": bool(visit.plan_id) and request.user.has_perm("servicing.add_finding"),
        "waiting_lines": visit_waiting(visit),
        "commissioning": selectors.commissioning_for_visit(user=request.user, visit=visit),
        "sections": visit_sections.sections_for(request, visit),
    }
    return render(request, "servicing/visit_detail.html", context, status=status)


@login_required
@view_required
@permission_required("servicing.change_servicevisit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def visit_edit(request, pk):
    """Change the dispatch (engineer, place, planned times) of a visit not yet archived."""
    visit = selectors.visit_get(user=request.user, pk=pk)
    if visit.is_archived:
        messages.error(request, _("An accepted visit record is archived and cannot change."))
        return redirect(visit)
    form = VisitDispatchForm(request.POST or None, instance=copy.copy(visit), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            visit_save(actor=request.user, visit=visit, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Visit record saved."))
            return redirect(visit)
    return render(request, "servicing/visit_form.html", {"form": form, "visit": visit})


@login_required
@view_required
@permission_required("servicing.accept_servicevisit", raise_exception=True)
@require_POST
def visit_accept(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    try:
        visit_accept_internal(actor=request.user, visit=visit)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Visit accepted and archived."))
    return redirect(visit)


@login_required
@view_required
def visit_print(request, pk):
    """Render the visit as the paper form, for the browser to print on A4."""
    visit = selectors.visit_get(user=request.user, pk=pk)
    context = {
        "visit": visit,
        "kinds": ServiceVisit.Kind.choices,
        "results": [choice for choice in ServiceVisit.Result.choices if choice[0] != ServiceVisit.Result.PENDING],
        "sections": visit_sections.print_sections_for(request, visit),
    }
    return render(request, "servicing/visit_print.html", context)
