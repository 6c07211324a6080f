"""Demo customer property: one unit at the test lab, one returned, one damaged and reported.

Call ``seed_property(users=..., stdout=...)`` from ``servicing/demo.py``'s ``seed``; it skips
when the demo records exist. Every record goes through the services, as in real use.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.models import Customer, Delivery

from .models import CustomerProperty
from .services import (
    property_move,
    property_receive,
    property_record_loss,
    property_report_loss,
    property_return,
)

USERNAMES = ["aftersales_engineer", "aftersales_manager", "quality_leader", "warehouse_keeper"]
MARK = "（演示）"


def demo_users() -> dict:
    return {u.username: u for u in get_user_model().objects.filter(username__in=USERNAMES)}


def seed_property(*, users: dict | None = None, stdout) -> None:
    users = users or demo_users()
    if CustomerProperty.objects.filter(description__endswith=MARK).exists():
        stdout.write("Customer property: demo records already there, nothing added.")
        return
    engineer, keeper = users["aftersales_engineer"], users.get("warehouse_keeper") or users["aftersales_manager"]
    leader = users.get("quality_leader") or users["aftersales_manager"]
    units = list(Delivery.objects.select_related("customer", "product_model").exclude(serial_number="")[:3])
    if len(units) < 3:
        stdout.write("Customer property: no demo deliveries, nothing added.")
        return
    days_ago = timezone.now() - datetime.timedelta(days=12)

    def receive(unit, what, place, actor):
        return property_receive(
            actor=actor,
            customer=unit.customer,
            product_model=unit.product_model,
            serial_number=unit.serial_number,
            description=f"{what}{MARK}",
            condition="外观完好，铭牌清晰，随附合格证",
            storage_place=place,
            received_at=days_ago,
        )

    at_lab = receive(units[0], "断路器手车，送检复测", "售后仓库 A-01", keeper)
    property_move(actor=keeper, record=at_lab, to_holder=engineer, to_place="试验室", reason="耐压及机械特性试验")
    returned = receive(units[1], "综保装置，返厂维修", "维修车间", engineer)
    property_return(actor=engineer, record=returned, returned_to="客户设备科 王工", returned_on=timezone.localdate())
    damaged = receive(units[2], "电流互感器，送检", "试验室", engineer)
    property_record_loss(
        actor=leader,
        record=damaged,
        loss_kind=CustomerProperty.LossKind.DAMAGED,
        loss_found_on=timezone.localdate() - datetime.timedelta(days=2),
        loss_found_by="试验室 李工",
        loss_description="搬运时跌落，外壳开裂，二次端子损坏",
    )
    property_report_loss(
        actor=leader,
        record=damaged,
        report_method=CustomerProperty.ReportMethod.PHONE,
        reported_to=str(Customer.objects.get(pk=damaged.customer_id).name),
        report_note="已电话致歉，约定免费更换同型号互感器",
    )
    stdout.write("Customer property: 3 demo records (at the test lab, returned, damaged and reported).")
