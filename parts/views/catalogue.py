"""The parts catalogue, a part's page with its ledger, the photo and the two xlsx exports."""

import mimetypes

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from aftersales.keyset import paginate, query_without_page
from aftersales.xlsx import Sheet, xlsx_response

from ..models import Part, StockLevel, StockMove
from ..selectors import catalogue as selectors

CATALOGUE_PAGE_SIZE = 50
LEDGER_PAGE_SIZE = 50
INLINE_PHOTO_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}

view_required = permission_required("parts.view_part", raise_exception=True)
ledger_required = permission_required("parts.view_stockmove", raise_exception=True)


@login_required
@view_required
def catalogue(request):
    catalogue_filter, rows = selectors.catalogue(user=request.user, params=request.GET)
    context = {
        "filter": catalogue_filter,
        "page": paginate(rows, request.GET, CATALOGUE_PAGE_SIZE),
        "query": query_without_page(request),
        "warehouse": catalogue_filter.chosen_warehouse,
    }
    template = "parts/catalogue/_table.html" if request.htmx else "parts/catalogue/list.html"
    return render(request, template, context)


@login_required
@view_required
@ledger_required
def part_detail(request, pk):
    part = selectors.part_get(user=request.user, pk=pk)
    ledger_filter, rows = selectors.ledger(part=part, params=request.GET)
    context = {
        "part": part,
        "filter": ledger_filter,
        "page": paginate(rows, request.GET, LEDGER_PAGE_SIZE),
        "query": query_without_page(request),
    }
    if request.htmx:
        return render(request, "parts/catalogue/_ledger.html", context)
    context.update(
        fits=part.fits.order_by("code"),
        balances=selectors.part_balances(part),
        used=selectors.where_used(user=request.user, part=part),
    )
    return render(request, "parts/catalogue/detail.html", context)


@login_required
@view_required
def part_photo(request, pk):
    """Stream the part's photo to the parts roles; anything but a picture comes as a download."""
    part = selectors.part_get(user=request.user, pk=pk)
    if not part.photo:
        raise Http404
    try:
        handle = part.photo.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = part.photo.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type in INLINE_PHOTO_TYPES
    response = FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- exports ----------------------------------------------------------------------


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


PART_COLUMNS = [
    (_label(Part, "code"), lambda p: p.code),
    (_label(Part, "name"), lambda p: p.name),
    (_label(Part, "model_no"), lambda p: p.model_no),
    (_label(Part, "specification"), lambda p: p.specification),
    (_label(Part, "unit"), lambda p: p.unit),
    (_label(Part, "category"), lambda p: p.category.name if p.category_id else ""),
    (_label(Part, "is_key"), lambda p: p.is_key),
    (_label(Part, "is_active"), lambda p: p.is_active),
    (_label(Part, "standard_cost"), lambda p: p.standard_cost),
    (_("Fits product models"), lambda p: " ".join(m.code for m in p.fits.all())),
]
LEVEL_COLUMNS = [
    (_label(StockLevel, "warehouse"), lambda s: s.warehouse.code),
    (_label(StockLevel, "bin_location"), lambda s: s.bin_location),
    (_label(StockLevel, "on_hand"), lambda s: s.on_hand),
    (_label(StockLevel, "reserved"), lambda s: s.reserved),
    (_("Available"), lambda s: s.available),
    (_label(StockLevel, "safety_stock"), lambda s: s.effective_safety),
    (_label(StockLevel, "min_stock"), lambda s: s.effective_min),
    (_label(StockLevel, "max_stock"), lambda s: s.effective_max),
]


def _catalogue_rows(parts):
    """One row per part and warehouse holding it; a part held nowhere still has its row."""
    for part in parts:
        head = [value(part) for _label, value in PART_COLUMNS]
        if not part.balances:
            yield head
        for level in part.balances:
            yield head + [value(level) for _label, value in LEVEL_COLUMNS]


@login_required
@view_required
@permission_required("parts.view_stocklevel", raise_exception=True)
def catalogue_export(request):
    """Send the filtered catalogue with its balances as xlsx, read in chunks and written to disk."""
    parts = selectors.catalogue_export_rows(user=request.user, params=request.GET)
    sheet = Sheet(
        title=str(Part._meta.verbose_name_plural),
        headers=[str(label) for label, _value in PART_COLUMNS + LEVEL_COLUMNS],
        rows=_catalogue_rows(parts),
    )
    return xlsx_response(f"parts-{timezone.localdate():%Y%m%d}.xlsx", [sheet])


LEDGER_COLUMNS = [
    (_label(StockMove, "at"), lambda m: m.at),
    (_label(StockMove, "kind"), lambda m: m.get_kind_display()),
    (_label(StockMove, "warehouse"), lambda m: m.warehouse.code),
    (_label(StockMove, "quantity"), lambda m: m.quantity),
    (_label(StockMove, "balance_after"), lambda m: m.balance_after),
    (_label(StockMove, "unit_cost"), lambda m: m.unit_cost),
    (_("Value (CNY)"), lambda m: m.value),
    (_label(StockMove, "reference"), lambda m: m.reference),
    (_label(StockMove, "complaint"), lambda m: m.complaint.number if m.complaint_id else ""),
    (_label(StockMove, "visit"), lambda m: m.visit.planned_start if m.visit_id else None),
    (_label(StockMove, "reason"), lambda m: m.reason),
    (_label(StockMove, "actor"), lambda m: str(m.actor)),
]


@login_required
@view_required
@ledger_required
def ledger_export(request, pk):
    """Send the part's filtered ledger as xlsx; a filter with an error is refused, not ignored."""
    part = selectors.part_get(user=request.user, pk=pk)
    ledger_filter, _rows = selectors.ledger(part=part, params=request.GET)
    if not ledger_filter.is_valid():
        problems = [str(e) for errors in ledger_filter.form.errors.values() for e in errors]
        return HttpResponseBadRequest("\n".join(problems), content_type="text/plain; charset=utf-8")
    moves = selectors.ledger_export_rows(part=part, params=request.GET)
    sheet = Sheet(
        title=f"{part.code} {StockMove._meta.verbose_name_plural}",
        headers=[str(label) for label, _value in LEDGER_COLUMNS],
        rows=([value(move) for _label, value in LEDGER_COLUMNS] for move in moves),
    )
    return xlsx_response(f"ledger-{part.code}-{timezone.localdate():%Y%m%d}.xlsx", [sheet])


urlpatterns = [
    path("", catalogue, name="catalogue"),
    path("export/", catalogue_export, name="catalogue_export"),
    path("<int:pk>/", part_detail, name="part_detail"),
    path("<int:pk>/photo/", part_photo, name="part_photo"),
    path("<int:pk>/ledger/export/", ledger_export, name="ledger_export"),
]
