"""Suppliers (供应商): list, page with contacts, documents, parts supplied and ratings; the rating form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from servicing.views import add_service_errors

from .. import services
from ..forms.purchasing import RatingForm
from ..selectors import purchasing as selectors
from .purchasing_work import expiring_documents

view_required = permission_required("parts.view_supplier", raise_exception=True)


@login_required
@view_required
def supplier_list(request):
    q = request.GET.get("q", "").strip()
    suppliers = selectors.suppliers_visible_to(request.user)
    if q:
        suppliers = suppliers.filter(Q(code__icontains=q) | Q(name__icontains=q))
    context = {
        "suppliers": suppliers[:200],
        "q": q,
        "expiring": set(expiring_documents().values_list("supplier_id", flat=True)),
    }
    return render(request, "parts/purchasing/supplier_list.html", context)


@login_required
@view_required
def supplier_detail(request, pk):
    supplier = selectors.supplier_get(user=request.user, pk=pk)
    expiring = set(expiring_documents().filter(supplier=supplier).values_list("pk", flat=True))
    context = {
        "supplier": supplier,
        "contacts": supplier.contacts.all(),
        "documents": supplier.documents.all(),
        "expiring": expiring,
        "today": timezone.localdate(),
        "offers": supplier.parts.select_related("part"),
        "ratings": supplier.ratings.select_related("rated_by"),
    }
    return render(request, "parts/purchasing/supplier_detail.html", context)


@login_required
@view_required
def supplier_document(request, pk, document_pk):
    """Stream a qualification document to those who may read suppliers; everyone else gets a 404."""
    supplier = selectors.supplier_get(user=request.user, pk=pk)
    document = get_object_or_404(supplier.documents, pk=document_pk)
    if not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = document.original_name or document.file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name, content_type=document.content_type or None)


def _weights() -> list[tuple[str, int]]:
    return [(RatingForm.base_fields[name].label, weight) for name, weight in services.rating_weights().items()]


def _prefill(supplier, period: str) -> dict:
    """The figures from ``period``'s receipts, the period itself and whether it is rated already."""
    try:
        figures = services.rating_prefill(supplier, period)
    except ValidationError as error:
        return {"period": period, "receipts": 0, "quality": None, "lead_time": None, "error": error.messages[0]}
    return {**figures, "period": period, "rated": supplier.ratings.filter(period=period).exists()}


@login_required
@view_required
@permission_required("parts.add_supplierrating", raise_exception=True)
@require_http_methods(["GET", "POST"])
def supplier_rate(request, pk):
    """Rate a supplier for a period; quality and lead time come prefilled from the period's receipts."""
    supplier = selectors.supplier_get(user=request.user, pk=pk)
    source = request.POST if request.method == "POST" else request.GET
    prefill = _prefill(supplier, source.get("period", "").strip() or services.rating_default_period(supplier))
    initial = {"period": prefill["period"], "quality": prefill["quality"], "lead_time": prefill["lead_time"]}
    refresh_url = reverse("parts:supplier_rate_prefill", args=[supplier.pk])
    form = RatingForm(request.POST or None, initial=initial, refresh_url=refresh_url)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rating = services.rating_save(
                actor=request.user, supplier=supplier, period=data["period"], scores=form.scores(), notes=data["notes"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Rated %(score)s, grade %(grade)s.") % {"score": rating.score, "grade": rating.grade}
            )
            return redirect(supplier)
    context = {"supplier": supplier, "form": form, "prefill": prefill, "weights": _weights()}
    return render(request, "parts/purchasing/rating_form.html", context, status=400 if form.errors else 200)


@login_required
@view_required
@permission_required("parts.add_supplierrating", raise_exception=True)
@require_GET
def supplier_rate_prefill(request, pk):
    """The quality and lead-time fields refilled from another period's receipts (the form swaps them in)."""
    supplier = selectors.supplier_get(user=request.user, pk=pk)
    prefill = _prefill(supplier, request.GET.get("period", "").strip())
    form = RatingForm(initial={"quality": prefill["quality"], "lead_time": prefill["lead_time"]})
    return render(request, "parts/purchasing/_rating_prefill.html", {"form": form, "prefill": prefill})
