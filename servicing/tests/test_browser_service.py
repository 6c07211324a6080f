"""End to end in a real browser: a service plan's inspection finds a fault that is quoted, accepted and approved.

The after-sales manager plans a quarterly inspection of a customer's unit; the daily beat
creates its visit (once, however often it runs); the engineer records the visit and a
finding that opens a complaint; the unit is out of warranty, so the engineer quotes the
repair, the manager's signature is refused until the salesperson records the customer's
acceptance, and then it moves the complaint to rectification.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from aftersales import roles as r
from complaints.models import Complaint
from conftest import browser_login
from customers.tests.factories import ContactFactory, CustomerFactory, DeliveryFactory, ProductModelFactory

from ..models import Finding, Quote, QuoteLine, ServicePlan, ServiceVisit
from ..tasks import generate_plan_visits

pytestmark = pytest.mark.browser

SERIAL = "SN20230415K12"
PLAN_NAME = "华能配电室季度巡检"
FINDING_TITLE = "3号进线柜断路器操作机构卡滞"
# Parts, parts and labour: 4860.00 + 2 × 356.50 + 6.5 h × 180.00 = 6743.00 before tax;
# 13 % tax = 876.59; 7619.59 with tax.
QUOTE_LINES = [
    ("parts", "VS1-12 断路器操作机构总成", "1", "4860.00"),
    ("parts", "合闸线圈 DC220V", "2", "356.50"),
    ("labour", "现场更换及调试（工时）", "6.5", "180.00"),
]
SUBTOTAL, TAX, TOTAL = "6743.00", "876.59", "7619.59"
# What the quote gate (servicing.quotes_hooks.quote_gate) says when it refuses rectification.
GATE_MESSAGE = (
    "Complaint %(number)s is out of warranty: rectification waits for the customer's acceptance of a repair quote."
)


def _beat(task):
    """Run ``task`` as the beat's worker would, and return what it returned.

    ``.result`` rather than ``.get()``: a test that ran a worker in this process leaves
    Celery believing it is inside a task, where ``get()`` refuses to block.
    """
    result = task.apply()
    assert result.successful(), result.traceback
    return result.result


def zh(text) -> str:
    """Return ``text`` (a lazy label or a msgid) as the Chinese pages show it, translated or not yet."""
    with translation.override("zh-hans"):
        return gettext(text) if isinstance(text, str) else str(text)


def login_as(page, base_url, user):
    """Log out whoever is in, then log in as ``user``."""
    page.context.clear_cookies()
    browser_login(page, base_url, user.username)


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def success_text(page) -> str:
    return " ".join(page.locator("main .alert-success").all_inner_texts())


def actions(page) -> list[str]:
    return page.locator("[data-testid=actions] button[data-action]").evaluate_all(
        "buttons => buttons.map(b => b.dataset.action)"
    )


def open_action(page, name):
    page.click(f"[data-testid=actions] button[data-action={name}]")
    page.wait_for_selector(f"#action-{name}.show")


def submit_action(page, name):
    click_and_wait(page, f"#action-{name} button[type=submit]")
    assert page.locator("[data-testid=action-errors], .invalid-feedback").count() == 0
    assert page.locator(f"#action-{name}.show").count() == 0


def state_badge(page) -> str:
    return page.inner_text("[data-testid=complaint-header] [data-testid=state]").strip()


def plan_visit_rows(page):
    """The rows of generated visits on the plan page (the empty table has one row, without a link)."""
    return page.locator("[data-testid=plan-visits] tbody tr:has(a)")


@pytest.fixture
def cast(role_user):
    """The salesperson, the engineer and the after-sales manager, with names to find on the pages."""
    names = {
        r.SALES: ("李", "晓梅"),
        r.AFTERSALES_ENGINEER: ("张", "志强"),
        r.AFTERSALES_MANAGER: ("陈", "国栋"),
    }
    users = []
    for code, (last_name, first_name) in names.items():
        user = role_user(code)
        user.last_name, user.first_name = last_name, first_name
        user.save(update_fields=["last_name", "first_name"])
        users.append(user)
    return users


@pytest.fixture
def site(cast):
    """The salesperson's customer, its primary contact (with e-mail) and a unit out of warranty."""
    sales = cast[0]
    model = ProductModelFactory(code="KYN28A-12", name="铠装移开式交流金属封闭开关设备", warranty_months=24)
    customer = CustomerFactory(
        name="江苏华能配电工程有限公司",
        code="KH-3207",
        region="江苏",
        address="南京市江宁区天元东路88号",
        salesperson=sales,
    )
    contact = ContactFactory(
        customer=customer, name="王建国", phone="13951234567", email="wangjg@huaneng-pd.example", is_primary=True
    )
    unit = DeliveryFactory(
        customer=customer,
        product_model=model,
        serial_number=SERIAL,
        batch_number="B2023-04",
        delivery_date=timezone.localdate() - datetime.timedelta(days=3 * 365),
    )
    return customer, contact, unit


