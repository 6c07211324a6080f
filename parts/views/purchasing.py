"""Purchase plans (采购计划): list, detail, the plan's steps, order, receive and cancel a line; stock alerts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from servicing.views import add_service_errors

from .. import services
from ..forms.purchasing import LineAddForm, OrderForm, ReasonForm, ReceiptForm
from ..models import PurchasePlan, PurchasePlanLine, PurchaseReceipt
from ..selectors import purchasing as selectors
from ..services.purchasing import may_receive

view_required = permission_required("parts.view_purchaseplan", raise_exception=True)
LIST_CAP = 120


@login_required
@view_required
def plan_list(request):
    plans = selectors.plans_visible_to(request.user).order_by("-month", "-id")[:LIST_CAP]
    return render(request, "parts/purchasing/plan_list.html", {"plans": plans})


def _plan_context(request, plan, **forms):
    user = request.user
    lines = list(selectors.lines_visible_to(user).filter(plan=plan).order_by("part__code", "warehouse__code"))
    for line in lines:
        line.may_receive = line.state in ("ordered", "partly_received") and may_receive(user, line)
    approving = plan.state == PurchasePlan.State.SUBMITTED and user.has_perm("parts.approve_purchaseplan")
    receipts = PurchaseReceipt.objects.filter(line__in=[line.pk for line in lines]).select_related(
        "line__part", "line__warehouse", "received_by"
    )
    return {
        "plan": plan,
        "lines": lines,
        "receipts": receipts,
        "events": plan.events.select_related("actor"),
        "may_plan": user.has_perm("parts.change_purchaseplan"),
        "may_order": plan.state == PurchasePlan.State.APPROVED and user.has_perm("parts.change_purchaseplanline"),
        "approving": approving,
        "back_form": forms.get("back_form") or (ReasonForm() if approving else None),
    }


@login_required
@view_required
def plan_detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    return render(request, "parts/purchasing/plan_detail.html", _plan_context(request, plan))


STEPS = {
    "submit": (services.plan_submit, _("The plan is submitted for approval.")),
    "approve": (services.plan_approve, _("The plan is approved.")),
    "close": (services.plan_close, _("The plan is closed.")),
}


@login_required
@view_required
@require_POST
def plan_step(request, pk, step):
    plan = selectors.plan_get(user=request.user, pk=pk)
    if step == "send_back":
        return _send_back(request, plan)
    if step not in STEPS:
        raise PermissionDenied
    service, done = STEPS[step]
    try:
        service(actor=request.user, plan=plan)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(plan)


def _send_back(request, plan):
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.plan_send_back(actor=request.user, plan=plan, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan is sent back to purchasing."))
            return redirect(plan)
    context = _plan_context(request, plan, back_form=form)
    return render(request, "parts/purchasing/plan_detail.html", context, status=400)


@login_required
@permission_required("parts.change_purchaseplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def line_add(request):
    form = LineAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.line_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The line is added to plan %(number)s.") % {"number": line.plan.number})
            return redirect(line.plan)
    return render(request, "parts/purchasing/line_form.html", {"form": form, "title": _("Add a line by hand")})


def _line_page(request, line, form, title, status=200):
    context = {"form": form, "line": line, "plan": line.plan, "title": title}
    return render(request, "parts/purchasing/line_form.html", context, status=status)


@login_required
@view_required
@permission_required("parts.change_purchaseplanline", raise_exception=True)
@require_http_methods(["GET", "POST"])
def line_order(request, pk):
    line = selectors.line_get(user=request.user, pk=pk)
    initial = {"unit_price": line.unit_price}
    form = OrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.line_order(actor=request.user, line=line, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The order of %(part)s is recorded.") % {"part": line.part.code})
            return redirect(line.plan)
    return _line_page(request, line, form, _("Order"), 400 if request.method == "POST" else 200)


@login_required
@view_required
@permission_required("parts.receive_purchase", raise_exception=True)
@require_http_methods(["GET", "POST"])
def line_receive(request, pk):
    line = selectors.line_get(user=request.user, pk=pk)
    if not may_receive(request.user, line):
        raise PermissionDenied
    form = ReceiptForm(
        request.POST or None, initial={"unit_cost": line.unit_price, "quantity_received": line.outstanding}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.receipt_record(actor=request.user, line=line, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The receipt of %(part)s is recorded.") % {"part": line.part.code})
            return redirect(line.plan)
    return _line_page(request, line, form, _("Record a receipt"), 400 if request.method == "POST" else 200)


@login_required
@view_required
@permission_required("parts.change_purchaseplanline", raise_exception=True)
@require_http_methods(["GET", "POST"])
def line_cancel(request, pk):
    line = selectors.line_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.line_cancel(actor=request.user, line=line, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The line is cancelled."))
            return redirect(line.plan)
    return _line_page(request, line, form, _("Cancel the line"), 400 if request.method == "POST" else 200)


@login_required
@permission_required("parts.view_stocklevel", raise_exception=True)
def stock_alerts(request):
    """Levels under their safety or minimum stock, in the warehouses the user may see."""
    levels = list(selectors.alert_levels(request.user)[:LIST_CAP])
    _open_lines(levels)
    return render(request, "parts/purchasing/alerts.html", {"levels": levels})


def _open_lines(levels):
    """Attach the open plan line (if any) to each level: one query."""
    found = {
        (line.part_id, line.warehouse_id): line
        for line in PurchasePlanLine.objects.filter(
            state__in=("open", "ordered", "partly_received"), part_id__in={lv.part_id for lv in levels}
        ).select_related("plan")
    }
    for level in levels:
        level.open_line = found.get((level.part_id, level.warehouse_id))
    return found
