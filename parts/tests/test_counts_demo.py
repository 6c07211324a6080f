"""The demo opens every warehouse by a count and leaves count and scrap work waiting; a rerun adds nothing."""

import random

import pytest

from parts import stock
from parts.demo_catalogue import seed_catalogue
from parts.demo_counts import seed_count_work, seed_opening
from parts.models import ScrapRequest, StockCount, StockLevel, StockMove, Transfer

pytestmark = pytest.mark.django_db


def run(parts_and_warehouses=None):
    parts, warehouses = parts_and_warehouses or seed_catalogue(random.Random(11))
    seed_opening(parts, warehouses)
    seed_count_work(parts, warehouses)
    return parts, warehouses


def test_the_demo_opens_the_warehouses_by_counts_and_leaves_work_waiting(make_user):
    make_user("warehouse_keeper", username="warehouse_keeper")
    make_user("aftersales_manager", username="aftersales_manager")
    make_user("aftersales_engineer", username="aftersales_engineer")
    parts, warehouses = run()
    openings = StockCount.objects.filter(kind="opening")
    assert openings.count() == 4 and set(openings.values_list("state", flat=True)) == {"posted"}
    opening_kinds = set(
        StockMove.objects.exclude(reference__startswith="DB-")
        .exclude(reference__startswith="BF-")
        .values_list("kind", flat=True)
    )
    assert opening_kinds == {"count"}  # no receipts: the opening balances come from the counts
    central = sum(StockLevel.objects.filter(warehouse=warehouses["CK01"]).values_list("on_hand", flat=True))
    station = sum(StockLevel.objects.filter(warehouse=warehouses["ZD-SZ"]).values_list("on_hand", flat=True))
    van = sum(StockLevel.objects.filter(warehouse=warehouses["CAR-01"]).values_list("on_hand", flat=True))
    assert central > station > van > 0
    below = [
        lv
        for lv in StockLevel.objects.select_related("part").filter(warehouse=warehouses["CK01"])
        if lv.on_hand < lv.effective_min
    ]
    assert below, "a purchase plan needs parts under their minimum"
    monthly = StockCount.objects.get(kind="monthly")
    assert monthly.state == "submitted" and monthly.lines.exclude(reason="").count() == 3
    assert Transfer.objects.count() == 1
    assert sorted(ScrapRequest.objects.values_list("state", flat=True)) == ["posted", "submitted"]
    assert list(stock.discrepancies()) == []
    moves = StockMove.objects.count()
    run((parts, warehouses))
    assert StockMove.objects.count() == moves and StockCount.objects.count() == 5