def test_an_inspection_finding_is_quoted_accepted_and_approved_through_the_pages(browser_page, cast, site):
    page, base_url = browser_page
    sales, engineer, manager = cast
    customer, contact, unit = site
    today = timezone.localdate()
    assert not unit.in_warranty(today)

    # 1. The after-sales manager plans a quarterly inspection of the unit, from today.
    login_as(page, base_url, manager)
    page.click("[data-testid=nav-service]")
    page.click("[data-testid=nav-plans]")
    page.wait_for_url(f"{base_url}/service/plans/")
    click_and_wait(page, "[data-testid=new-plan]")
    assert page.url == f"{base_url}/service/plans/new/"
    page.fill("#id_name", PLAN_NAME)
    page.select_option("#id_kind", ServicePlan.Kind.INSPECTION)
    page.select_option("#id_customer", str(customer.pk))
    page.fill("#id_serial_number", SERIAL)
    page.select_option("#id_frequency", ServicePlan.Frequency.QUARTERLY)
    page.fill("#id_first_date", today.isoformat())
    page.select_option("#id_engineer", str(engineer.pk))
    page.fill("#id_notes", "重点检查断路器操作机构、母线连接及柜内温湿度。")
    click_and_wait(page, "main form button[type=submit]")

    plan = ServicePlan.objects.get()
    assert page.url == f"{base_url}/service/plans/{plan.pk}/"
    assert PLAN_NAME in success_text(page)
    assert PLAN_NAME in page.inner_text("h1")
    header = page.inner_text("main h1.page-title + .text-muted")
    assert zh(ServicePlan.Frequency.QUARTERLY.label) in header
    assert customer.name in header and SERIAL in header
    details = page.inner_text("main dl.dl-compact >> nth=0")
    assert today.isoformat() in details and "张志强" in details and "陈国栋" in details
    assert (plan.frequency, plan.first_date, plan.engineer, plan.delivery) == ("quarterly", today, engineer, unit)
    assert plan_visit_rows(page).count() == 0  # nothing generated yet

    # 2. The beat creates the visit of today's date; running it again creates nothing more.
    assert _beat(generate_plan_visits) == 1
    page.reload()
    rows = plan_visit_rows(page)
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert today.isoformat() in row and customer.name in row and "张志强" in row
    assert _beat(generate_plan_visits) == 0
    page.reload()
    assert plan_visit_rows(page).count() == 1
    assert page.locator(f"[data-testid=plan-visits] a:text-is('{today.isoformat()}')").count() == 1
    visit = ServiceVisit.objects.get(plan=plan)
    assert (visit.occurrence, visit.engineer, visit.customer) == (today, engineer, customer)

    # 3. The engineer finds the planned visit in "my work", records it and a finding that opens a complaint.
    login_as(page, base_url, engineer)
    page.click("[data-testid=nav-my-work]")
    page.wait_for_url(f"{base_url}/complaints/mine/")
    planned = page.locator("[data-testid=my-planned-visits] tbody tr")
    assert planned.count() == 1
    assert PLAN_NAME in planned.first.inner_text() and customer.name in planned.first.inner_text()
    click_and_wait(page, f"[data-testid=my-planned-visits] a:text-is('{today.isoformat()}')")
    assert page.url == f"{base_url}/service/visits/{visit.pk}/"
    assert PLAN_NAME in page.inner_text("main")

    now = timezone.localtime().replace(second=0, microsecond=0)
    started, ended = now - datetime.timedelta(hours=2), now - datetime.timedelta(minutes=20)
    page.fill("#id_actual_start", f"{started:%Y-%m-%dT%H:%M}")
    page.fill("#id_actual_end", f"{ended:%Y-%m-%dT%H:%M}")
    page.fill("#id_work_done", "完成10kV配电室季度巡检：母线连接紧固、柜内清扫、红外测温正常；3号进线柜合闸操作卡滞。")
    page.select_option("#id_result", ServiceVisit.Result.PARTLY)
    page.fill("#id_customer_acceptance_name", "王建国")
    page.fill("#id_customer_acceptance_date", today.isoformat())
    page.fill("#id_customer_remarks", "巡检及时，请尽快处理3号柜。")
    click_and_wait(page, "main form:has(#id_work_done) button[type=submit]")
    assert page.url == f"{base_url}/service/visits/{visit.pk}/"
    assert page.locator("main .alert-danger, .invalid-feedback").count() == 0
    assert zh("Visit record saved.") in success_text(page)
    assert page.input_value("#id_actual_end") == f"{ended:%Y-%m-%dT%H:%M}"
    assert "红外测温正常" in page.input_value("#id_work_done")
    assert page.input_value("#id_customer_acceptance_name") == "王建国"
    visit.refresh_from_db()
    assert visit.actual_end == ended and visit.customer_acceptance_date == today

    click_and_wait(page, "[data-testid=record-finding]")
    assert page.url == f"{base_url}/service/visits/{visit.pk}/finding/"
    page.check("input[name=opens][value=complaint]")
    page.fill("#id_title", FINDING_TITLE)
    page.fill("#id_description", "巡检时发现3号进线柜断路器合闸操作卡滞，操作机构储能弹簧疲劳，需更换操作机构总成。")
    page.select_option("#id_severity", "general")
    click_and_wait(page, "main form button[type=submit]")

    assert page.url == f"{base_url}/service/visits/{visit.pk}/"
    finding = Finding.objects.get()
    number = finding.complaint.number
    assert re.fullmatch(rf"TS-{today:%Y%m}-\d{{4}}", number)
    assert number in success_text(page)
    findings = page.inner_text("[data-testid=findings]")
    assert number in findings and "储能弹簧疲劳" in findings
    # The planned visit is done: it no longer waits in the engineer's "my work".
    page.click("[data-testid=nav-my-work]")
    page.wait_for_url(f"{base_url}/complaints/mine/")
    assert page.locator("[data-testid=my-planned-visits]").count() == 0
    page.go_back()
    page.wait_for_selector("[data-testid=findings]")

    click_and_wait(page, f"[data-testid=findings] a:text-is('{number}')")
    assert page.url == f"{base_url}/complaints/{number}/"
    assert page.inner_text("[data-testid=number]").strip() == number
    origin = page.inner_text("[data-testid=from-inspection]")
    assert zh("Opened from an inspection") in origin
    assert PLAN_NAME in origin and today.isoformat() in origin and "张志强" in origin
    assert FINDING_TITLE in page.inner_text("h1")
    assert zh(Complaint.Warranty.OUT.label) in page.inner_text("main")
    assert SERIAL in page.inner_text("main")
    complaint = Complaint.objects.get(number=number)
    assert (complaint.channel, complaint.warranty_status) == (Complaint.Channel.VISIT, Complaint.Warranty.OUT)

    # 4. The engineer analyses (customer-caused, a paid repair) and submits for approval.
    open_action(page, "start_analysis")
    submit_action(page, "start_analysis")
    assert state_badge(page) == "分析中"
    open_action(page, "analysis")
    page.select_option("#id_analysis-responsibility", Complaint.Responsibility.CUSTOMER)
    page.fill("#id_analysis-responsibility_reason", "设备已过质保期，操作机构长期未按规程维护保养导致储能弹簧疲劳。")
    page.select_option("#id_analysis-disposal", Complaint.Disposal.REPAIR)
    page.fill("#id_analysis-disposal_plan", "有偿更换操作机构总成及合闸线圈，现场调试。")
    submit_action(page, "analysis")
    open_action(page, "submit_for_approval")
    submit_action(page, "submit_for_approval")
    assert state_badge(page) == "待审批"
    assert page.locator("[data-testid=quote-gate]").is_visible()

    # The engineer prepares the repair quote from the complaint page's quote panel.
    click_and_wait(page, "[data-testid=quotes-panel] [data-testid=new-quote]")
    assert page.url == f"{base_url}/service/complaint/{number}/quotes/new/"
    assert page.input_value("#id_tax_rate") == "13.00"
    for n, (kind, description, quantity, price) in enumerate(QUOTE_LINES):
        page.select_option(f"#id_lines-{n}-kind", kind)
        page.fill(f"#id_lines-{n}-description", description)
        page.fill(f"#id_lines-{n}-quantity", quantity)
        page.fill(f"#id_lines-{n}-unit_price", price)
    page.fill("#id_notes", "报价含税，有效期30天；配件质保12个月。")
    click_and_wait(page, "[data-testid=quote-form] button[type=submit]")

    quote = Quote.objects.get(complaint=complaint)
    assert page.url == f"{base_url}/service/quotes/{quote.pk}/"
    assert re.fullmatch(rf"BJ-{today:%Y%m}-\d{{4}}", quote.number)
    assert quote.number in page.inner_text("h1")
    assert quote.number in success_text(page)
    assert page.inner_text("[data-testid=quote-state]").strip() == zh(Quote.State.DRAFT.label)
    lines = page.locator("[data-testid=lines] tbody tr")
    assert lines.count() == 3
    assert "4860.00" in lines.nth(0).inner_text() and "713.00" in lines.nth(1).inner_text()
    assert "1170.00" in lines.nth(2).inner_text() and zh(QuoteLine.Kind.LABOUR.label) in lines.nth(2).inner_text()
    assert page.inner_text("[data-testid=subtotal]").strip() == SUBTOTAL
    assert page.inner_text("[data-testid=tax]").strip() == TAX
    assert page.inner_text("[data-testid=total]").strip() == TOTAL
    assert "13.00" in page.inner_text("tr:has([data-testid=tax]) th")
    assert (quote.subtotal, quote.tax_amount, quote.total) == (Decimal(SUBTOTAL), Decimal(TAX), Decimal(TOTAL))

    # It is sent by e-mail: the customer's primary contact receives it.
    page.select_option("[data-testid=send-form] select[name=via]", Quote.Via.EMAIL)
    click_and_wait(page, "[data-testid=send-form] button[type=submit]")
    assert page.url == f"{base_url}/service/quotes/{quote.pk}/"
    assert quote.number in success_text(page)
    assert page.inner_text("[data-testid=quote-state]").strip() == zh(Quote.State.SENT.label)
    sent = page.inner_text("[data-testid=sent]")
    assert "张志强" in sent and zh(Quote.Via.EMAIL.label) in sent
    assert "李晓梅" in page.inner_text("[data-testid=waiting]")
    assert page.locator("[data-testid=send-form]").count() == 0
    assert page.locator("[data-testid=answer-form]").count() == 1  # after-sales staff may record the answer too
    to_contact = [message for message in mail.outbox if contact.email in message.to]
    assert len(to_contact) == 1 and quote.number in to_contact[0].subject and TOTAL in to_contact[0].body

    # Before the customer accepts, the after-sales manager's signature is refused, with the reason on the page.
    login_as(page, base_url, manager)
    click_and_wait(page, "[data-testid=nav-my-work]")
    click_and_wait(page, f"[data-testid=complaint-table] tr[data-number='{number}'] a >> nth=0")
    assert "sign" in actions(page)
    open_action(page, "sign")
    page.fill("#id_sign-note", "同意有偿维修。")
    click_and_wait(page, "#action-sign button[type=submit]")
    refused = page.inner_text("[data-testid=action-errors]")
    assert refused.strip() == zh(GATE_MESSAGE) % {"number": number}
    assert page.locator("#action-sign.show").count() == 1
    assert zh("That step was not taken: see the marked form below.") in page.inner_text("main .alert-danger")
    assert state_badge(page) == "待审批"
    assert "陈国栋" not in page.inner_text("[data-testid=approvals]")
    assert page.locator("[data-testid=quote-gate]").is_visible()
    complaint.refresh_from_db()
    assert (complaint.state, complaint.manager_approved_at) == (Complaint.State.AWAITING_APPROVAL, None)

    # The salesperson records the customer's acceptance on the quote.
    login_as(page, base_url, sales)
    click_and_wait(page, "[data-testid=nav-complaints]")
    click_and_wait(page, f"[data-testid=complaint-table] tr[data-number='{number}'] a >> nth=0")
    panel = page.inner_text("[data-testid=quotes]")
    assert quote.number in panel and TOTAL in panel and zh(Quote.State.SENT.label) in panel
    click_and_wait(page, f"[data-testid=quotes] a:text-is('{quote.number}')")
    assert page.url == f"{base_url}/service/quotes/{quote.pk}/"
    page.check("[data-testid=answer-form] input[name=accepted][value=yes]")
    page.fill("[data-testid=answer-form] input[name=name]", "王建国")
    assert page.input_value("[data-testid=answer-form] input[name=date]") == today.isoformat()
    click_and_wait(page, "[data-testid=answer-form] button[type=submit]")
    assert page.url == f"{base_url}/service/quotes/{quote.pk}/"
    assert page.locator("[data-testid=answer-form]").count() == 0
    assert page.inner_text("[data-testid=quote-state]").strip() == zh(Quote.State.ACCEPTED.label)
    answer = page.inner_text("[data-testid=answer]")
    assert "王建国" in answer and today.isoformat() in answer and "李晓梅" in answer

    click_and_wait(page, f"main .breadcrumb a:text-is('{number}')")
    panel = page.inner_text("[data-testid=quotes]")
    assert quote.number in panel and TOTAL in panel and zh(Quote.State.ACCEPTED.label) in panel
    assert page.locator("[data-testid=quote-gate]").count() == 0
    assert state_badge(page) == "待审批"  # the acceptance alone approves nothing: the signature is still due
    quote.refresh_from_db()
    assert (quote.state, quote.answer_name, quote.answer_date) == (Quote.State.ACCEPTED, "王建国", today)

    # Now the after-sales manager's signature goes through: rectification starts.
    login_as(page, base_url, manager)
    click_and_wait(page, "[data-testid=nav-my-work]")
    click_and_wait(page, f"[data-testid=complaint-table] tr[data-number='{number}'] a >> nth=0")
    open_action(page, "sign")
    page.fill("#id_sign-note", "客户已接受报价，同意有偿维修。")
    submit_action(page, "sign")
    assert state_badge(page) == "整改中"
    assert "陈国栋" in page.inner_text("[data-testid=approvals]")
    assert "sign" not in actions(page)
    assert zh(Quote.State.ACCEPTED.label) in page.inner_text("[data-testid=quotes]")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.RECTIFYING and complaint.manager_approved_by == manager
