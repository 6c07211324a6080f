"""End to end in a real browser: one company-caused complaint through its quality sheet and a CAPA to closure."""

import datetime

import pytest
from django.utils import timezone

from aftersales import roles as r
from complaints import services as complaint_services
from complaints.models import Complaint
from conftest import browser_login
from customers.tests.factories import CustomerFactory, DeliveryFactory, ProductModelFactory

from ..models import CapaAction, QualitySheet

pytestmark = pytest.mark.browser


def _in_days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def login_as(page, base_url, user):
    """Log out whoever is in, then log in as ``user``."""
    page.context.clear_cookies()
    browser_login(page, base_url, user.username)


def open_step(page, name):
    page.click(f"button[data-step={name}]")
    page.wait_for_selector(f"#step-{name}.show")


def submit_step(page, name):
    with page.expect_navigation():
        page.click(f"[data-testid=submit-{name}]")


def sheet_state(page) -> str:
    return page.get_attribute("[data-testid=sheet-state]", "data-state")


@pytest.fixture
def company_complaint(role_user):
    sales, engineer = role_user(r.SALES), role_user(r.AFTERSALES_ENGINEER)
    model = ProductModelFactory(code="KYN28")
    customer = CustomerFactory(salesperson=sales, name="华东电力设备有限公司")
    unit = DeliveryFactory(customer=customer, product_model=model, serial_number="SN-A1", batch_number="B-7")
    DeliveryFactory(customer=CustomerFactory(name="西北轨道交通集团"), product_model=model, batch_number="B-7")
    complaint = complaint_services.complaint_create(
        actor=sales, customer=customer, delivery=unit, title="开关柜合闸异响", description="合闸时有异常响声"
    )
    complaint = complaint_services.complaint_start_analysis(actor=engineer, complaint=complaint)
    complaint_services.complaint_update_analysis(
        actor=engineer,
        complaint=complaint,
        responsibility=Complaint.Responsibility.COMPANY,
        responsibility_reason="出厂紧固件漏装",
        disposal=Complaint.Disposal.REPAIR,
    )
    return complaint_services.complaint_submit_for_approval(actor=engineer, complaint=complaint)


