"""Service plans (售后服务计划): list with completion rates, create and edit, detail, pause and end; findings."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.waiting import Directory, Owed
from customers.selectors import paginate

from .. import selectors
from ..forms.plans import FindingForm, PlanEndForm, PlanForm
from ..selectors.plans import _with_rates
from ..services import finding_record, plan_end, plan_pause, plan_resume, plan_save
from . import add_service_errors

view_required = permission_required("servicing.view_serviceplan", raise_exception=True)
change_required = permission_required("servicing.change_serviceplan", raise_exception=True)
PAGE_SIZE = 50


def _with_status(plans) -> None:
    today = timezone.localdate()
    for plan in plans:
        plan.status_label, plan.status_badge = plan.status(today)


@login_required
@view_required
def plan_list(request):
    rows = selectors.plan_list(user=request.user, params=request.GET)
    page = paginate(rows, request.GET, PAGE_SIZE)
    _with_rates(page.object_list)
    _with_status(page.object_list)
    context = {
        "page": page,
        "state": request.GET.get("state", ""),
        "engineers": selectors.engineer_rates(user=request.user),
        "today": timezone.localdate(),
        "on_time_days": selectors.ON_TIME_DAYS,
    }
    return render(request, "servicing/plan_list.html", context)


@login_required
@permission_required("servicing.add_serviceplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_save(actor=request.user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Service plan %(name)s saved.") % {"name": plan.name})
            return redirect(plan)
    return render(request, "servicing/plan_form.html", {"form": form})


@login_required
@view_required
@change_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    form = PlanForm(request.POST or None, instance=copy.copy(plan), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            plan_save(actor=request.user, plan=plan, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Service plan %(name)s saved.") % {"name": plan.name})
            return redirect(plan)
    return render(request, "servicing/plan_form.html", {"form": form, "plan": plan})


@login_required
@view_required
def plan_detail(request, pk):
    plan = selectors.plan_get(user=request.user, pk=pk)
    _with_rates([plan])
    _with_status([plan])
    page = paginate(selectors.plan_visits(user=request.user, plan=plan), request.GET, PAGE_SIZE)
    context = {
        "plan": plan,
        "page": page,
        "now": timezone.now(),
        "today": timezone.localdate(),
        "end_form": PlanEndForm(initial={"end_date": timezone.localdate()}),
        "on_time_days": selectors.ON_TIME_DAYS,
    }
    return render(request, "servicing/plan_detail.html", context)


def _act(request, pk, service, done: str, **data):
    plan = selectors.plan_get(user=request.user, pk=pk)
    try:
        service(actor=request.user, plan=plan, **data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(plan)


@login_required
@view_required
@change_required
@require_POST
def plan_pause_view(request, pk):
    return _act(request, pk, plan_pause, _("Plan paused: no more visits are generated until it is resumed."))


@login_required
@view_required
@change_required
@require_POST
def plan_resume_view(request, pk):
    return _act(request, pk, plan_resume, _("Plan resumed."))


@login_required
@view_required
@change_required
@require_POST
def plan_end_view(request, pk):
    form = PlanEndForm(request.POST)
    if not form.is_valid():
        plan = selectors.plan_get(user=request.user, pk=pk)
        messages.error(request, _("Give a valid end date."))
        return redirect(plan)
    return _act(request, pk, plan_end, _("Plan ended."), end_date=form.cleaned_data["end_date"])


@login_required
@permission_required("servicing.add_finding", raise_exception=True)
@require_http_methods(["GET", "POST"])
def finding_create(request, pk):
    """Record a finding of a plan visit and open a complaint or a quality sheet for it in one step."""
    visit = selectors.visit_get(user=request.user, pk=pk)
    form = FindingForm(request.POST or None, user=request.user)
    if not visit.plan_id:
        messages.error(request, _("Findings are recorded on the visits of a service plan."))
        return redirect(visit)
    if request.method == "POST" and form.is_valid():
        try:
            finding = finding_record(actor=request.user, visit=visit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Finding recorded; %(number)s opened.") % {"number": finding.opened.number})
            return redirect(visit)
    return render(request, "servicing/finding_form.html", {"form": form, "visit": visit})


def visit_waiting(visit) -> list[str]:
    """Say what a planned visit not yet done waits for, and on whom (its engineer)."""
    if not visit.plan_id or visit.actual_end:
        return []
    step = _("carry out the %(purpose)s of %(date)s") % {
        "purpose": visit.get_purpose_display(),
        "date": f"{visit.occurrence:%Y-%m-%d}",
    }
    return [Directory().describe(Owed(step, people=(visit.engineer,)))]
