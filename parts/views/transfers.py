"""Transfers between warehouses (调拨): list, record (posted at once), detail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from aftersales.keyset import paginate, query_without_page

from .. import services
from ..forms.counts import TransferForm, transfer_lines
from ..selectors import counts as count_selectors
from ._common import add_service_errors

view_required = permission_required("parts.view_transfer", raise_exception=True)


@login_required
@view_required
def transfer_list(request):
    page = paginate(count_selectors.transfer_list(user=request.user), request.GET)
    return render(request, "parts/transfers/transfer_list.html", {"page": page, "query": query_without_page(request)})


@login_required
@permission_required("parts.add_transfer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def transfer_create(request):
    form = TransferForm(request.POST or None, user=request.user)
    lines = transfer_lines(request.POST or None)
    if request.method == "POST" and form.is_valid() & lines.is_valid():
        try:
            transfer = services.transfer_create(actor=request.user, lines=lines.lines(), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Transfer %(number)s posted.") % {"number": transfer.number})
            return redirect(transfer)
    return render(request, "parts/transfers/transfer_form.html", {"form": form, "lines": lines})


@login_required
@view_required
def transfer_detail(request, pk):
    transfer = count_selectors.transfer_get(user=request.user, pk=pk)
    lines = transfer.lines.select_related("part")
    return render(request, "parts/transfers/transfer_detail.html", {"transfer": transfer, "lines": lines})
