"""Demo service plans: a quarterly inspection (one visit done, one overdue), an annual maintenance, a monthly one.

Called from ``servicing.demo.seed`` as ``seed_plans(users=..., stdout=...)``; adds nothing when
the demo plans are there already.
"""

import datetime

from django.utils import timezone

from customers.models import Customer, Delivery

from .models import ServicePlan, ServiceVisit
from .models.plans import add_months
from .services import plan_save, plan_visits_generate

NAMES = ("季度巡检（开关柜）", "年度保养（环网柜）", "月度巡检（配电室）")


def seed_plans(*, users: dict, stdout) -> None:
    if ServicePlan.objects.filter(name__in=NAMES).exists():
        stdout.write("Service plans: demo plans already there, nothing added.")
        return
    manager, engineer = users["aftersales_manager"], users["aftersales_engineer"]
    today = timezone.localdate()
    mine = list(Customer.objects.filter(salesperson=users["sales"], is_active=True).order_by("code")[:2])
    theirs = Customer.objects.filter(salesperson=users["sales2"], is_active=True).order_by("code").first()
    if len(mine) < 2 or theirs is None:
        stdout.write("Service plans: no demo customers of sales and sales2, nothing added.")
        return
    unit = Delivery.objects.filter(customer=mine[0]).order_by("pk").first()
    common = {"actor": manager, "engineer": engineer, "notes": "依据售后服务计划（年度/季度/月度）"}
    first = add_months(today - datetime.timedelta(days=5), -3)
    quarterly = plan_save(
        name=NAMES[0], kind="inspection", customer=mine[0], delivery=unit, frequency="quarterly", first_date=first,
        **common,
    )  # fmt: skip
    plan_save(
        name=NAMES[1], kind="maintenance", customer=mine[1], frequency="annual",
        first_date=today + datetime.timedelta(days=10), **common,
    )  # fmt: skip
    plan_save(
        name=NAMES[2], kind="inspection", customer=theirs, frequency="monthly",
        first_date=today + datetime.timedelta(days=3), **common,
    )  # fmt: skip
    _done_visit(quarterly, first)
    created = plan_visits_generate(today=today)
    stdout.write(f"Service plans: 3 plans, {created + 1} visits (one done, one overdue).")


def _done_visit(plan: ServicePlan, day: datetime.date) -> None:
    """Record last quarter's inspection as done on its day (history from before the demo)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(9), tzinfo=tz)
    ServiceVisit.objects.create(
        plan=plan,
        occurrence=day,
        customer=plan.customer,
        engineer=plan.engineer,
        dispatched_by=plan.created_by,
        purpose=plan.kind,
        planned_start=start,
        actual_start=start,
        actual_end=start + datetime.timedelta(hours=3),
        place=plan.customer.address,
        work_done="柜体外观、母线连接、断路器分合闸检查，未见异常",
        result=ServiceVisit.Result.RESOLVED,
        customer_acceptance_name="现场负责人",
        customer_acceptance_date=day,
    )
