"""Training pages: the calendar of sessions, a session and its steps, the annual plan, a person's history."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.keyset import paginate, query_without_page

from .. import access
from ..forms_training import AttendeesForm, CancelForm, HoldForm, MaterialForm, PlanForm, PlanItemForm, SessionForm
from ..models import Topic, TrainingEvent, TrainingPlan, TrainingSession
from ..selectors import training as selectors
from ..services import training as services

view_required = permission_required("staff.view_trainingsession", raise_exception=True)
manage_required = permission_required("staff.manage_training", raise_exception=True)


def _year(value):
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@view_required
def session_list(request):
    upcoming = request.GET.get("tab", "upcoming") == "upcoming"
    topic = request.GET.get("topic", "") if request.GET.get("topic", "") in Topic.values else ""
    state = request.GET.get("state", "") if request.GET.get("state", "") in TrainingSession.State.values else ""
    rows = selectors.session_list(
        user=request.user, year=_year(request.GET.get("year")), topic=topic, state=state, upcoming=upcoming
    )
    page = paginate(rows, request.GET)
    context = {
        "page": page,
        "upcoming": upcoming,
        "topics": Topic.choices,
        "states": TrainingSession.State.choices,
        "filters": {"year": request.GET.get("year", ""), "topic": topic, "state": state},
        "query": query_without_page(request),
    }
    return render(request, "staff/training_sessions.html", context)


# Notes anyone may read on the timeline; who was invited or came, and the files, are not everyone's.
PUBLIC_NOTES = {TrainingEvent.Action.SCHEDULED, TrainingEvent.Action.UPDATED, TrainingEvent.Action.CANCELLED}


def _timeline(session, *, can_manage: bool, materials: bool) -> list:
    events = list(session.events.select_related("actor"))
    for event in events:
        shown = (
            can_manage or event.action in PUBLIC_NOTES or (materials and event.action == TrainingEvent.Action.MATERIAL)
        )
        event.shown_note = event.note if shown else ""
    return events


def _render_session(request, session, *, forms=None, status=200):
    attendances, others = selectors.session_attendances(user=request.user, session=session)
    can_manage = selectors.manages(request.user)
    forms = forms or {}
    waiting = []
    if selectors.waiting_on(session):
        waiting = [_("%(who)s to record the session held or cancel it") % {"who": session.created_by}]
    materials = list(session.materials.all()) if selectors.may_read_materials(request.user, session) else None
    context = {
        "session": session,
        "attendances": attendances,
        "others": others,
        "can_manage": can_manage,
        "materials": materials,
        "events": _timeline(session, can_manage=can_manage, materials=materials is not None),
        "waiting": waiting,
        "started": session.starts_at <= timezone.now(),
        "attendees_form": forms.get("attendees") or (AttendeesForm() if can_manage else None),
        "material_form": forms.get("material") or MaterialForm(),
        "cancel_form": forms.get("cancel") or CancelForm(),
        "may_upload": can_manage or session.trainer_id == request.user.pk,
    }
    return render(request, "staff/training_session.html", context, status=status)


@login_required
@view_required
def session_detail(request, number):
    return _render_session(request, selectors.session_get(number=number))


def _session_values(form) -> dict:
    values = dict(form.cleaned_data)
    if values.get("pass_mark") is None:
        values["pass_mark"] = 60
    return values


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    initial = {}
    item_pk = _year(request.GET.get("item"))
    if item_pk:
        item = selectors.TrainingPlanItem.objects.filter(pk=item_pk).first()
        if item is not None:
            initial = {"plan_item": item, "topic": item.topic, "title": item.title, "hours": item.planned_hours}
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_schedule(actor=request.user, **_session_values(form))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if session.starts_at <= timezone.now():
                messages.success(
                    request,
                    _("Session entered after the fact. Add the attendees, then record their attendance and scores."),
                )
            else:
                messages.success(request, _("Session scheduled. Invite the attendees next."))
            return redirect(session)
    return render(request, "staff/training_session_form.html", {"form": form})


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def session_edit(request, number):
    session = selectors.session_get(number=number)
    if session.state != TrainingSession.State.SCHEDULED:
        raise PermissionDenied
    initial = {name: getattr(session, name) for name in services.SESSION_FIELDS}
    initial["starts_at"] = timezone.localtime(session.starts_at)
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, **_session_values(form))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Session saved."))
            return redirect(session)
    return render(request, "staff/training_session_form.html", {"form": form, "session": session})


@login_required
@manage_required
@require_POST
def session_invite(request, number):
    session = selectors.session_get(number=number)
    form = AttendeesForm(request.POST)
    if form.is_valid():
        try:
            invited = services.session_invite(actor=request.user, session=session, people=form.cleaned_data["people"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(count)s invited.") % {"count": len(invited)})
            return redirect(session)
    return _render_session(request, session, forms={"attendees": form}, status=400)


@login_required
@manage_required
@require_POST
def session_uninvite(request, number, person_pk):
    session = selectors.session_get(number=number)
    person = get_object_or_404(get_user_model(), pk=person_pk)
    try:
        services.session_uninvite(actor=request.user, session=session, person=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(session)


@login_required
@view_required
@require_POST
def material_upload(request, number):
    session = selectors.session_get(number=number)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.material_add(actor=request.user, session=session, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Material added."))
            return redirect(session)
    return _render_session(request, session, forms={"material": form}, status=400)


@login_required
@view_required
def material_download(request, number, pk):
    """Stream a material to the session's attendees, trainer and managers; everyone else gets a 404."""
    session = selectors.session_get(number=number)
    material = selectors.material_get(user=request.user, session=session, pk=pk)
    return material.download()


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def session_hold(request, number):
    session = selectors.session_get(number=number)
    attendances = list(session.attendances.select_related("person").order_by("person__username"))
    form = HoldForm(request.POST or None, session=session, attendances=attendances)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_hold(
                actor=request.user, session=session, results=form.results(), note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The session is recorded as held; hours are credited to those who attended."))
            return redirect(session)
    return render(request, "staff/training_hold.html", {"form": form, "session": session})


@login_required
@manage_required
@require_POST
def session_cancel(request, number):
    session = selectors.session_get(number=number)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.session_cancel(actor=request.user, session=session, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The session is cancelled; the attendees are told."))
            return redirect(session)
    return _render_session(request, session, forms={"cancel": form}, status=400)


# --- plans ------------------------------------------------------------------------------------------


@login_required
@permission_required("staff.view_trainingplan", raise_exception=True)
def plan_list(request):
    return render(request, "staff/training_plans.html", {"plans": selectors.plan_list()})


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("staff:training_plan", pk=plan.pk)
    return render(request, "staff/training_plan_form.html", {"form": form})


@login_required
@permission_required("staff.view_trainingplan", raise_exception=True)
def plan_detail(request, pk):
    plan = get_object_or_404(TrainingPlan.objects.select_related("approved_by"), pk=pk)
    sessions = selectors.plan_sessions(plan)
    items = list(selectors.plan_items(plan))
    for item in items:
        item.session_list = sessions.get(item.pk, [])
    context = {
        "plan": plan,
        "items": items,
        "totals": selectors.plan_totals(plan),
        "can_manage": selectors.manages(request.user),
        "item_form": PlanItemForm(),
    }
    return render(request, "staff/training_plan.html", context)


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def plan_item_add(request, pk):
    plan = get_object_or_404(TrainingPlan, pk=pk)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_add(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("staff:training_plan", pk=plan.pk)
    return render(request, "staff/training_plan_item_form.html", {"form": form, "plan": plan})


@login_required
@manage_required
@require_http_methods(["GET", "POST"])
def plan_item_edit(request, pk, item_pk):
    plan = get_object_or_404(TrainingPlan, pk=pk)
    item = get_object_or_404(plan.items, pk=item_pk)
    initial = {name: getattr(item, name) for name in services.ITEM_FIELDS}
    form = PlanItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("staff:training_plan", pk=plan.pk)
    return render(request, "staff/training_plan_item_form.html", {"form": form, "plan": plan, "item": item})


@login_required
@manage_required
@require_POST
def plan_item_remove(request, pk, item_pk):
    plan = get_object_or_404(TrainingPlan, pk=pk)
    item = get_object_or_404(plan.items, pk=item_pk)
    try:
        services.plan_item_remove(actor=request.user, item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("staff:training_plan", pk=plan.pk)


@login_required
@manage_required
@require_POST
def plan_approve(request, pk):
    plan = get_object_or_404(TrainingPlan, pk=pk)
    try:
        services.plan_approve(actor=request.user, plan=plan)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The plan is approved; courses may still be added."))
    return redirect("staff:training_plan", pk=plan.pk)


# --- a person's history -----------------------------------------------------------------------------


@login_required
@view_required
def training_history(request, person_pk):
    person = get_object_or_404(get_user_model(), pk=person_pk)
    if not access.can_see_person(request.user, person):
        raise PermissionDenied
    context = {
        "person": person,
        "rows": selectors.person_history(person),
        "years": selectors.person_years(person),
    }
    return render(request, "staff/training_history.html", context)


# --- my work ----------------------------------------------------------------------------------------


def work_context(request):
    user = request.user
    if not user.is_authenticated:
        return None
    upcoming, unrecorded = selectors.work_for(user)
    if not upcoming and not unrecorded:
        return None
    return {"upcoming": upcoming, "unrecorded": unrecorded}
