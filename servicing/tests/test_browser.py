"""End to end in a real browser: a major customer-caused complaint from intake to close with its case summary."""

import datetime
import re

import pytest
from django.utils import timezone

from aftersales import roles as r
from complaints.models import Complaint, ComplaintEvent
from conftest import browser_login
from customers.tests.factories import ContactFactory, CustomerFactory, DeliveryFactory, ProductModelFactory

from ..models import CaseSummary

pytestmark = pytest.mark.browser

SERIAL = "SN20260718A07"


def login_as(page, base_url, user):
    """Log out whoever is in, then log in as ``user``."""
    page.context.clear_cookies()
    browser_login(page, base_url, user.username)


def open_from_list(page, nav, number):
    """Open the complaint from a list the navigation leads to (all complaints or my work)."""
    page.click(f"[data-testid=nav-{nav}]")
    page.click(f"[data-testid=complaint-table] tr[data-number='{number}'] a >> nth=0")
    page.wait_for_selector(f"[data-testid=number]:has-text('{number}')")


def actions(page) -> list[str]:
    """Return the steps the page offers the user, by their buttons."""
    return page.locator("[data-testid=actions] button[data-action]").evaluate_all(
        "buttons => buttons.map(b => b.dataset.action)"
    )


def open_action(page, name):
    page.click(f"[data-testid=actions] button[data-action={name}]")
    page.wait_for_selector(f"#action-{name}.show")


def submit_action(page, name):
    with page.expect_navigation():
        page.click(f"#action-{name} button[type=submit]")
    # The step succeeded: the page is the complaint again, not the form with its errors.
    assert page.locator("[data-testid=action-errors], .invalid-feedback").count() == 0
    assert page.locator(f"#action-{name}.show").count() == 0


def state_badge(page) -> str:
    return page.inner_text("[data-testid=complaint-header] [data-testid=state]").strip()


def db_state(number) -> str:
    return Complaint.objects.get(number=number).state


@pytest.fixture
def people(role_user):
    """The users of the roles taking part, with fixed names to find on the pages."""
    names = {
        r.SALES: ("李", "晓梅"),
        r.AFTERSALES_ENGINEER: ("张", "志强"),
        r.AFTERSALES_MANAGER: ("陈", "国栋"),
        r.GENERAL_MANAGER: ("刘", "振华"),
    }
    users = []
    for code, (last_name, first_name) in names.items():
        user = role_user(code)
        user.last_name, user.first_name = last_name, first_name
        user.save(update_fields=["last_name", "first_name"])
        users.append(user)
    return users


@pytest.fixture
def setting(people, role_user):
    """A salesperson's customer with a contact and a unit delivered four months ago."""
    sales = people[0]
    model = ProductModelFactory(code="KYN28A-12", name="铠装移开式交流金属封闭开关设备", warranty_months=24)
    customer = CustomerFactory(name="江苏华能配电工程有限公司", code="KH-3207", region="江苏", salesperson=sales)
    contact = ContactFactory(customer=customer, name="王建国", phone="13951234567")
    unit = DeliveryFactory(
        customer=customer,
        product_model=model,
        serial_number=SERIAL,
        batch_number="B2026-07",
        delivery_date=timezone.localdate() - datetime.timedelta(days=120),
    )
    # A similar name, but someone else's customer: the salesperson's search must not offer it.
    other = CustomerFactory(name="江苏华能新能源有限公司", code="KH-3208", salesperson=role_user(r.QUALITY_CLERK))
    return customer, contact, unit, other


