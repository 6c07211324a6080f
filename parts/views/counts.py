"""Stock counts (盘点): list, start, key in, variance review, print, and the steps of approval."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from aftersales.keyset import paginate, query_without_page

from .. import services
from ..forms.counts import CountEntry, CountStartForm, NoteForm
from ..models import StockCount
from ..models.counts import can_approve, can_keep
from ..selectors import counts as count_selectors
from ._common import add_service_errors

view_required = permission_required("parts.view_stockcount", raise_exception=True)

ACTIONS = {
    "submit": services.count_submit,
    "approve": services.count_approve,
    "send_back": services.count_send_back,
    "post": services.count_post,
    "cancel": services.count_cancel,
}
DONE = {
    "submit": gettext_lazy("Count submitted for approval."),
    "approve": gettext_lazy("Count approved."),
    "send_back": gettext_lazy("Count sent back."),
    "post": gettext_lazy("Count posted to the stock ledger."),
    "cancel": gettext_lazy("Count cancelled."),
}


@login_required
@view_required
def count_list(request):
    state = request.GET.get("state", "")
    state = state if state in StockCount.State.values else ""
    page = paginate(count_selectors.count_list(user=request.user, state=state), request.GET)
    context = {"page": page, "query": query_without_page(request), "state": state, "states": StockCount.State.choices}
    return render(request, "parts/counts/count_list.html", context)


@login_required
@permission_required("parts.add_stockcount", raise_exception=True)
@require_http_methods(["GET", "POST"])
def count_create(request):
    form = CountStartForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.count_start(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Count %(number)s started.") % {"number": count.number})
            return redirect(count)
    return render(request, "parts/counts/count_form.html", {"form": form})


def _detail_context(request, count, entry=None, error=None):
    user = request.user
    lines = list(count_selectors.count_lines(count))
    editable = count.state == StockCount.State.COUNTING and can_keep(count, user)
    return {
        "count": count,
        "entry": entry or CountEntry(lines),
        "editable": editable,
        "can_keep": count.is_open and can_keep(count, user),
        "can_approve": count.state == StockCount.State.SUBMITTED and can_approve(count, user),
        "counted": sum(1 for line in lines if line.counted is not None),
        "events": count.events.select_related("actor"),
        "note_form": NoteForm(),
        "service_error": error,
    }


@login_required
@view_required
@require_http_methods(["GET", "POST"])
def count_detail(request, pk):
    """Show the sheet; a keeper keys the counted quantities in here (all problems shown at once)."""
    count = count_selectors.count_get(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "parts/counts/count_detail.html", _detail_context(request, count))
    entry = CountEntry(count_selectors.count_lines(count), request.POST)
    if entry.is_valid():
        try:
            services.count_record(actor=request.user, count=count, entries=entry.entries)
        except ValidationError as error:
            return _entry_refused(request, count, entry, error)
        messages.success(request, _("Counted quantities saved."))
        return HttpResponseClientRedirect(count.get_absolute_url()) if request.htmx else redirect(count)
    return _entry_refused(request, count, entry, None)


def _entry_refused(request, count, entry, error):
    context = _detail_context(request, count, entry, error.messages if error else None)
    template = "parts/counts/_entry.html" if request.htmx else "parts/counts/count_detail.html"
    return render(
        request,
        template,
        context,
    )


@login_required
@view_required
@require_POST
def count_action(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    count = count_selectors.count_get(user=request.user, pk=pk)
    form = NoteForm(request.POST)
    form.is_valid()
    extra = {} if action == "post" else {"note": form.cleaned_data.get("note", "")}
    try:
        ACTIONS[action](actor=request.user, count=count, **extra)
    except PermissionDenied:
        raise
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, DONE[action])
    return redirect(count)


@login_required
@view_required
def count_variances(request, pk):
    count = count_selectors.count_get(user=request.user, pk=pk)
    rows, totals = count_selectors.variances(count)
    return render(request, "parts/counts/count_variances.html", {"count": count, "rows": rows, "totals": totals})


@login_required
@view_required
def count_print(request, pk):
    """The count sheet on paper: bins, system quantities, a blank column to count into, signatures."""
    count = count_selectors.count_get(user=request.user, pk=pk)
    context = {"count": count, "lines": count_selectors.count_lines(count)}
    return render(request, "parts/counts/count_print.html", context)
