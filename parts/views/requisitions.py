"""Requisitions (配件领用申请表): lists, the draft form with a part lookup, the steps, print."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.keyset import query_without_page
from complaints import selectors as complaint_selectors
from servicing.selectors import visits_visible_to

from ..forms.requisitions import RequisitionForm, line_formset
from ..models import Requisition
from ..selectors import requisitions as selectors
from ..services import requisitions as services
from . import requisition_steps as steps

view_required = permission_required("parts.view_requisition", raise_exception=True)


@login_required
@view_required
def requisition_list(request):
    which = request.GET.get("list", "")
    if which not in selectors.LISTS:
        which = _first_list(request.user)
    page = selectors.requisition_page(user=request.user, which=which, params=request.GET)
    context = {"page": page, "which": which, "query": query_without_page(request)}
    template = "parts/requisitions/_table.html" if request.htmx else "parts/requisitions/list.html"
    return render(request, template, context)


def _first_list(user) -> str:
    """Open on the queue the user works from: approvals for the manager, issues for a keeper."""
    if user.has_perm("parts.approve_requisition"):
        return "to_approve"
    if user.has_perm("parts.move_stock") and not user.has_perm("parts.add_requisition"):
        return "to_issue"
    return "mine"


def _purpose(request) -> dict | None:
    """Read what the requisition is for from ?complaint=<number>, ?visit=<pk> or ?restock=1."""
    number = request.GET.get("complaint", "").strip().upper()
    if number:
        complaint = complaint_selectors.complaint_get(user=request.user, number=number)
        return {"purpose": Requisition.Purpose.COMPLAINT, "complaint": complaint}
    visit_pk = request.GET.get("visit", "")
    if visit_pk.isdigit():
        visit = get_object_or_404(visits_visible_to(request.user).select_related("customer"), pk=visit_pk)
        return {"purpose": Requisition.Purpose.VISIT, "visit": visit}
    if request.GET.get("restock"):
        return {"purpose": Requisition.Purpose.RESTOCK}
    return None


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
@permission_required("parts.add_requisition", raise_exception=True)
@require_http_methods(["GET", "POST"])
def requisition_create(request):
    target = _purpose(request)
    if target is None:
        # A requisition starts from its complaint or visit page, or as a van's restock.
        messages.info(request, _("Start a requisition from its complaint or visit, or choose “Restock a van”."))
        return redirect("parts:requisition_list")
    restock = target["purpose"] == Requisition.Purpose.RESTOCK
    form = RequisitionForm(request.POST or None, restock=restock)
    lines = line_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            requisition = services.requisition_create(
                actor=request.user, lines=lines.lines(), **target, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Requisition %(number)s saved as a draft.") % {"number": requisition.number})
            return redirect(requisition)
    context = {"form": form, "lines": lines, **target}
    return render(request, "parts/requisitions/form.html", context)


@login_required
@view_required
@permission_required("parts.add_requisition", raise_exception=True)
@require_http_methods(["GET", "POST"])
def requisition_edit(request, pk):
    requisition = selectors.requisition_get(user=request.user, pk=pk)
    if requisition.state != Requisition.State.DRAFT or requisition.requester_id != request.user.pk:
        messages.error(request, _("Only a draft requisition can change."))
        return redirect(requisition)
    initial = {"reason": requisition.reason, "notes": requisition.notes}
    form = RequisitionForm(request.POST or None, initial=initial)
    lines = line_formset(request.POST or None, requisition)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            services.requisition_update(
                actor=request.user, requisition=requisition, lines=lines.lines(), **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Requisition %(number)s saved.") % {"number": requisition.number})
            return redirect(requisition)
    context = {"form": form, "lines": lines, "requisition": requisition, **_target_of(requisition)}
    return render(request, "parts/requisitions/form.html", context)


def _target_of(requisition) -> dict:
    return {"purpose": requisition.purpose, "complaint": requisition.complaint, "visit": requisition.visit}


@login_required
@view_required
def requisition_detail(request, pk):
    requisition = selectors.requisition_get(user=request.user, pk=pk)
    return steps.render_detail(request, requisition)


@login_required
@view_required
@require_POST
def requisition_step(request, pk, step):
    if step not in steps.STEPS:
        raise Http404
    requisition = selectors.requisition_get(user=request.user, pk=pk)
    return steps.run_step(request, requisition, step)


@login_required
@view_required
def requisition_print(request, pk):
    """Render the requisition as the paper form (配件领用申请表), for the browser to print on A4."""
    requisition = selectors.requisition_get(user=request.user, pk=pk)
    context = {"requisition": requisition, "lines": selectors.requisition_lines(requisition)}
    context["events"] = selectors.requisition_events(requisition)
    return render(request, "parts/requisitions/print.html", context)


@login_required
@permission_required("parts.view_part", raise_exception=True)
def part_lookup(request):
    """The htmx part search of the requisition form: parts with their free stock per warehouse."""
    found = selectors.part_lookup(request.GET.get("q", ""))
    return render(request, "parts/requisitions/_lookup.html", {"found": found, "q": request.GET.get("q", "")})


urlpatterns = [
    path("requisitions/", requisition_list, name="requisition_list"),
    path("requisitions/new/", requisition_create, name="requisition_create"),
    path("requisitions/<int:pk>/", requisition_detail, name="requisition_detail"),
    path("requisitions/<int:pk>/edit/", requisition_edit, name="requisition_edit"),
    path("requisitions/<int:pk>/print/", requisition_print, name="requisition_print"),
    path("requisitions/<int:pk>/<slug:step>/", requisition_step, name="requisition_step"),
    path("lookup/parts/", part_lookup, name="part_lookup"),
]
