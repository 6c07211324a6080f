"""Demo counts, transfers and scrap: the opening balances of the four warehouses through opening counts,
then a monthly key-part count awaiting approval, a posted transfer and two scrap requests.

A rerun finds what exists and adds nothing.
"""

import random

from django.contrib.auth import get_user_model
from django.db import transaction

from . import services
from .models import Part, ScrapRequest, StockCount, StockLevel, StockMove, Transfer, Warehouse

#: Share of a part's maximum kept on hand, by kind of warehouse.
FILL = {Warehouse.Kind.CENTRAL: (0.6, 1.0), Warehouse.Kind.STATION: (0.2, 0.5), Warehouse.Kind.VAN: (0.0, 0.0)}


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _opening_quantity(rng, part: Part, warehouse: Warehouse, index: int) -> int:
    """Central store well stocked, stations less, the van a few key parts; some parts under minimum."""
    if warehouse.kind == Warehouse.Kind.VAN:
        return rng.randint(1, 3) if part.is_key and index % 3 == 0 else 0
    top = part.max_stock or 6
    if part.min_stock and index % 9 == 4:
        return max(part.min_stock - rng.randint(1, 2), 0)  # below minimum: the purchase plan proposes it
    low, high = FILL[warehouse.kind]
    if warehouse.kind == Warehouse.Kind.STATION and index % 4 == 1:
        return 0
    return max(round(top * rng.uniform(low, high)), 1)


def _bins(warehouse, count) -> None:
    """Give the lines of a new warehouse shelf places, kept on its balances for the next count."""
    if warehouse.kind == Warehouse.Kind.VAN:
        return
    for index, line in enumerate(count.lines.select_related("part").order_by("part__code")):
        place = f"{chr(65 + index // 60)}-{index // 12 % 5 + 1:02d}-{index % 12 + 1:02d}"
        StockLevel.objects.filter(part_id=line.part_id, warehouse=warehouse).update(bin_location=place)


@transaction.atomic
def _open(warehouse, keeper, manager, rng) -> StockCount:
    count = services.count_start(actor=keeper, warehouse=warehouse, kind=StockCount.Kind.OPENING, note="期初建账")
    lines = list(count.lines.select_related("part").order_by("part__code"))
    entries = {line.pk: (_opening_quantity(rng, line.part, warehouse, i), "") for i, line in enumerate(lines)}
    services.count_record(actor=keeper, count=count, entries=entries)
    services.count_submit(actor=keeper, count=count)
    services.count_approve(actor=manager, count=count, note="期初数据已核对")
    services.count_post(actor=keeper, count=count)
    _bins(warehouse, count)
    return count


def seed_opening(parts, warehouses: dict, actor=None) -> int:
    """Load the opening balances of every demo warehouse without stock moves through a posted opening count."""
    keeper, manager = actor or _user("warehouse_keeper"), _user("aftersales_manager")
    if keeper is None or manager is None:
        return 0
    rng = random.Random(7)
    opened = 0
    for warehouse in warehouses.values():
        if StockMove.objects.filter(warehouse=warehouse).exists():
            continue
        # The central store's keeper loads and counts the van with its engineer.
        warehouse.keepers.add(keeper)
        _open(warehouse, keeper, manager, rng)
        opened += 1
    return opened


def seed_count_work(parts, warehouses: dict, actor=None) -> None:
    """A posted transfer, a monthly key-part count with variances awaiting approval, two scrap requests."""
    keeper, manager = actor or _user("warehouse_keeper"), _user("aftersales_manager")
    central, station = warehouses.get("CK01"), warehouses.get("ZD-SZ")
    if keeper is None or manager is None or central is None or station is None:
        return
    stocked = list(
        Part.objects.filter(levels__warehouse=central, levels__on_hand__gte=6, is_key=True).order_by("code")[:6]
    )
    if len(stocked) < 6:
        return
    if not Transfer.objects.exists():
        services.transfer_create(
            actor=keeper,
            source=central,
            destination=station,
            lines=[(stocked[0], 2), (stocked[1], 1)],
            reason="苏州服务站备件补充",
        )
    if not ScrapRequest.objects.exists():
        _scrap(central, keeper, manager, stocked)
    if not StockCount.objects.filter(kind=StockCount.Kind.MONTHLY).exists():
        _monthly(central, keeper)


@transaction.atomic
def _scrap(central, keeper, manager, stocked) -> None:
    posted = services.scrap_create(
        actor=keeper, warehouse=central, lines=[(stocked[2], 1, "damaged", "运输中外壳破裂")], note="到货破损"
    )
    services.scrap_submit(actor=keeper, scrap=posted)
    services.scrap_approve(actor=manager, scrap=posted, note="同意报废")
    services.scrap_post(actor=keeper, scrap=posted)
    waiting = services.scrap_create(
        actor=keeper,
        warehouse=central,
        lines=[(stocked[3], 2, "obsolete", "旧型号已停产"), (stocked[4], 1, "expired", "密封胶过期")],
    )
    services.scrap_submit(actor=keeper, scrap=waiting, note="请审批")


@transaction.atomic
def _monthly(central, keeper) -> None:
    count = services.count_start(actor=keeper, warehouse=central, kind=StockCount.Kind.MONTHLY, key_parts_only=True)
    reasons = ["发料未登记", "上次入库少录", "货位错放"]
    entries = {}
    for index, line in enumerate(count.lines.order_by("part__code")):
        if index < 3 and line.snapshot >= 2:
            counted = line.snapshot + (1 if index == 1 else -1)
            entries[line.pk] = (counted, reasons[index])
        else:
            entries[line.pk] = (line.snapshot, "")
    services.count_record(actor=keeper, count=count, entries=entries)
    services.count_submit(actor=keeper, count=count, note="本月关键件盘点")
