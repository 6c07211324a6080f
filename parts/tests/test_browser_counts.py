"""End to end in a real browser: a count posts a variance.

The keeper starts the monthly key-part count of the central store, keys in the counted
quantities (one short, with its reason) and submits; the after-sales manager approves;
the keeper posts, and the part's balance and the ledger show the count adjustment.
"""

import pytest

from conftest import browser_login
from parts.models import StockCount, StockLevel, StockMove

from .factories import PartFactory, WarehouseFactory, stock_in

pytestmark = pytest.mark.browser


def switch(page, base_url, username):
    page.context.clear_cookies()
    browser_login(page, base_url, username)


def test_a_count_posts_a_variance(browser_page, make_user):
    page, base_url = browser_page
    keeper = make_user("warehouse_keeper", username="keeper")
    make_user("aftersales_manager", username="manager")
    central = WarehouseFactory(code="CK01", name="中心库")
    central.keepers.add(keeper)
    short, exact = PartFactory(code="PJ-KEY-01", is_key=True), PartFactory(code="PJ-KEY-02", is_key=True)
    stock_in(short, central, 12, actor=keeper)
    stock_in(exact, central, 4, actor=keeper)

    browser_login(page, base_url, "keeper")
    page.goto(f"{base_url}/parts/counts/new/")
    page.select_option("select[name=warehouse]", str(central.pk))
    page.select_option("select[name=kind]", "monthly")
    page.check("input[name=key_parts_only]")
    page.locator("[data-testid=count-form] button[type=submit]").click()
    page.wait_for_selector("[data-testid=count-lines]")
    count = StockCount.objects.get()
    lines = {line.part_id: line.pk for line in count.lines.all()}

    # A typing error first: the line is marked, nothing saved, what was typed stays.
    page.fill(f"input[name=counted-{lines[short.pk]}]", "10")
    page.fill(f"input[name=counted-{lines[exact.pk]}]", "four")
    page.get_by_test_id("save-counts").click()
    page.wait_for_selector("[data-testid=entry-errors]")
    assert page.input_value(f"input[name=counted-{lines[short.pk]}]") == "10"
    page.fill(f"input[name=counted-{lines[exact.pk]}]", "4")
    page.fill(f"input[name=reason-{lines[short.pk]}]", "两件装车未登记")
    page.get_by_test_id("save-counts").click()
    page.wait_for_selector("[data-testid=entry-errors]", state="detached")
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("submit").click()
    page.wait_for_load_state("networkidle")
    count.refresh_from_db()
    assert count.state == StockCount.State.SUBMITTED

    switch(page, base_url, "manager")
    page.goto(f"{base_url}/parts/counts/{count.pk}/variances/")
    assert "PJ-KEY-01" in page.get_by_test_id("variance-table").inner_text()
    page.goto(f"{base_url}/parts/counts/{count.pk}/")
    page.get_by_test_id("approve").click()
    page.wait_for_load_state("networkidle")
    count.refresh_from_db()
    assert count.state == StockCount.State.APPROVED

    switch(page, base_url, "keeper")
    page.goto(f"{base_url}/parts/counts/{count.pk}/")
    page.get_by_test_id("post").click()
    page.wait_for_load_state("networkidle")
    count.refresh_from_db()
    assert count.state == StockCount.State.POSTED
    assert StockLevel.objects.get(part=short, warehouse=central).on_hand == 10
    move = StockMove.objects.get(kind=StockMove.Kind.COUNT)
    assert (move.part, move.quantity, move.balance_after, move.reference) == (short, -2, 10, count.number)
    assert move.reason == "两件装车未登记"
    assert "两件装车未登记" in page.get_by_test_id("count-lines").inner_text()
