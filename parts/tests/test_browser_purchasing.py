"""End to end in a real browser: stock falling under its minimum appears on the purchase plan,
the after-sales manager approves, purchasing orders, and a receipt restocks the part."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales import roles
from conftest import browser_login

from .. import stock
from ..models import PurchasePlanLine, StockLevel, StockMove
from .factories import PartFactory, WarehouseFactory, stock_in
from .purchasing_factories import SupplierPartFactory

pytestmark = pytest.mark.browser


def login_as(page, base_url, user):
    page.context.clear_cookies()
    browser_login(page, base_url, user.username)


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_stock_under_minimum_is_planned_approved_ordered_and_received(browser_page, make_user):
    page, base_url = browser_page
    keeper = make_user(roles.WAREHOUSE_KEEPER, username="keeper_b")
    buyer = make_user(roles.PURCHASING, username="buyer_b")
    manager = make_user(roles.AFTERSALES_MANAGER, username="manager_b")
    part = PartFactory(code="PJ-BRW-01", safety_stock=2, min_stock=5, max_stock=20)
    warehouse = WarehouseFactory(code="CK01", name="中心库")
    warehouse.keepers.add(keeper)
    SupplierPartFactory(part=part, price=Decimal("12.00"), lead_time_days=10, is_preferred=True)
    stock_in(part, warehouse, 8, actor=keeper)
    stock.post([stock.Move(StockMove.Kind.ISSUE, part.pk, warehouse.pk, -6)], actor=keeper)  # 2 left < 5

    # The keeper sees the alert on the start page.
    login_as(page, base_url, keeper)
    assert "PJ-BRW-01" in page.locator("[data-testid=stock-alerts-card]").inner_text()

    # Purchasing finds the part on the month's plan and submits it.
    login_as(page, base_url, buyer)
    page.goto(f"{base_url}/parts/plans/")
    click_and_wait(page, "[data-testid=plan-table] a")
    row = page.locator("[data-testid=line-PJ-BRW-01]")
    assert "18" in row.inner_text()  # up to the maximum: 20 - 2
    click_and_wait(page, "[data-testid=submit]")

    login_as(page, base_url, manager)
    line = PurchasePlanLine.objects.get(part=part)
    page.goto(f"{base_url}{line.plan.get_absolute_url()}")
    click_and_wait(page, "[data-testid=approve]")
    assert page.locator("[data-testid=approve]").count() == 0

    login_as(page, base_url, buyer)
    page.goto(f"{base_url}{line.plan.get_absolute_url()}")
    click_and_wait(page, "[data-testid=line-PJ-BRW-01] [data-testid=order]")
    page.fill("input[name=order_reference]", "PO-2026-118")
    page.fill("input[name=promised_date]", f"{timezone.localdate() + datetime.timedelta(days=7):%Y-%m-%d}")
    click_and_wait(page, "[data-testid=save]")
    click_and_wait(page, "[data-testid=line-PJ-BRW-01] [data-testid=receive]")
    page.fill("input[name=quantity_received]", "18")
    page.fill("input[name=unit_cost]", "11.80")
    click_and_wait(page, "[data-testid=save]")
    assert PurchasePlanLine.objects.get(pk=line.pk).state == "received", page.locator("main form").inner_text()

    level = StockLevel.objects.get(part=part, warehouse=warehouse)
    assert level.on_hand == 20 and level.below_safety_since is None
    receipt_move = StockMove.objects.filter(part=part, kind="receipt").latest("pk")
    assert receipt_move.unit_cost == Decimal("11.80") and receipt_move.reference == line.plan.number
    page.goto(f"{base_url}/parts/alerts/")
    assert page.locator("[data-testid=alert-PJ-BRW-01-CK01]").count() == 0


def test_a_changed_period_refills_quality_and_lead_time_and_keeps_the_other_scores(browser_page, make_user):
    from playwright.sync_api import expect

    from ..services.suppliers import quarter_of
    from .purchasing_factories import PurchasePlanLineFactory, SupplierFactory
    from .test_suppliers import receipt

    page, base_url = browser_page
    buyer = make_user(roles.PURCHASING, username="buyer_r")
    supplier = SupplierFactory()
    line = PurchasePlanLineFactory(supplier=supplier, state="ordered", order_reference="PO")
    today = timezone.localdate()
    earlier = today - datetime.timedelta(days=100)
    receipt(line, 10, 0, today, today, buyer)
    receipt(line, 10, 4, earlier, earlier - datetime.timedelta(days=1), buyer)

    login_as(page, base_url, buyer)
    page.goto(f"{base_url}/parts/suppliers/{supplier.pk}/rate/")
    assert page.input_value("#id_period") == quarter_of(today) and page.input_value("#id_quality") == "100"
    page.fill("#id_qualification", "85")
    page.fill("#id_period", quarter_of(earlier))
    page.dispatch_event("#id_period", "change")
    expect(page.locator("#id_quality")).to_have_value("60")

    assert page.input_value("#id_lead_time") == "0" and page.input_value("#id_qualification") == "85"
    assert quarter_of(earlier) in page.locator("[data-testid=prefill]").inner_text()