def test_a_major_complaint_goes_from_intake_to_close_through_every_role(browser_page, people, setting):
    page, base_url = browser_page
    customer, contact, unit, other = setting
    sales, engineer, manager, gm = people

    # 1. Sales takes the call: finds the customer, then the unit by its serial number.
    login_as(page, base_url, sales)
    page.click("[data-testid=nav-new-complaint]")
    page.wait_for_selector("[data-testid=intake-form]")
    page.fill("#customer-search", "华能")
    page.wait_for_selector(f"#customer-results [data-customer='{customer.pk}']")
    assert page.locator(f"#customer-results [data-customer='{other.pk}']").count() == 0
    page.click(f"#customer-results [data-customer='{customer.pk}']")
    chosen = page.wait_for_selector("[data-testid=chosen-customer]")
    assert "江苏华能配电工程有限公司" in chosen.inner_text()
    assert page.input_value("#id_customer") == str(customer.pk)
    # The contacts of the chosen customer arrive out of band.
    page.wait_for_selector(f"#id_contact option[value='{contact.pk}']", state="attached")
    page.select_option("#id_contact", str(contact.pk))

    page.fill("#id_serial_number", SERIAL.lower())
    page.press("#id_serial_number", "Tab")
    found = page.wait_for_selector("[data-testid=unit-found]")
    assert "KYN28A-12" in found.inner_text()
    assert page.input_value("#id_batch_number") == "B2026-07"
    assert page.input_value("#id_product_model") == str(unit.product_model_id)
    assert page.input_value("#id_delivery_date") == unit.delivery_date.isoformat()
    assert page.input_value("#id_warranty_status") == Complaint.Warranty.IN

    page.select_option("#id_severity", "major")
    page.fill("#id_title", "10kV开关柜断路器无法合闸")
    page.fill("#id_description", "用户反映3号进线柜断路器合闸按钮按下后无动作，柜门指示灯正常，已影响一条生产线供电。")
    with page.expect_navigation():
        page.click("[data-testid=submit]")

    number = page.inner_text("[data-testid=number]").strip()
    assert re.fullmatch(rf"TS-{timezone.localdate():%Y%m}-\d{{4}}", number)
    assert page.url == f"{base_url}/complaints/{number}/"
    complaint = Complaint.objects.get()
    assert complaint.number == number
    assert (complaint.state, complaint.severity) == (Complaint.State.RECEIVED, "major")
    assert (complaint.contact, complaint.delivery, complaint.received_by) == (contact, unit, sales)
    assert (complaint.serial_number, complaint.warranty_status) == (SERIAL, Complaint.Warranty.IN)
    assert state_badge(page) == "已受理"
    assert page.inner_text("[data-testid=complaint-header] [data-testid=severity]").strip() == "重大"
    assert page.get_attribute("[data-testid=sla-response] [data-sla]", "data-sla") == "running"
    assert page.get_attribute("[data-testid=sla-resolution] [data-sla]", "data-sla") == "running"
    assert page.locator("[data-testid=time-left]").is_visible()
    assert "王建国" in page.inner_text("main")

    # 2. The after-sales engineer answers the customer, analyses and submits for approval.
    login_as(page, base_url, engineer)
    open_from_list(page, "complaints", number)
    assert "sign" not in actions(page)
    open_action(page, "respond")
    page.fill(
        "#id_respond-reply", "已电话联系王工，请先检查合闸回路控制电源及二次插件是否插好，明天上午派工程师到现场。"
    )
    submit_action(page, "respond")
    assert page.get_attribute("[data-testid=sla-response] [data-sla]", "data-sla") == "met"
    assert "respond" not in actions(page)

    open_action(page, "start_analysis")
    submit_action(page, "start_analysis")
    assert db_state(number) == Complaint.State.ANALYSING
    assert state_badge(page) == "分析中"
    assert page.inner_text("[data-testid=assignee]").strip() == "张志强"

    open_action(page, "analysis")
    page.select_option("#id_analysis-responsibility", Complaint.Responsibility.CUSTOMER)
    page.fill(
        "#id_analysis-responsibility_reason",
        "现场检查发现用户检修后未恢复合闸回路二次插件，属用户操作不当，设备本身无故障。",
    )
    page.select_option("#id_analysis-disposal", Complaint.Disposal.GUIDANCE)
    page.fill("#id_analysis-disposal_plan", "指导用户恢复二次插件并按操作规程进行合闸试验，补充培训值班人员。")
    submit_action(page, "analysis")
    analysis = page.inner_text("[data-testid=analysis]")
    assert "未恢复合闸回路二次插件" in analysis and "补充培训值班人员" in analysis

    open_action(page, "submit_for_approval")
    page.fill("#id_submit_for_approval-note", "用户原因，技术指导处理，请审批。")
    submit_action(page, "submit_for_approval")
    assert db_state(number) == Complaint.State.AWAITING_APPROVAL
    assert state_badge(page) == "待审批"
    assert "sign" not in actions(page)

    # The salesperson follows the complaint but signs nothing: no button to sign or close.
    login_as(page, base_url, sales)
    page.goto(f"{base_url}/complaints/{number}/")
    assert state_badge(page) == "待审批"
    offered = actions(page)
    assert "sign" not in offered and "close" not in offered
    assert page.locator("#action-sign").count() == 0
    # Posting the signature anyway, with the page's own CSRF token, is refused.
    token = page.input_value("[data-testid=actions] input[name=csrfmiddlewaretoken] >> nth=0")
    forged = page.request.post(
        f"{base_url}/complaints/{number}/sign/",
        form={"csrfmiddlewaretoken": token, "sign-note": "同意"},
        headers={"Referer": page.url},
    )
    assert forged.status == 403 and "CSRF" not in forged.text()
    assert Complaint.objects.get().manager_approved_at is None

    # 3. The after-sales manager signs; a major complaint still waits for the general manager.
    login_as(page, base_url, manager)
    open_from_list(page, "my-work", number)
    assert "sign" in actions(page)
    open_action(page, "sign")
    submit_action(page, "sign")
    complaint = Complaint.objects.get()
    assert complaint.state == Complaint.State.AWAITING_APPROVAL
    assert complaint.manager_approved_by == manager and complaint.gm_approved_at is None
    assert state_badge(page) == "待审批"
    assert "陈国栋" in page.inner_text("[data-testid=approvals]")
    assert "sign" not in actions(page)

    # 4. The general manager finds it waiting for the signature and signs: rectification starts.
    login_as(page, base_url, gm)
    open_from_list(page, "my-work", number)
    assert "sign" in actions(page)
    open_action(page, "sign")
    page.fill("#id_sign-note", "同意，做好用户培训记录。")
    submit_action(page, "sign")
    assert db_state(number) == Complaint.State.RECTIFYING
    assert state_badge(page) == "整改中"
    approvals = page.inner_text("[data-testid=approvals]")
    assert "陈国栋" in approvals and "刘振华" in approvals
    assert "sign" not in actions(page)

    # 5. The engineer closes with the customer's acceptance, the reply and the case summary.
    login_as(page, base_url, engineer)
    open_from_list(page, "my-work", number)
    open_action(page, "close")
    page.fill("#id_close-acceptance_name", "王建国")
    page.fill("#id_close-acceptance_date", timezone.localdate().isoformat())
    page.fill("#id_close-acceptance_remarks", "合闸试验正常，用户满意。")
    page.fill(
        "#id_close-reply_to_customer", "经现场检查为检修后二次插件未复位，已指导恢复并完成合闸试验，设备运行正常。"
    )
    # The case summary starts from the complaint and its analysis.
    assert "10kV开关柜断路器无法合闸" in page.input_value("#id_close-problem")
    assert "未恢复合闸回路二次插件" in page.input_value("#id_close-cause")
    page.fill("#id_close-keywords", "合闸,二次插件,操作培训")
    submit_action(page, "close")

    complaint = Complaint.objects.get()
    assert complaint.state == Complaint.State.CLOSED
    assert (complaint.acceptance_name, complaint.acceptance_date) == ("王建国", timezone.localdate())
    assert CaseSummary.objects.get(complaint=complaint).keywords
    assert state_badge(page) == "已关闭"
    assert page.get_attribute("[data-testid=sla-resolution] [data-sla]", "data-sla") == "met"
    assert page.locator("[data-testid=time-left]").count() == 0
    assert "王建国" in page.inner_text("[data-testid=acceptance]")
    assert "二次插件" in page.inner_text("[data-testid=case-summary]")
    offered = actions(page)
    assert "reopen" in offered and "close" not in offered

    # The timeline lists every step, oldest first.
    steps = page.locator("[data-testid=timeline] > li")
    events = list(complaint.events.order_by("at", "id").values_list("action", "to_state"))
    assert steps.count() == len(events)
    assert events == [
        (ComplaintEvent.Action.RECEIVED, Complaint.State.RECEIVED),
        (ComplaintEvent.Action.RESPONDED, ""),
        (ComplaintEvent.Action.TRANSITION, Complaint.State.ANALYSING),
        (ComplaintEvent.Action.UPDATED, ""),
        (ComplaintEvent.Action.TRANSITION, Complaint.State.AWAITING_APPROVAL),
        (ComplaintEvent.Action.APPROVAL, ""),
        (ComplaintEvent.Action.APPROVAL, ""),
        (ComplaintEvent.Action.TRANSITION, Complaint.State.RECTIFYING),
        (ComplaintEvent.Action.TRANSITION, Complaint.State.CLOSED),
    ]
    timeline = steps.all_inner_texts()
    assert "已受理" in timeline[0]
    assert "已电话联系王工" in timeline[1]
    assert "分析中 → 待审批" in timeline[4]
    assert "同意，做好用户培训记录" in timeline[6]
    assert "整改中 → 已关闭" in timeline[-1]
    assert "李晓梅" in timeline[0] and "张志强" in timeline[1]
    assert "陈国栋" in timeline[5] and "刘振华" in timeline[6]
    assert "张志强" in timeline[-1]
