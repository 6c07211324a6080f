"""Demo requisitions in every state, for demo complaints and visits, and one van restock."""

from django.contrib.auth import get_user_model

from complaints.models import Complaint
from servicing.models import ServiceVisit

from . import services
from .demo_catalogue import VARIANTS
from .models import Requisition

# state to reach, purpose, [(index into the demo parts, quantity)], reason
PLAN = [
    ("draft", "complaint", [(2, 1)], "合闸线圈烧毁，准备更换"),
    ("submitted", "complaint", [(3, 2), (5, 1)], "分闸线圈及辅助开关老化"),
    ("approved", "visit", [(4, 1)], "储能电机不储能，现场更换"),
    ("rejected", "complaint", [(0, 2)], "真空灭弧室真空度下降"),
    ("partly_issued", "complaint", [(2, 2), (6, 2)], "带电显示器不亮，线圈备用"),
    ("issued", "visit", [(7, 1)], "电流互感器二次开路损坏"),
    ("closed", "complaint", [(2, 3)], "合闸线圈更换，余件退库"),
    ("cancelled", "complaint", [(9, 1)], "综保装置故障，客户改为返厂维修"),
    ("issued", "restock", [(2, 4), (3, 4)], "服务车常用件补货"),
]


def _users():
    names = ["aftersales_engineer", "aftersales_manager", "warehouse_keeper"]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    return [users.get(name) for name in names]


def _target(purpose, complaints, visits, warehouses) -> dict:
    if purpose == "visit" and visits:
        return {"purpose": "visit", "visit": visits.pop()}
    if purpose == "restock":
        return {"purpose": "restock", "target_warehouse": warehouses["CAR-01"]}
    return {"purpose": "complaint", "complaint": complaints.pop()}


def _advance(requisition, state, engineer, manager, keeper):
    if state == "draft":
        return
    services.requisition_submit(actor=engineer, requisition=requisition)
    if state == "submitted":
        return
    if state == "rejected":
        services.requisition_reject(actor=manager, requisition=requisition, reason="该件可修复，先返厂检测")
        return
    services.requisition_approve(actor=manager, requisition=requisition)
    if state == "cancelled":
        services.requisition_cancel(actor=engineer, requisition=requisition, reason="客户改为返厂维修")
        return
    if state == "approved":
        return
    lines = list(requisition.lines.all())
    partly = state == "partly_issued"
    quantities = {line.pk: (1 if partly else line.quantity_approved) for line in lines}
    services.requisition_issue(actor=keeper, requisition=requisition, quantities=quantities)
    if state == "closed":
        line = lines[0]
        services.requisition_return(actor=keeper, requisition=requisition, quantities={line.pk: 1}, reason="未用完")
        services.requisition_close(actor=engineer, requisition=requisition)


def seed_requisitions(parts, warehouses) -> int:
    """Create the demo requisitions once; return how many exist."""
    engineer, manager, keeper = _users()
    if Requisition.objects.exists() or None in (engineer, manager, keeper):
        return Requisition.objects.count()
    store = warehouses["CK01"]
    complaints = list(Complaint.objects.order_by("-received_at")[:8])
    visits = list(ServiceVisit.objects.filter(complaint__isnull=False).order_by("-planned_start")[:2])
    for state, purpose, lines, reason in PLAN:
        if not complaints:
            break
        rows = [{"part": parts[i * VARIANTS], "warehouse": store, "quantity": q} for i, q in lines]
        target = _target(purpose, complaints, visits, warehouses)
        requisition = services.requisition_create(actor=engineer, lines=rows, reason=reason, **target)
        _advance(requisition, state, engineer, manager, keeper)
    return Requisition.objects.count()
