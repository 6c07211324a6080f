"""Customer property (顾客财产): list, receive, the record page with its steps, photos, customer tab."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from aftersales.waiting import Directory
from customers.selectors import customer_get, paginate

from .. import selectors, services
from ..forms.property import (
    PropertyLossForm,
    PropertyMoveForm,
    PropertyPhotoForm,
    PropertyReceiveForm,
    PropertyReportForm,
    PropertyReturnForm,
)
from ..models import CustomerProperty
from ..selectors.property import LIST_PAGE_SIZE, TAB_PAGE_SIZE
from . import add_service_errors, list_context

view_required = permission_required("servicing.view_customerproperty", raise_exception=True)


@login_required
@view_required
def property_list(request):
    property_filter, rows = selectors.property_list(user=request.user, params=request.GET)
    context = list_context(request, property_filter, rows, LIST_PAGE_SIZE)
    template = "servicing/property/_table.html" if request.htmx else "servicing/property/list.html"
    return render(request, template, context)


@login_required
@permission_required("servicing.add_customerproperty", raise_exception=True)
@require_http_methods(["GET", "POST"])
def property_create(request):
    initial = {"received_at": timezone.localtime().replace(second=0, microsecond=0, tzinfo=None)}
    form = PropertyReceiveForm(request.POST or None, request.FILES or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.property_receive(actor=request.user, **form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Customer property %(number)s received.") % {"number": record.number})
            return redirect(record)
    return render(request, "servicing/property/form.html", {"form": form})


# Each step: its form, its service (called with the form's data) and its message.
STEPS = {
    "move": (PropertyMoveForm, services.property_move, _("Custody change recorded.")),
    "return": (PropertyReturnForm, services.property_return, _("Return to the customer recorded.")),
    "loss": (PropertyLossForm, services.property_record_loss, _("Loss or damage recorded.")),
    "report": (PropertyReportForm, services.property_report_loss, _("Report to the customer recorded.")),
    "close": (None, services.property_close, _("Customer property closed.")),
}


def _available(record: CustomerProperty, user) -> set[str]:
    """Return the steps ``user`` may take on ``record`` now (for the page)."""
    State = CustomerProperty.State
    handle = user.has_perm("servicing.change_customerproperty")
    loss = user.has_perm("servicing.record_loss_customerproperty")
    steps = set()
    if record.state == State.IN_CUSTODY:
        steps |= {"move", "return"} if handle else set()
        steps |= {"loss"} if loss else set()
    if record.loss_unreported and loss:
        steps.add("report")
    if record.state in (State.RETURNED, State.LOST) and handle:
        steps.add("close")
    if handle or loss:
        steps.add("photos")
    return steps


def _detail(request, record, forms=None, status=200):
    available = _available(record, request.user)
    forms = forms or {}
    for step, (form_class, _service, _message) in STEPS.items():
        if step in available and form_class is not None and step not in forms:
            forms[step] = form_class(prefix=step)
    if "photos" in available and "photos" not in forms:
        forms["photos"] = PropertyPhotoForm(prefix="photos")
    context = {
        "record": record,
        "movements": selectors.property_movements(record),
        "photos": list(record.photos.all()),
        "forms": forms,
        "available": available,
        "waiting": [Directory().describe(item) for item in record.waiting_on()],
    }
    return render(request, "servicing/property/detail.html", context, status=status)


@login_required
@view_required
def property_detail(request, pk):
    record = selectors.property_get(user=request.user, pk=pk)
    return _detail(request, record)


@login_required
@view_required
@require_POST
def property_step(request, pk, step):
    """Take one step on the record; a refused input shows the page again with the step's errors."""
    record = selectors.property_get(user=request.user, pk=pk)
    if step not in STEPS:
        raise Http404
    if step not in _available(record, request.user):
        raise PermissionDenied
    form_class, service, message = STEPS[step]
    form = form_class(request.POST, prefix=step) if form_class else None
    if form is None or form.is_valid():
        data = form.cleaned_data if form else {}
        try:
            service(actor=request.user, record=record, **data)
        except ValidationError as error:
            if form is None:
                for text in error.messages:
                    messages.error(request, text)
                return redirect(record)
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(record)
    return _detail(request, record, {step: form}, status=400)


@login_required
@view_required
@require_POST
def property_photo_add(request, pk):
    record = selectors.property_get(user=request.user, pk=pk)
    if "photos" not in _available(record, request.user):
        raise PermissionDenied
    form = PropertyPhotoForm(request.POST, request.FILES, prefix="photos")
    if form.is_valid():
        try:
            services.property_photo_add(actor=request.user, record=record, uploads=form.cleaned_data["files"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Files added."))
            return redirect(record)
    return _detail(request, record, {"photos": form}, status=400)


@login_required
@view_required
def property_photo(request, pk, photo_pk):
    """Stream a photo to those who may see the record; everyone else gets a 404."""
    record = selectors.property_get(user=request.user, pk=pk)
    photo = get_object_or_404(record.photos, pk=photo_pk)
    return photo.download()


@login_required
@view_required
def customer_property(request, pk):
    """The customer page's tab: what of the customer's is in the company's hands."""
    customer = customer_get(user=request.user, pk=pk)
    everything = request.GET.get("all") == "1"
    rows = selectors.customer_property(user=request.user, customer=customer, everything=everything)
    page = paginate(rows, request.GET, TAB_PAGE_SIZE)
    context = {
        "customer": customer,
        "page": page,
        "everything": everything,
        "can_add": request.user.has_perm("servicing.add_customerproperty"),
    }
    return render(request, "servicing/tabs/property.html", context)
