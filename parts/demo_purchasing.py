"""Demo purchasing: rated suppliers with documents (one expiring soon) and the parts they supply,
last month's approved plan with orders and a receipt, and this month's plan proposed from minimums.

A rerun finds the suppliers and last month's plan and adds nothing.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales import numbering

from . import services
from .models import PurchasePlan, PurchasePlanLine, Supplier, SupplierContact, SupplierDocument, SupplierPart

SUPPLIERS = [
    ("GYS001", "浙江正泰电器配件有限公司", "浙江省乐清市柳市镇正泰工业园", "0577-6278 8888", "李明", "销售经理"),
    (
        "GYS002",
        "德力西开关配件（温州）有限公司",
        "浙江省温州市经济开发区滨海五道 1 号",
        "0577-8699 1234",
        "王芳",
        "客户经理",
    ),
    ("GYS003", "上海人民电器配件厂", "上海市宝山区长江西路 2000 号", "021-5612 3456", "陈刚", "业务员"),
    ("GYS004", "南京华电绝缘材料有限公司", "江苏省南京市江宁区秣陵街道", "025-5210 7788", "赵丽", "销售"),
]
SCORE_NAMES = ("qualification", "reputation", "quality", "price", "lead_time")


def seed_purchasing(rng: random.Random, parts, warehouses) -> dict:
    """Create the demo suppliers, ratings and plans; return counts for the seed's report."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["purchasing", "aftersales_manager"])}
    buyer, manager = users.get("purchasing"), users.get("aftersales_manager")
    suppliers = _suppliers()
    _offers(rng, suppliers, [p for p in parts if p.is_active][:80])
    if buyer is not None:
        _ratings(rng, suppliers, buyer)
        if manager is not None and "CK01" in warehouses:
            _last_month(rng, buyer, manager, warehouses["CK01"])
    proposed = services.sweep_reorder()
    return {"suppliers": len(suppliers), "proposed": proposed, "plans": PurchasePlan.objects.count()}


def _suppliers() -> list[Supplier]:
    today = timezone.localdate()
    found = []
    for index, (code, name, address, phone, contact, title) in enumerate(SUPPLIERS):
        supplier, created = Supplier.objects.get_or_create(
            code=code,
            defaults={"name": name, "address": address, "phone": phone, "email": f"{code.lower()}@example.com"},
        )
        found.append(supplier)
        if not created:
            continue
        SupplierContact.objects.create(supplier=supplier, name=contact, title=title, phone=phone)
        start = today - datetime.timedelta(days=900)
        SupplierDocument.objects.create(
            supplier=supplier,
            kind="licence",
            number=f"91330382MA{index:04d}X",
            valid_from=start,
            valid_until=today + datetime.timedelta(days=3650),
        )
        # The second supplier's ISO 9001 certificate lapses in three weeks: purchasing is reminded.
        until = today + datetime.timedelta(days=21 if index == 1 else 400 + 90 * index)
        SupplierDocument.objects.create(
            supplier=supplier, kind="iso9001", number=f"00123Q{index:05d}R0M", valid_from=start, valid_until=until
        )
    return found


def _offers(rng, suppliers, parts) -> None:
    if SupplierPart.objects.exists():
        return
    rows = []
    for part in parts:
        chosen = rng.sample(suppliers, 2)
        for rank, supplier in enumerate(chosen):
            factor = Decimal(str(rng.choice([0.85, 0.9, 0.95, 1.0, 1.1])))
            rows.append(
                SupplierPart(
                    supplier=supplier,
                    part=part,
                    price=(part.standard_cost * factor).quantize(Decimal("0.01")),
                    lead_time_days=rng.choice([7, 10, 14, 21, 30]),
                    is_preferred=rank == 0,
                )
            )
    SupplierPart.objects.bulk_create(rows, ignore_conflicts=True)


def _past_quarters(count: int) -> list[str]:
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(count):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        found.append(f"{year}-Q{quarter}")
    return found


def _ratings(rng, suppliers, buyer) -> None:
    for supplier in suppliers:
        base = rng.choice([95, 85, 72, 55])
        for period in reversed(_past_quarters(3)):
            if supplier.ratings.filter(period=period).exists():
                continue
            scores = {name: max(0, min(100, base + rng.randint(-8, 6))) for name in SCORE_NAMES}
            services.rating_save(actor=buyer, supplier=supplier, period=period, scores=scores)


def _last_month(rng, buyer, manager, warehouse) -> None:
    """Last month's plan: approved, three lines ordered, one of them received."""
    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    if PurchasePlan.objects.filter(month=month).exists():
        return
    plan = PurchasePlan.objects.create(month=month, number=numbering.next_number("CG", f"{month:%Y%m}", 2))
    offers = list(SupplierPart.objects.filter(is_preferred=True, part__min_stock__gt=0).select_related("part")[:4])
    for offer in offers:
        PurchasePlanLine.objects.create(
            plan=plan,
            part=offer.part,
            warehouse=warehouse,
            quantity=max(offer.part.max_stock, 4),
            needed_by=timezone.localdate() + datetime.timedelta(days=offer.lead_time_days),
            supplier=offer.supplier,
            unit_price=offer.price,
            source=PurchasePlanLine.Source.MANUAL,
        )
    services.plan_submit(actor=buyer, plan=plan)
    services.plan_approve(actor=manager, plan=plan, note="同意采购")
    today = timezone.localdate()
    for index, line in enumerate(plan.lines.order_by("pk")[:3]):
        services.line_order(
            actor=buyer,
            line=line,
            order_reference=f"PO-{month:%Y%m}-{index + 1:03d}",
            promised_date=today + datetime.timedelta(days=7 * index),
        )
    first = plan.lines.order_by("pk").first()
    services.receipt_record(
        actor=buyer,
        line=first,
        quantity_received=first.quantity,
        quantity_rejected=1,
        unit_cost=first.unit_price,
        received_date=today,
    )
