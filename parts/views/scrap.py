"""Scrap requests (报废): list, request, decide, post."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_fsm import has_transition_perm

from aftersales.keyset import paginate, query_without_page

from .. import services
from ..forms.counts import NoteForm, ScrapForm, scrap_lines
from ..models import ScrapRequest
from ..selectors import counts as count_selectors
from ._common import add_service_errors

ACTIONS = {
    "submit": services.scrap_submit,
    "approve": services.scrap_approve,
    "reject": services.scrap_reject,
    "post": services.scrap_post,
    "cancel": services.scrap_cancel,
}
DONE = {
    "submit": gettext_lazy("Scrap request submitted for approval."),
    "approve": gettext_lazy("Scrap request approved."),
    "reject": gettext_lazy("Scrap request rejected."),
    "post": gettext_lazy("Scrap posted to the stock ledger."),
    "cancel": gettext_lazy("Scrap request cancelled."),
}


def _may_read(user) -> bool:
    return user.has_perm("parts.view_scraprequest") or user.has_perm("parts.add_scraprequest")


@login_required
def scrap_list(request):
    if not _may_read(request.user):
        raise PermissionDenied
    state = request.GET.get("state", "")
    state = state if state in ScrapRequest.State.values else ""
    page = paginate(count_selectors.scrap_list(user=request.user, state=state), request.GET)
    context = {"page": page, "query": query_without_page(request), "state": state, "states": ScrapRequest.State.choices}
    return render(request, "parts/scrap/scrap_list.html", context)


@login_required
@permission_required("parts.add_scraprequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def scrap_create(request):
    form = ScrapForm(request.POST or None, user=request.user)
    lines = scrap_lines(request.POST or None)
    if request.method == "POST" and form.is_valid() & lines.is_valid():
        try:
            scrap = services.scrap_create(actor=request.user, lines=lines.lines(), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Scrap request %(number)s saved as a draft.") % {"number": scrap.number})
            return redirect(scrap)
    return render(request, "parts/scrap/scrap_form.html", {"form": form, "lines": lines})


def _allowed(scrap, user) -> dict:
    return {name: has_transition_perm(getattr(scrap, name), user) for name in ACTIONS}


@login_required
def scrap_detail(request, pk):
    scrap = count_selectors.scrap_get(user=request.user, pk=pk)
    context = {
        "scrap": scrap,
        "lines": scrap.lines.select_related("part"),
        "events": scrap.events.select_related("actor"),
        "allowed": _allowed(scrap, request.user),
        "note_form": NoteForm(),
    }
    return render(request, "parts/scrap/scrap_detail.html", context)


@login_required
@require_POST
def scrap_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    scrap = count_selectors.scrap_get(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    form.is_valid()
    extra = {} if action == "post" else {"note": form.cleaned_data.get("note", "")}
    try:
        ACTIONS[action](actor=request.user, scrap=scrap, **extra)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, DONE[action])
    return redirect(scrap)
