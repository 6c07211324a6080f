"""Demo data of installation and commissioning: two checklists and two reports (one accepted, one draft).

Called as ``seed_commissioning(users=..., stdout=...)`` from servicing's demo seed; idempotent.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.models import Delivery, ProductModel

from .models import CommissioningReport
from .models.commissioning import ItemKind
from .services import (
    checklist_save,
    commissioning_accept,
    commissioning_complete,
    commissioning_dispatch,
    commissioning_results_save,
)

M = ItemKind.MEASURED
CHECKLISTS = {
    "KYN28A-12": [
        {"text": "柜体安装水平度、垂直度检查", "kind": ItemKind.CHECK},
        {"text": "主接地母线连接可靠", "kind": ItemKind.CHECK},
        {"text": "主回路绝缘电阻（2500V 兆欧表）", "kind": M, "unit": "MΩ", "min_value": Decimal("1000")},
        {"text": "主回路电阻", "kind": M, "unit": "μΩ", "max_value": Decimal("120")},
        {"text": "断路器合闸时间", "kind": M, "unit": "ms", "min_value": Decimal("35"), "max_value": Decimal("70")},
        {"text": "五防联锁功能正确", "kind": ItemKind.CHECK},
        {"text": "柜内清洁、无遗留物", "kind": ItemKind.CHECK, "required": False},
    ],
    "XGN15-12": [
        {"text": "SF6 气压表指示在绿区", "kind": ItemKind.CHECK},
        {"text": "主回路绝缘电阻", "kind": M, "unit": "MΩ", "min_value": Decimal("1000")},
        {"text": "负荷开关分合闸操作 5 次正常", "kind": ItemKind.CHECK},
        {"text": "带电显示器指示正确", "kind": ItemKind.CHECK},
    ],
}
GOOD_VALUES = {"MΩ": Decimal("2500"), "μΩ": Decimal("85"), "ms": Decimal("52")}


def seed_commissioning(*, users: dict, stdout) -> None:
    """Write the two checklists if missing and commission one unit of each model."""
    wanted = ["aftersales_manager", "aftersales_engineer"]
    users = users or {u.username: u for u in get_user_model().objects.filter(username__in=wanted)}
    manager, engineer = users["aftersales_manager"], users["aftersales_engineer"]
    models = {m.code: m for m in ProductModel.objects.filter(code__in=CHECKLISTS)}
    for code, items in CHECKLISTS.items():
        if code in models and not hasattr(models[code], "commissioning_checklist"):
            checklist_save(actor=manager, product_model=models[code], items=items)
    if CommissioningReport.objects.exists():
        stdout.write("Commissioning: reports already there, skipped.")
        return
    now = timezone.now()
    made = 0
    for code, accepted in (("KYN28A-12", True), ("XGN15-12", False)):
        delivery = Delivery.objects.filter(product_model__code=code).exclude(serial_number="").order_by("-id").first()
        if delivery is None:
            continue
        start = now - datetime.timedelta(days=3 if accepted else 0, hours=2)
        visit = commissioning_dispatch(
            actor=manager, delivery=delivery, engineer=engineer, planned_start=start, place=delivery.customer.address
        )
        if accepted:
            _commission(visit.commissioning_report, engineer, now.date() - datetime.timedelta(days=2))
        made += 1
    stdout.write(f"Commissioning: 2 checklists, {made} reports.")


def _commission(report, engineer, accepted_on) -> None:
    results = {}
    for line in report.lines.all():
        if line.is_measured:
            results[line.pk] = {"measured_value": GOOD_VALUES.get(line.unit, line.min_value or line.max_value)}
        else:
            results[line.pk] = {"checked": True}
    remarks = "调试合格，已培训用户值班人员 3 名。"
    commissioning_results_save(actor=engineer, report=report, results=results, remarks=remarks)
    commissioning_complete(actor=engineer, report=report)
    commissioning_accept(actor=engineer, report=report, name="张科长", date=accepted_on)
