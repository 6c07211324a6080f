"""End to end in a real browser: log in and open a customer file."""

import pytest

from conftest import browser_login
from customers.models import Customer

pytestmark = pytest.mark.browser


def test_sales_user_logs_in_and_creates_a_customer(browser_page, role_user):
    page, base_url = browser_page
    user = role_user("sales")

    page.goto(f"{base_url}/login/")
    assert "登录" in page.title()
    browser_login(page, base_url, user.username)
    # The browser asks for English, yet the site starts in Chinese.
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("nav a[href='/customers/']")
    page.wait_for_url(f"{base_url}/customers/")
    page.click("a[href='/customers/new/']")

    page.fill("input[name=code]", "kh-9001")
    page.fill("input[name=name]", "南京浦口供电公司")
    page.select_option("select[name=tier]", "A")
    page.fill("input[name=region]", "江苏")
    page.click("main button[type=submit]")

    page.wait_for_selector("h1:has-text('南京浦口供电公司')")
    customer = Customer.objects.get(code="KH-9001")
    assert customer.salesperson == user
    assert page.url.endswith(f"/customers/{customer.pk}/")
    # The contacts tab loads through htmx.
    page.wait_for_selector("#tab-body a[href$='/contacts/new/']")


def test_duplicate_code_shows_the_error_in_the_form(browser_page, role_user):
    page, base_url = browser_page
    Customer.objects.create(code="KH-1", name="已有客户")
    browser_login(page, base_url, role_user("aftersales_manager").username)

    page.goto(f"{base_url}/customers/new/")
    page.fill("input[name=code]", "KH-1")
    page.fill("input[name=name]", "另一个客户")
    page.click("main button[type=submit]")

    page.wait_for_selector(".invalid-feedback")
    assert Customer.objects.filter(name="另一个客户").count() == 0
