"""The history of one unit (one serial number) across every app, and its search box."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..forms.property import UnitSearchForm
from ..history import unit_history as history_of


@login_required
def unit_search(request):
    """Send the serial number typed in the search box to its unit history."""
    form = UnitSearchForm(request.GET or None)
    if form.is_valid():
        return redirect("servicing:unit_history", serial=form.cleaned_data["serial"].strip().upper())
    return render(request, "servicing/unit_history.html", {"form": form, "entries": [], "serial": ""})


@login_required
def unit_history(request, serial):
    """Show every record of the unit the user may see, newest first.

    A serial of which the user sees nothing leads back to the empty search box, so that no
    page (not even its language switch, which carries the address) repeats to a salesperson a
    serial number of another salesperson's customer.
    """
    serial = serial.strip().upper()
    entries = history_of(user=request.user, serial=serial)
    if not entries:
        messages.info(request, _("No record of this serial number that you may see."))
        return redirect("servicing:unit_search")
    context = {"form": UnitSearchForm(initial={"serial": serial}), "entries": entries, "serial": serial}
    return render(request, "servicing/unit_history.html", context)
