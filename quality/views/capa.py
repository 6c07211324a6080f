"""Corrective and preventive actions: the list, an action's page and steps, and the printable notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.keyset import query_without_page

from .. import selectors, services, waiting
from ..forms import CAPA_FORMS, CapaCreateForm
from ..models import CapaAction
from ..panels import capa_panels
from ..sight import mask_action
from .common import add_service_error, capa_access_required, panels

STEPS = [
    ("complete", gettext_lazy("Report it done"), "primary"),
    ("verify", gettext_lazy("Verify the effectiveness"), "success"),
    ("check", gettext_lazy("Record a tracking check"), "outline-primary"),
    ("plan", gettext_lazy("Change the plan"), "outline-secondary"),
    ("reply", gettext_lazy("Record the written reply"), "outline-primary"),
    ("cancel", gettext_lazy("Cancel the action"), "outline-danger"),
]


@login_required
@capa_access_required
def capa_list(request):
    capa_filter, actions = selectors.capa_list(filters=request.GET, user=request.user)
    page = selectors.paginate(actions, request.GET)
    context = {
        "filter": capa_filter,
        "page": page,
        "query": query_without_page(request),
        "today": timezone.localdate(),
    }
    template = "quality/_capa_table.html" if request.htmx else "quality/capa_list.html"
    return render(request, template, context)


def render_capa(request, action: CapaAction, *, bound=None, status: int = 200):
    """Render the action's page; ``bound`` is a step's form shown again with its errors."""
    allowed = services.capa_actions(action, request.user)
    context = {
        "action": action,
        "records": selectors.capa_records(action),
        "panels": panels(
            STEPS,
            allowed,
            CAPA_FORMS,
            record=action,
            user=request.user,
            url_prefix="capa",
            args=[action.number],
            bound=bound,
        ),
        "waiting": waiting.describe(action.waiting_on()),
        "today": timezone.localdate(),
        "extra_panels": capa_panels(request, action),
    }
    # Only now, with every service run and every form built: the page shows the sheet as the user may see it.
    mask_action(action, request.user)
    return render(request, "quality/capa_detail.html", context, status=status)


@login_required
@capa_access_required
def capa_detail(request, number):
    return render_capa(request, selectors.capa_get(number=number, user=request.user))


HANDLERS = {
    "complete": (services.capa_complete, gettext_lazy("Action reported done; its effectiveness is verified later.")),
    "plan": (services.capa_update_plan, gettext_lazy("Plan changed; the previous plan is kept in the history.")),
    "check": (services.capa_add_check, gettext_lazy("Tracking check recorded.")),
    "verify": (services.capa_verify, gettext_lazy("Verification recorded.")),
    "reply": (services.capa_record_reply, gettext_lazy("Written reply recorded.")),
    "cancel": (services.capa_cancel, gettext_lazy("Action cancelled.")),
}


@login_required
@capa_access_required
@require_POST
def capa_step(request, number, step):
    action = selectors.capa_get(number=number, user=request.user)
    if step not in services.capa_actions(action, request.user):
        raise PermissionDenied
    form = CAPA_FORMS[step](request.POST, record=action, user=request.user)
    if form.is_valid():
        service, done = HANDLERS[step]
        try:
            service(actor=request.user, action=action, **form.service_data())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(action)
    messages.error(request, _("That step was not taken: see the marked form below."))
    return render_capa(request, action, bound=form)


@login_required
@permission_required("quality.add_capaaction", raise_exception=True)
@require_http_methods(["GET", "POST"])
def capa_create(request):
    """Open a standalone action, or a rectification notice from a service-quality check."""
    if request.method == "POST":
        form = CapaCreateForm(request.POST, record=None, user=request.user)
        if form.is_valid():
            try:
                action = services.capa_create(actor=request.user, **form.service_data())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Action %(number)s opened.") % {"number": action.number})
                return redirect(action)
        messages.error(request, _("The action was not opened yet: correct the marked fields."))
    else:
        initial = {"source": request.GET["source"]} if request.GET.get("source") else {}
        form = CapaCreateForm(record=None, user=request.user, initial=initial)
    return render(request, "quality/capa_create.html", {"form": form})


@login_required
@capa_access_required
def capa_notice(request, number):
    """Print the rectification notice (整改通知单) of an action from a supervision check."""
    action = selectors.capa_get(number=number, user=request.user)
    if not action.is_notice:
        raise Http404
    return render(request, "quality/capa_notice.html", {"action": mask_action(action, request.user)})
