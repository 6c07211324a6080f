"""Suppliers (供应商): list, page with contacts, documents, parts supplied and ratings; the rating form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

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


def _quarter_before(today) -> str:
    quarter = (today.month - 1) // 3
    return f"{today.year - 1}-Q4" if quarter == 0 else f"{today.year}-Q{quarter}"


def _weights() -> list[tuple[str, int]]:
    return [(RatingForm.base_fields[name].label, weight) for name, weight in services.rating_weights().items()]


@login_required
@view_required
@permission_required("parts.add_supplierrating", raise_exception=True)
@require_http_methods(["GET", "POST"])
def supplier_rate(request, pk):
    """Rate a supplier for a period; quality and lead time come prefilled from the period's receipts."""
    supplier = selectors.supplier_get(user=request.user, pk=pk)
    period = request.GET.get("period") or _quarter_before(timezone.localdate())
    try:
        prefill = services.rating_prefill(supplier, period)
    except ValidationError:
        period, prefill = _quarter_before(timezone.localdate()), None
        prefill = services.rating_prefill(supplier, period)
    initial = {"period": period, "quality": prefill["quality"], "lead_time": prefill["lead_time"]}
    form = RatingForm(request.POST or None, initial=initial)
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
