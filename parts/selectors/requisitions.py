"""What the requisition pages, panels and "my work" read, always through ``visible_to``."""

from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404

from aftersales.keyset import paginate

from ..models import Part, Requisition, RequisitionLine, StockLevel, StockMove, Warehouse

LIST_PAGE_SIZE = 50
LISTS = ("mine", "to_approve", "to_issue", "all")
ISSUABLE = (Requisition.State.APPROVED, Requisition.State.PARTLY_ISSUED)


def _in_my_warehouses(user):
    lines = RequisitionLine.objects.filter(requisition=OuterRef("pk"), issued__lt=F("quantity_approved"))
    if not user.is_superuser:
        lines = lines.filter(warehouse__keepers=user)
    return Exists(lines)


def requisition_rows(*, user, which: str):
    """Return the requisitions of list ``which`` the user may see, newest first."""
    rows = Requisition.objects.visible_to(user).select_related("requester", "complaint", "visit__customer")
    rows = rows.select_related("target_warehouse")
    if which == "mine":
        return rows.filter(requester=user)
    if which == "to_approve":
        return (
            rows.filter(state=Requisition.State.SUBMITTED)
            if user.has_perm("parts.approve_requisition")
            else rows.none()
        )
    if which == "to_issue":
        if not user.has_perm("parts.move_stock"):
            return rows.none()
        return rows.filter(_in_my_warehouses(user), state__in=ISSUABLE)
    return rows


def requisition_page(*, user, which: str, params):
    return paginate(requisition_rows(user=user, which=which), params, LIST_PAGE_SIZE)


def requisition_get(*, user, pk: int) -> Requisition:
    related = ("requester", "complaint__customer", "visit__customer", "target_warehouse", "decided_by")
    return get_object_or_404(Requisition.objects.visible_to(user).select_related(*related), pk=pk)


def requisition_lines(requisition: Requisition) -> list[RequisitionLine]:
    return list(requisition.lines.select_related("part", "warehouse"))


def requisition_events(requisition: Requisition) -> list:
    return list(requisition.events.select_related("actor"))


def part_lookup(query: str, limit: int = 15) -> list[dict]:
    """Active parts matching ``query`` with their free stock per active warehouse (two queries)."""
    query = query.strip()
    if len(query) < 2:
        return []
    match = Q(code__icontains=query) | Q(name__icontains=query) | Q(specification__icontains=query)
    match |= Q(model_no__icontains=query)
    parts = list(Part.objects.filter(match, is_active=True).order_by("code")[:limit])
    levels = StockLevel.objects.filter(part__in=parts, warehouse__is_active=True, on_hand__gt=0)
    levels = levels.select_related("warehouse").order_by("warehouse__code")
    by_part: dict[int, list] = {}
    for level in levels:
        by_part.setdefault(level.part_id, []).append(level)
    return [{"part": part, "levels": by_part.get(part.pk, [])} for part in parts]


def issued_parts(**target) -> dict:
    """Parts issued for a complaint or visit (net of returns), with unit cost and total, from the ledger."""
    kinds = (StockMove.Kind.ISSUE, StockMove.Kind.RETURN)
    rows = (
        StockMove.objects.filter(kind__in=kinds, **target)
        .order_by()
        .values("part__code", "part__name", "part__unit", "unit_cost", "reference")
        .annotate(quantity=-Sum("quantity"))
        .filter(quantity__gt=0)
        .order_by("reference", "part__code")
    )
    rows = [{**row, "total": row["quantity"] * row["unit_cost"]} for row in rows]
    return {"rows": rows, "total": sum((row["total"] for row in rows), Decimal(0))}


def requisitions_for(user, **target) -> list[Requisition]:
    return list(Requisition.objects.visible_to(user).filter(**target).select_related("requester"))


def active_warehouses():
    return Warehouse.objects.filter(is_active=True).order_by("code")


def work_to_approve(user) -> list[Requisition]:
    if not user.has_perm("parts.approve_requisition"):
        return []
    return list(requisition_rows(user=user, which="to_approve")[:20])


def work_to_issue(user) -> list[Requisition]:
    if not user.has_perm("parts.move_stock"):
        return []
    return list(requisition_rows(user=user, which="to_issue")[:20])


def work_mine(user) -> list[Requisition]:
    """One's drafts, and requisitions issued to one that are not closed (return what was not used, or close)."""
    if not user.has_perm("parts.add_requisition"):
        return []
    states = (Requisition.State.DRAFT, Requisition.State.ISSUED)
    return list(requisition_rows(user=user, which="mine").filter(state__in=states)[:20])
