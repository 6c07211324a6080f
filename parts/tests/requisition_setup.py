"""The people, warehouses, parts and records the requisition tests share."""

from types import SimpleNamespace

import pytest

from aftersales import roles
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import CustomerFactory
from servicing.tests.factories import ServiceVisitFactory

from .. import services
from ..models import Warehouse
from .factories import PartFactory, WarehouseFactory, stock_in


@pytest.fixture
def req(make_user):
    """Two engineers, the manager, two keepers, management, sales; a store, a van, two parts in stock."""
    w = SimpleNamespace(
        engineer=make_user(roles.AFTERSALES_ENGINEER, username="engineer", email="engineer@example.com"),
        other_engineer=make_user(roles.AFTERSALES_ENGINEER, username="other_engineer"),
        manager=make_user(roles.AFTERSALES_MANAGER, username="manager", email="manager@example.com"),
        keeper=make_user(roles.WAREHOUSE_KEEPER, username="keeper", email="keeper@example.com"),
        other_keeper=make_user(roles.WAREHOUSE_KEEPER, username="other_keeper"),
        management=make_user(roles.MANAGEMENT, username="management"),
        sales=make_user(roles.SALES, username="sales"),
    )
    w.store = WarehouseFactory(code="CK01", name="中心库")
    w.store.keepers.add(w.keeper)
    w.station = WarehouseFactory(code="ZD-SZ", name="苏州服务站", kind=Warehouse.Kind.STATION)
    w.station.keepers.add(w.other_keeper)
    w.van = WarehouseFactory(code="CAR-01", name="服务车01", kind=Warehouse.Kind.VAN)
    w.van.keepers.add(w.engineer)
    w.coil, w.relay = PartFactory(code="PJ-COIL", name="合闸线圈"), PartFactory(code="PJ-RELAY", name="中间继电器")
    for part in (w.coil, w.relay):
        stock_in(part, w.store, 10)
    w.customer = CustomerFactory(salesperson=w.sales)
    w.complaint = ComplaintFactory(customer=w.customer)
    w.visit = ServiceVisitFactory(complaint=w.complaint, engineer=w.engineer)
    return w


def draft(w, *, actor=None, lines=None, **target):
    """Draft a requisition for the complaint (or ``target``) with 3 coils and 2 relays from the store."""
    lines = lines or [
        {"part": w.coil, "warehouse": w.store, "quantity": 3},
        {"part": w.relay, "warehouse": w.store, "quantity": 2},
    ]
    target = target or {"purpose": "complaint", "complaint": w.complaint}
    return services.requisition_create(actor=actor or w.engineer, lines=lines, reason="合闸线圈烧毁", **target)


def submitted(w, **kwargs):
    return services.requisition_submit(actor=w.engineer, requisition=draft(w, **kwargs))


def approved(w, **kwargs):
    return services.requisition_approve(actor=w.manager, requisition=submitted(w, **kwargs))


def issued(w, **kwargs):
    requisition = approved(w, **kwargs)
    quantities = {line.pk: line.quantity_approved for line in requisition.lines.all()}
    return services.requisition_issue(actor=w.keeper, requisition=requisition, quantities=quantities)
