"""The demo purchasing data: rated suppliers, an approved plan with a receipt, a plan from minimums; once."""

import random

import pytest

from aftersales import roles
from parts import stock
from parts.demo_catalogue import seed_catalogue
from parts.demo_purchasing import seed_purchasing
from parts.models import PurchasePlan, PurchaseReceipt, StockLevel, StockMove, Supplier, SupplierRating

pytestmark = pytest.mark.django_db


def test_demo_purchasing_seeds_once(make_user):
    make_user(roles.PURCHASING, username="purchasing")
    make_user(roles.AFTERSALES_MANAGER, username="aftersales_manager")
    keeper = make_user(roles.WAREHOUSE_KEEPER, username="warehouse_keeper")
    parts, warehouses = seed_catalogue(random.Random(11))
    # Some stock below its minimum, as the counts and requisitions of the other demo areas leave it.
    low = [p for p in parts if p.min_stock > 1 and p.is_active][10:13]
    stock.post(
        [stock.Move(StockMove.Kind.RECEIPT, p.pk, warehouses["ZD-SZ"].pk, p.min_stock - 1) for p in low], actor=keeper
    )
    counts = seed_purchasing(random.Random(11), parts, warehouses)
    assert counts["suppliers"] == 4 and Supplier.objects.filter(grade__in="ABCD").count() == 4
    assert SupplierRating.objects.count() == 12
    approved = PurchasePlan.objects.get(state=PurchasePlan.State.APPROVED)
    assert approved.lines.filter(state="ordered").exists() and PurchaseReceipt.objects.count() == 1
    draft = PurchasePlan.objects.get(state=PurchasePlan.State.DRAFT)
    assert {line.part_id for line in draft.lines.all()} >= {p.pk for p in low}
    before = (PurchasePlan.objects.count(), StockMove.objects.count(), SupplierRating.objects.count())
    seed_purchasing(random.Random(11), parts, warehouses)
    assert (PurchasePlan.objects.count(), StockMove.objects.count(), SupplierRating.objects.count()) == before
    assert list(stock.discrepancies()) == [] and StockLevel.objects.exists()