def test_a_company_caused_complaint_goes_through_its_sheet_and_a_capa_to_closure(
    browser_page, role_user, make_user, company_complaint
):
    page, base_url = browser_page
    complaint = company_complaint
    sales, qe, leader = role_user(r.SALES), role_user(r.QUALITY_ENGINEER), role_user(r.QUALITY_LEADER)
    deputy, clerk = role_user(r.QUALITY_DEPUTY), role_user(r.QUALITY_CLERK)
    owner = make_user(r.AFTERSALES_ENGINEER, username="production_head", department="生产部")

    # Sales finds the complaint waiting for a sheet on the workbench and raises one, prefilled.
    login_as(page, base_url, sales)
    page.click("[data-testid=nav-quality]")
    page.click(f"[data-testid=raise-from-{complaint.number}]")
    assert page.input_value("input[name=title]") == "开关柜合闸异响"
    assert "华东电力设备有限公司" in page.inner_text("[data-testid=from-complaint]")
    with page.expect_navigation():
        page.click("[data-testid=submit-raise]")
    sheet = QualitySheet.objects.get()
    assert page.inner_text("[data-testid=number]") == sheet.number
    assert sheet_state(page) == "draft"
    assert "SN-A1" in page.inner_text("[data-testid=serial]")
    # Sales see that one other customer's unit of the batch is hit, never whose.
    assert "1" in page.inner_text("[data-testid=scope-hidden]") and "西北轨道交通集团" not in page.content()
    assert page.locator("[data-testid=actions] button[data-step=assign]").count() == 0

    # The leader assigns the investigator.
    login_as(page, base_url, leader)
    page.goto(f"{base_url}{sheet.get_absolute_url()}")
    assert "西北轨道交通集团" in page.inner_text("[data-testid=scope-batch]")
    open_step(page, "assign")
    page.select_option("#id_assign-investigator", str(qe.pk))
    page.fill("#id_assign-due_date", _in_days(5))
    submit_step(page, "assign")
    assert sheet_state(page) == "investigating"

    # The investigator finds the sheet among their tasks and records the analysis.
    login_as(page, base_url, qe)
    page.click("[data-testid=nav-quality]")
    page.click(f"[data-testid=mine-investigating] a:has-text('{sheet.number}')")
    open_step(page, "analysis")
    page.select_option("#id_analysis-root_cause", "production")
    page.fill("#id_analysis-analysis", "装配漏装弹簧垫圈")
    page.fill("#id_analysis-why_1", "螺栓松动")
    page.fill("#id_analysis-why_2", "缺弹簧垫圈")
    page.fill("#id_analysis-proposed_disposal", "更换同批次紧固件")
    submit_step(page, "analysis")
    assert page.locator("[data-testid=five-whys] li").all_inner_texts() == ["螺栓松动", "缺弹簧垫圈"]
    open_step(page, "submit_analysis")
    submit_step(page, "submit_analysis")
    assert sheet_state(page) == "under_review"

    # The leader passes the review and records the assessment.
    login_as(page, base_url, leader)
    page.goto(f"{base_url}{sheet.get_absolute_url()}")
    open_step(page, "review")
    submit_step(page, "review")
    assert sheet_state(page) == "awaiting_approval"
    open_step(page, "assess")
    page.fill("#id_assess-department", "生产部")
    page.fill("#id_assess-person_name", "装配班组")
    page.fill("#id_assess-value", "2")
    submit_step(page, "assess")
    assert "装配班组" in page.inner_text("[data-testid=chain-assessments]")

    # The deputy signs: the complaint is released to rectification.
    login_as(page, base_url, deputy)
    page.click("[data-testid=nav-quality]")
    page.click(f"[data-testid=mine-to-sign] a:has-text('{sheet.number}')")
    open_step(page, "sign")
    submit_step(page, "sign")
    assert deputy.get_full_name() in page.inner_text("[data-testid=approved]")
    assert page.get_attribute("[data-testid=complaint-state]", "data-state") == "rectifying"

    # The clerk distributes the sheet to the production department.
    login_as(page, base_url, clerk)
    page.goto(f"{base_url}{sheet.get_absolute_url()}")
    open_step(page, "distribute")
    page.fill("#id_distribute-tasks-0-department", "生产部")
    page.select_option("#id_distribute-tasks-0-owner", str(owner.pk))
    page.fill("#id_distribute-tasks-0-requirement", "返工同批次库存")
    page.fill("#id_distribute-tasks-0-due_date", _in_days(7))
    submit_step(page, "distribute")
    assert sheet_state(page) == "distributed"

    # The department signs for its task and reports it done.
    login_as(page, base_url, owner)
    page.goto(f"{base_url}{sheet.get_absolute_url()}")
    task = sheet.tasks.get()
    with page.expect_navigation():
        page.click(f"[data-testid=acknowledge-{task.pk}]")
    assert sheet_state(page) == "in_progress"
    page.click(f"[data-testid=complete-{task.pk}]")
    page.fill(f"#id_task-{task.pk}-complete-note", "库存已返工")
    with page.expect_navigation():
        page.click(f"#task-{task.pk}-complete button[type=submit]")
    assert "库存已返工" in page.inner_text("[data-testid=chain-tasks]")

    # The leader tries to close too early, then opens a corrective action.
    login_as(page, base_url, leader)
    page.goto(f"{base_url}{sheet.get_absolute_url()}")
    open_step(page, "close")
    assert page.locator("[data-testid=blockers]").is_visible()
    open_step(page, "capa")
    page.fill("#id_capa-planned_action", "装配工位增加防错工装")
    page.select_option("#id_capa-owner", str(qe.pk))
    page.fill("#id_capa-department", "生产部")
    # A limited field counts what was typed against its limit.
    assert page.inner_text("#id_capa-department + [data-length-count]") == "3 / 100"
    page.fill("#id_capa-due_date", _in_days(14))
    submit_step(page, "capa")
    action = CapaAction.objects.get()
    assert action.number in page.inner_text("[data-testid=chain-actions]")

    # The owner reports the action done.
    login_as(page, base_url, qe)
    page.goto(f"{base_url}{action.get_absolute_url()}")
    open_step(page, "complete")
    page.fill("#id_complete-note", "防错工装已投用")
    submit_step(page, "complete")
    assert page.get_attribute("[data-testid=capa-state]", "data-state") == "completed"

    # The leader verifies it effective and closes the sheet.
    login_as(page, base_url, leader)
    page.goto(f"{base_url}{action.get_absolute_url()}")
    open_step(page, "verify")
    page.check("input[name=verify-effective][value=yes]")
    page.fill("#id_verify-note", "跟踪三批无复发")
    # Completed just now: the verification is not due yet, so it is an explicit early one.
    page.check("#id_verify-early")
    page.fill("#id_verify-early_reason", "三批已验证，客户要求提前关闭")
    submit_step(page, "verify")
    assert page.get_attribute("[data-testid=capa-state]", "data-state") == "closed"
    page.click(f"[data-testid=capa-source] a:has-text('{sheet.number}')")
    open_step(page, "close")
    page.fill("#id_close-outcome", "已更换紧固件并增加防错工装，同批次已排查")
    submit_step(page, "close")
    assert sheet_state(page) == "closed"

    # Sales sees the outcome to tell the customer.
    login_as(page, base_url, sales)
    page.click("[data-testid=nav-quality]")
    assert sheet.number in page.inner_text("[data-testid=mine-outcomes]")
    page.click(f"[data-testid=mine-outcomes] a:has-text('{sheet.number}')")
    assert "已更换紧固件并增加防错工装" in page.inner_text("[data-testid=outcome]")
    # Telling the customer is the only step left, and sales records it.
    open_step(page, "inform")
    page.fill("#id_inform-note", "电话告知客户设备科，客户认可")
    submit_step(page, "inform")
    assert page.locator("[data-testid=customer-informed] .text-bg-success").count() == 1
    assert page.locator("[data-testid=actions]").count() == 0
    # The complaint page leads to the sheet and shows the outcome too.
    page.goto(f"{base_url}{complaint.get_absolute_url()}")
    panel = page.inner_text("[data-testid=quality-sheet-panel]")
    assert sheet.number in panel and "已更换紧固件并增加防错工装" in panel
    assert Complaint.objects.get(pk=complaint.pk).state == Complaint.State.RECTIFYING
