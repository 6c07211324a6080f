"""The htmx lookups: the intake form's (find the customer, pick it, find the delivered unit) and the list's assignee."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.db.models.functions import Concat
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from customers.models import Customer

from ..filters import UNASSIGNED, handlers
from ..forms import UNIT_FIELDS, ComplaintIntakeForm, find_delivery
from ..models import Complaint
from .common import add_required, view_required

MAX_RESULTS = 10
MAX_HANDLERS = 20


@login_required
@add_required
@require_GET
def customer_search(request):
    """Return up to ten customers matching a name, code, phone or serial number."""
    text = request.GET.get("q", "").strip()
    customers = []
    if text:
        customers = list(Customer.objects.visible_to(request.user).active().search(text)[:MAX_RESULTS])
    return render(request, "complaints/lookups/customer_results.html", {"customers": customers, "q": text})


@login_required
@add_required
@require_GET
def customer_pick(request):
    """Return the customer picker showing the chosen customer, and its contacts (out of band)."""
    form = ComplaintIntakeForm(initial={"customer": request.GET.get("customer")}, user=request.user)
    return render(request, "complaints/lookups/customer_picked.html", {"form": form})


def _unit_initial(delivery, params) -> dict:
    initial = {name: params.get(name, "") for name in UNIT_FIELDS}
    if delivery is None:
        return initial
    in_warranty = delivery.in_warranty(timezone.localdate())
    initial.update(
        serial_number=delivery.serial_number or initial["serial_number"],
        batch_number=delivery.batch_number,
        product_model=delivery.product_model_id,
        delivery_date=delivery.delivery_date,
        warranty_status=Complaint.Warranty.IN if in_warranty else Complaint.Warranty.OUT,
    )
    return initial


@login_required
@add_required
@require_GET
def unit_lookup(request):
    """Fill the unit fields from the delivery with the serial number (or the customer's batch).

    When no customer is chosen yet, the unit's customer is chosen too.
    """
    params = request.GET
    chosen = ComplaintIntakeForm(initial={"customer": params.get("customer")}, user=request.user).selected_customer
    customers = Customer.objects.visible_to(request.user)
    delivery = find_delivery(
        customers, serial=params.get("serial_number", ""), batch=params.get("batch_number", ""), customer=chosen
    )
    initial = _unit_initial(delivery, params)
    pick_customer = delivery is not None and chosen is None
    initial["customer"] = delivery.customer if pick_customer else chosen
    form = ComplaintIntakeForm(initial=initial, user=request.user)
    context = {
        "form": form,
        "delivery": delivery,
        "looked_up": bool(params.get("serial_number") or params.get("batch_number")),
        "other_customer": delivery is not None and chosen is not None and delivery.customer_id != chosen.pk,
        "pick_customer": pick_customer,
    }
    return render(request, "complaints/lookups/unit.html", context)


@login_required
@view_required
@require_GET
def assignee_search(request):
    """Return up to twenty handlers matching a name or user name, for the complaint list's assignee filter.

    "Unassigned" comes first while nothing is typed, or when it matches what was.
    """
    text = request.GET.get("q", "").strip()
    users = handlers()
    if text:
        users = users.alias(full_name=Concat("last_name", "first_name")).filter(
            Q(username__icontains=text) | Q(full_name__icontains=text)
        )
    unassigned = str(UNASSIGNED)
    context = {
        "users": users[:MAX_HANDLERS],
        "q": text,
        "unassigned": unassigned if text.casefold() in unassigned.casefold() else "",
    }
    return render(request, "complaints/lookups/assignee_results.html", context)
