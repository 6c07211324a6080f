"""What the catalogue and a part's page read: parts, balances, the ledger and where a part went.

Every read is scoped: the catalogue is open to holders of ``parts.view_part`` (the parts
roles), and the complaints and visits a part was issued for are linked only for those who
may see them.
"""

from django.db.models import DecimalField, F, Max, Prefetch, Sum
from django.shortcuts import get_object_or_404

from complaints.models import Complaint
from customers.models import ProductModel
from servicing.selectors import visits_visible_to

from ..forms.catalogue import CatalogueFilter, LedgerFilter
from ..models import Part, StockLevel, StockMove

EXPORT_CHUNK = 2000
WHERE_USED_LIMIT = 50


def parts_visible_to(user):
    """Return the parts ``user`` may read: all of them for the parts roles, none otherwise."""
    return Part.objects.all() if user.has_perm("parts.view_part") else Part.objects.none()


def part_get(*, user, pk: int) -> Part:
    return get_object_or_404(parts_visible_to(user).select_related("category"), pk=pk)


def _balances(warehouse=None) -> Prefetch:
    """Prefetch each part's balance rows (one query for the whole page) as ``part.balances``."""
    rows = StockLevel.objects.select_related("warehouse").order_by("warehouse__code")
    if warehouse is not None:
        rows = rows.filter(warehouse=warehouse)
    return Prefetch("levels", queryset=rows, to_attr="balances")


def catalogue(*, user, params):
    """Return the catalogue's filter and its rows, each with its balances and product models prefetched."""
    catalogue_filter = CatalogueFilter(params, queryset=parts_visible_to(user))
    fits = Prefetch("fits", queryset=ProductModel.objects.order_by("code").only("pk", "code", "name"))
    rows = catalogue_filter.qs.select_related("category").prefetch_related(
        _balances(catalogue_filter.chosen_warehouse), fits
    )
    return catalogue_filter, rows


def catalogue_export_rows(*, user, params):
    """Yield the filtered parts one by one, fetched in chunks with their balances, for a streamed export."""
    _filter, rows = catalogue(user=user, params=params)
    return rows.iterator(chunk_size=EXPORT_CHUNK)


def part_balances(part):
    """Return the part's balance rows, one per warehouse that holds or held it."""
    rows = list(part.levels.select_related("warehouse").order_by("warehouse__code"))
    for row in rows:
        row.part = part  # the effective safety/min/max read the part's defaults
    return rows


def ledger(*, part, params):
    """Return the ledger filter of ``part`` and its moves, newest first (keyset on the id)."""
    ledger_filter = LedgerFilter(params, queryset=StockMove.objects.filter(part=part))
    rows = ledger_filter.rows.select_related("warehouse", "actor", "complaint", "visit")
    return ledger_filter, rows


def ledger_export_rows(*, part, params):
    ledger_filter, rows = ledger(part=part, params=params)
    return rows.iterator(chunk_size=EXPORT_CHUNK)


def _used_for(part, field: str, extra=()):
    value = Sum(F("quantity") * F("unit_cost"), output_field=DecimalField(max_digits=14, decimal_places=2))
    return list(
        StockMove.objects.filter(part=part, **{f"{field}__isnull": False})
        .values(f"{field}_id", *extra)
        .annotate(net=Sum("quantity"), net_value=value, last=Max("at"))
        .order_by("-last")[:WHERE_USED_LIMIT]
    )


def where_used(*, user, part) -> dict:
    """Return the complaints and visits the part was issued for, net of returns, latest first.

    Each row says whether ``user`` may open the record (``visible``); the page links only those.
    """
    complaints = _used_for(part, "complaint", ["complaint__number"])
    visits = _used_for(part, "visit", ["visit__planned_start"])
    complaint_ids = [r["complaint_id"] for r in complaints]
    visit_ids = [r["visit_id"] for r in visits]
    seen_complaints = set(Complaint.objects.visible_to(user).filter(pk__in=complaint_ids).values_list("pk", flat=True))
    seen_visits = set(visits_visible_to(user).filter(pk__in=visit_ids).values_list("pk", flat=True))
    for row in complaints:
        row["visible"] = row["complaint_id"] in seen_complaints
    for row in visits:
        row["visible"] = row["visit_id"] in seen_visits
    for row in complaints + visits:
        row["issued"] = -row["net"]
        row["cost"] = -row["net_value"]
    return {"complaints": complaints, "visits": visits, "limit": WHERE_USED_LIMIT}
