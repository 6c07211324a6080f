"""End to end in a real browser: an engineer asks for parts for a complaint, the manager approves,
the keeper issues, and the complaint page shows the parts and their cost."""

import pytest

from conftest import browser_login

from ..models import Requisition

pytestmark = pytest.mark.browser


def login_as(page, base_url, user):
    page.context.clear_cookies()
    browser_login(page, base_url, user.username)


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_parts_requested_approved_and_issued_show_on_the_complaint(browser_page, req):
    page, base_url = browser_page

    login_as(page, base_url, req.engineer)
    page.goto(f"{base_url}{req.complaint.get_absolute_url()}")
    click_and_wait(page, "[data-testid=new-requisition]")
    page.fill("[data-testid=part-lookup]", "线圈")
    page.wait_for_selector("[data-testid=lookup-results] li")
    assert "CK01: 10" in page.inner_text("[data-testid=lookup-results]")
    page.fill("#id_lines-0-part_code", "PJ-COIL")
    page.select_option("#id_lines-0-warehouse", str(req.store.pk))
    page.fill("#id_lines-0-quantity", "2")
    page.fill("#id_reason", "合闸线圈烧毁，现场更换")
    click_and_wait(page, "[data-testid=save-draft]")
    requisition = Requisition.objects.get()
    click_and_wait(page, "[data-testid=step-submit] button")
    assert page.locator("[data-testid=requisition-state]").inner_text().strip() != ""

    login_as(page, base_url, req.manager)
    page.goto(f"{base_url}{requisition.get_absolute_url()}")
    click_and_wait(page, "[data-testid=step-approve] button")

    login_as(page, base_url, req.keeper)
    page.goto(f"{base_url}{requisition.get_absolute_url()}")
    click_and_wait(page, "[data-testid=step-issue] button")
    requisition.refresh_from_db()
    assert requisition.state == Requisition.State.ISSUED

    login_as(page, base_url, req.engineer)
    page.goto(f"{base_url}{req.complaint.get_absolute_url()}")
    issued = page.inner_text("[data-testid=parts-issued]")
    assert "PJ-COIL" in issued and requisition.number in issued
    assert page.inner_text("[data-testid=parts-total]").strip() == "71.00"  # 2 × 35.50
