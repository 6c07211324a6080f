"""Receiving a complaint (受理): the intake form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms import ComplaintIntakeForm
from .common import add_required, add_service_error


@login_required
@add_required
@require_http_methods(["GET", "POST"])
def complaint_create(request):
    """Record a complaint while the customer is on the phone."""
    if request.method == "POST":
        form = ComplaintIntakeForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                complaint = services.complaint_create(actor=request.user, **form.service_data())
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Complaint %(number)s recorded.") % {"number": complaint.number})
                return redirect(complaint)
        messages.error(request, _("The complaint was not recorded yet: correct the marked fields."))
    else:
        initial = {"customer": request.GET.get("customer")} if request.GET.get("customer") else {}
        form = ComplaintIntakeForm(initial=initial, user=request.user)
    return render(request, "complaints/create.html", {"form": form})
