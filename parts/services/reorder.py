"""Reorder and safety alerts, checked right after each stock move and by a daily sweep.

After every posting (``stock.register_after_move``) the touched (part, warehouse) rows are
read once: available below the effective minimum proposes a line on the month's purchase
plan, once per (part, warehouse) while a line is open (a partial unique index stands behind
it, so concurrent moves cannot propose twice); available below safety stock marks the row
with one conditional UPDATE (``… WHERE below_safety_since IS NULL``) and writes the e-mail
to the outbox in the same transaction, so a crossing alerts once; restocking to safety
clears the mark, which re-arms the alert.
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from aftersales import numbering, outbox

from ..models import PurchasePlan, PurchasePlanLine, StockLevel, SupplierPart
from ..models.purchasing import OPEN_LINE_STATES

__all__ = ["after_move", "month_plan", "propose", "sweep_reorder", "sweep_safety"]


def _lead_days() -> int:
    return getattr(settings, "PARTS_DEFAULT_LEAD_DAYS", 14)


def after_move(moves) -> None:
    """Check the (part, warehouse) rows ``moves`` touched: reorder and safety alerts."""
    if all(_nothing_to_do(getattr(m, "level_after", None)) for m in moves):
        return  # the posting read each row's thresholds already: no crossing, no query
    keys = {(m.part_id, m.warehouse_id) for m in moves}
    # One indexed read for any size of posting (a count posts thousands); pairs not moved are dropped.
    candidates = StockLevel.objects.filter(
        part_id__in={p for p, _w in keys}, warehouse_id__in={w for _p, w in keys}
    ).select_related("part", "warehouse")
    levels = [level for level in candidates if (level.part_id, level.warehouse_id) in keys]
    _check_safety(levels)
    below_min = [lv for lv in levels if _needs_reorder(lv)]
    if below_min:
        propose(below_min)


def _nothing_to_do(after) -> bool:
    """Whether a decrease's row (``stock.LevelAfter``) is above its minimum and its alert as it should be."""
    if after is None:
        return False  # an increase: it may re-arm an alert, read the row
    if after.active and after.minimum > 0 and after.available < after.minimum:
        return False
    below = after.safety > 0 and after.available < after.safety
    return below == after.alerted


def _needs_reorder(level: StockLevel) -> bool:
    active = level.part.is_active and level.warehouse.is_active
    return active and level.effective_min > 0 and level.on_hand - level.reserved < level.effective_min


def _check_safety(levels) -> None:
    now = timezone.now()
    for level in levels:
        safety = level.effective_safety
        below = safety > 0 and level.on_hand - level.reserved < safety
        rows = StockLevel.objects.filter(pk=level.pk)
        if below and level.below_safety_since is None:
            if rows.filter(below_safety_since__isnull=True).update(below_safety_since=now) == 1:
                key = f"parts.safety_alert:{level.pk}:{now.isoformat()}"
                outbox.enqueue("parts.safety_alert", level.pk, key=key)
        elif not below and level.below_safety_since is not None:
            rows.filter(below_safety_since__isnull=False).update(below_safety_since=None)


def month_plan(today: datetime.date | None = None) -> PurchasePlan:
    """Return the month's plan open for new lines, creating it (CG-YYYYMM-NN) when first needed."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    editable = (PurchasePlan.State.DRAFT, PurchasePlan.State.RETURNED)
    plan = PurchasePlan.objects.filter(month=month, state__in=editable).first()
    if plan is not None:
        return plan
    try:
        with transaction.atomic():
            return PurchasePlan.objects.create(month=month, number=numbering.next_number("CG", f"{month:%Y%m}", 2))
    except IntegrityError:
        # Another transaction created the month's draft first; the unique index waited for it.
        return PurchasePlan.objects.get(month=month, state__in=editable)


def _quantity(level: StockLevel) -> int:
    """Up to the maximum (or the minimum when no maximum is set), less what is available."""
    target = max(level.effective_max, level.effective_min)
    return max(target - max(level.on_hand - level.reserved, 0), 1)


def propose(levels) -> int:
    """Put each level's part on the month's plan unless a line is open for it; return lines added."""
    levels = [lv for lv in levels if not _has_open_line(lv)]
    if not levels:
        return 0
    plan = month_plan()
    offers = _preferred({lv.part_id for lv in levels})
    today = timezone.localdate()
    lines = []
    for level in levels:
        offer = offers.get(level.part_id)
        lines.append(
            PurchasePlanLine(
                plan=plan,
                part_id=level.part_id,
                warehouse_id=level.warehouse_id,
                quantity=_quantity(level),
                needed_by=today + datetime.timedelta(days=offer.lead_time_days if offer else _lead_days()),
                supplier_id=offer.supplier_id if offer else None,
                unit_price=offer.price if offer else None,
                source=PurchasePlanLine.Source.AUTO,
            )
        )
    # The partial unique index drops a line another transaction proposed meanwhile.
    created = PurchasePlanLine.objects.bulk_create(lines, ignore_conflicts=True)
    return len(created)


def _has_open_line(level) -> bool:
    return PurchasePlanLine.objects.filter(
        part_id=level.part_id, warehouse_id=level.warehouse_id, state__in=OPEN_LINE_STATES
    ).exists()


def _preferred(part_ids) -> dict:
    offers = SupplierPart.objects.filter(part_id__in=part_ids, supplier__is_active=True).order_by(
        "part_id", "-is_preferred", "price"
    )
    found = {}
    for offer in offers:
        found.setdefault(offer.part_id, offer)
    return found


def below_minimum():
    """Levels whose available stock is under the effective minimum and that have no open line."""
    open_line = PurchasePlanLine.objects.filter(
        part_id=OuterRef("part_id"), warehouse_id=OuterRef("warehouse_id"), state__in=OPEN_LINE_STATES
    )
    return (
        StockLevel.objects.annotate(minimum=Coalesce("min_stock", "part__min_stock"))
        .filter(minimum__gt=0, part__is_active=True, warehouse__is_active=True)
        .filter(minimum__gt=F("on_hand") - F("reserved"))
        .exclude(Exists(open_line))
    )


def sweep_reorder(batch: int = 500) -> int:
    """Propose every level below its minimum without an open line (the daily beat); return lines added."""
    added = 0
    while True:
        with transaction.atomic():
            levels = list(below_minimum().select_related("part", "warehouse").order_by("pk")[:batch])
            if not levels:
                return added
            count = propose(levels)
        added += count
        if count == 0:
            return added


def safety_out_of_step():
    """Levels whose alert mark disagrees with their stock: under safety and not yet alerted, or restocked."""
    under = Q(safety__gt=0) & Q(safety__gt=F("on_hand") - F("reserved"))
    return StockLevel.objects.annotate(safety=Coalesce("safety_stock", "part__safety_stock")).filter(
        (under & Q(below_safety_since__isnull=True)) | (~under & Q(below_safety_since__isnull=False))
    )


def sweep_safety(batch: int = 500) -> int:
    """Alert (once) or re-arm every level the after-move check did not see cross (the daily beat).

    A safety level changed by hand, or stock changed before the level had one, crosses with
    no move to notice it; the same conditional claim as after a move keeps it to one e-mail.
    """
    checked = 0
    while True:
        with transaction.atomic():
            levels = list(safety_out_of_step().select_related("part").order_by("pk")[:batch])
            if not levels:
                return checked
            _check_safety(levels)
        checked += len(levels)
        if len(levels) < batch:
            return checked
