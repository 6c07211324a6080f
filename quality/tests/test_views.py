"""The quality pages: who may open them, each step through the views, the whole chain, and their cost."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales import roles as r
from complaints import services as complaint_services
from complaints.models import Complaint, Severity
from customers.tests.factories import CustomerFactory, DeliveryFactory, ProductModelFactory

from .. import services
from ..models import (
    Assessment,
    CapaAction,
    CapaEvent,
    DepartmentTask,
    QualitySheet,
    SheetComplaint,
    SheetEvent,
    SheetFile,
)
from ..views.common import optional_url
from .factories import CapaActionFactory, DepartmentTaskFactory, QualitySheetFactory

VIEWERS = [r.SALES, *r.AFTERSALES, *r.QUALITY, r.GENERAL_MANAGER, r.MANAGEMENT]
OUTSIDERS = [r.WAREHOUSE_KEEPER, r.PURCHASING]
RAISERS = {r.SALES, r.AFTERSALES_MANAGER, r.QUALITY_ENGINEER, r.QUALITY_LEADER}
CAPA_CREATORS = {r.QUALITY_LEADER, r.QUALITY_CLERK}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
S = QualitySheet.State


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


# --- a small world of our own ---------------------------------------------------------------


def _in_department(user, department):
    user.department = department
    user.save(update_fields=["department"])
    return user


@pytest.fixture
def cast(make_user, role_user):
    return SimpleNamespace(
        sales=role_user(r.SALES),
        other_sales=make_user(r.SALES, username="sales_two"),
        engineer=role_user(r.AFTERSALES_ENGINEER),
        manager=role_user(r.AFTERSALES_MANAGER),
        qe=_in_department(role_user(r.QUALITY_ENGINEER), "质量部"),
        other_qe=make_user(r.QUALITY_ENGINEER, username="qe_two"),
        leader=role_user(r.QUALITY_LEADER),
        clerk=role_user(r.QUALITY_CLERK),
        deputy=role_user(r.QUALITY_DEPUTY),
        gm=role_user(r.GENERAL_MANAGER),
        # The production department's responsible person (责任人员) owns its tasks.
        owner=make_user(r.AFTERSALES_ENGINEER, username="production_head", department="生产部"),
        warehouse=role_user(r.WAREHOUSE_KEEPER),
    )


@pytest.fixture
def world(cast):
    model = ProductModelFactory(code="KYN28", warranty_months=24)
    customer = CustomerFactory(salesperson=cast.sales, name="华东电力设备有限公司", code="HD-001")
    neighbour = CustomerFactory(salesperson=cast.other_sales, name="西北轨道交通集团", code="XB-002")
    far = CustomerFactory(salesperson=cast.other_sales, name="华南石化股份", code="HN-003")
    recent = timezone.localdate() - datetime.timedelta(days=60)
    return SimpleNamespace(
        model=model,
        customer=customer,
        neighbour=neighbour,
        far=far,
        unit=DeliveryFactory(
            customer=customer, product_model=model, serial_number="SN-A1", batch_number="B-7", delivery_date=recent
        ),
        same_batch=DeliveryFactory(customer=neighbour, product_model=model, serial_number="SN-B1", batch_number="B-7"),
        same_model=DeliveryFactory(customer=far, product_model=model, serial_number="SN-C1", batch_number="B-9"),
    )


@pytest.fixture
def private_files(settings, tmp_path, monkeypatch):
    # The file field's storage is built once when the model loads: swap it too.
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(SheetFile._meta.get_field("file"), "storage", FileSystemStorage(location=str(tmp_path)))
    return tmp_path


def company_complaint(cast, world, **data) -> Complaint:
    """Receive, analyse as company-caused and submit a complaint, as the complaint pages would."""
    data.setdefault("title", "开关柜合闸异响")
    data.setdefault("description", "客户来电：合闸时有异常响声。")
    complaint = complaint_services.complaint_create(
        actor=cast.sales, customer=world.customer, delivery=world.unit, serial_number="SN-A1", **data
    )
    complaint = complaint_services.complaint_start_analysis(actor=cast.engineer, complaint=complaint)
    complaint = complaint_services.complaint_update_analysis(
        actor=cast.engineer,
        complaint=complaint,
        responsibility=Complaint.Responsibility.COMPANY,
        responsibility_reason="出厂紧固件漏装弹簧垫圈",
        disposal=Complaint.Disposal.REPAIR,
    )
    return complaint_services.complaint_submit_for_approval(actor=cast.engineer, complaint=complaint)


def client_as(client_for, user):
    return client_for(user)


def step(client, sheet, name, files=None, **fields):
    data = {f"{name}-{key}": value for key, value in fields.items()}
    if files is not None:
        data[f"{name}-files"] = files
    return client.post(reverse(f"quality:sheet_{name}", args=[sheet.number]), data)


def capa_step(client, action, name, **fields):
    data = {f"{name}-{key}": value for key, value in fields.items()}
    return client.post(reverse(f"quality:capa_{name}", args=[action.number]), data)


def distribute_data(*rows) -> dict:
    data = {
        "distribute-tasks-TOTAL_FORMS": "3",
        "distribute-tasks-INITIAL_FORMS": "0",
        "distribute-tasks-MIN_NUM_FORMS": "0",
        "distribute-tasks-MAX_NUM_FORMS": "20",
    }
    for i, row in enumerate(rows):
        data.update({f"distribute-tasks-{i}-{key}": value for key, value in row.items()})
    return data


def refreshed(sheet) -> QualitySheet:
    return QualitySheet.objects.get(pk=sheet.pk)


# --- who may open what ----------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client, db):
    sheet = QualitySheetFactory()
    action = CapaActionFactory(notice=True)
    for url in [
        reverse("quality:workbench"),
        reverse("quality:sheet_detail", args=[sheet.number]),
        reverse("quality:sheet_raise"),
        reverse("quality:capa_list"),
        reverse("quality:capa_create"),
        reverse("quality:capa_detail", args=[action.number]),
        reverse("quality:capa_notice", args=[action.number]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url


@pytest.mark.parametrize("role", VIEWERS)
def test_every_quality_reader_opens_the_pages(client_for, role_user, role):
    # Of a customer of the sales user, who sees only their own customers' sheets.
    sheet = QualitySheetFactory(
        state=S.IN_PROGRESS, approved=True, customer=CustomerFactory(salesperson=role_user(r.SALES))
    )
    action = CapaActionFactory(notice=True)
    client = client_for(role)
    for url in [
        reverse("quality:workbench"),
        reverse("quality:sheet_detail", args=[sheet.number]),
        reverse("quality:capa_list"),
        reverse("quality:capa_detail", args=[action.number]),
        reverse("quality:capa_notice", args=[action.number]),
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", OUTSIDERS)
def test_roles_outside_the_quality_chain_are_refused(client_for, role):
    sheet = QualitySheetFactory()
    action = CapaActionFactory()
    client = client_for(role)
    for url in [
        reverse("quality:workbench"),
        reverse("quality:sheet_detail", args=[sheet.number]),
        reverse("quality:sheet_raise"),
        reverse("quality:capa_list"),
        reverse("quality:capa_detail", args=[action.number]),
        reverse("quality:capa_create"),
    ]:
        assert client.get(url).status_code == 403, url
    assert b'data-testid="nav-quality"' not in client_for(role).get(reverse("home")).content


@pytest.mark.parametrize("role", VIEWERS)
def test_raising_a_sheet_is_for_sales_after_sales_managers_and_quality(client_for, role):
    expected = 200 if role in RAISERS else 403
    assert client_for(role).get(reverse("quality:sheet_raise")).status_code == expected


@pytest.mark.parametrize("role", VIEWERS)
def test_opening_an_action_is_for_the_quality_leader_and_clerk(client_for, role):
    expected = 200 if role in CAPA_CREATORS else 403
    assert client_for(role).get(reverse("quality:capa_create")).status_code == expected


def test_unknown_numbers_are_not_found(client_for, db):
    client = client_for(r.QUALITY_LEADER)
    assert client.get(reverse("quality:sheet_detail", args=["QI-2026-9999"])).status_code == 404
    assert client.get(reverse("quality:capa_detail", args=["CA-2026-9999"])).status_code == 404
    assert client.get(reverse("quality:sheet_raise") + "?complaint=TS-202611-9999").status_code == 404


def test_the_notice_page_exists_only_for_rectification_notices(client_for, db):
    action = CapaActionFactory()
    assert client_for(r.QUALITY_LEADER).get(reverse("quality:capa_notice", args=[action.number])).status_code == 404


def test_the_menu_offers_the_quality_workbench_to_its_readers(client_for, db):
    page = client_for(r.SALES).get(reverse("home")).content.decode()
    assert 'data-testid="nav-quality"' in page and reverse("quality:workbench") in page


# --- raising a sheet ----------------------------------------------------------------------------


def test_raising_from_a_company_caused_complaint_prefills_it(client_for, cast, world):
    complaint = company_complaint(cast, world, severity=Severity.SERIOUS)
    client = client_for(cast.sales)
    url = reverse("quality:sheet_raise") + f"?complaint={complaint.number}"

    page = client.get(url).content.decode()
    assert 'value="开关柜合闸异响"' in page
    assert "客户来电：合闸时有异常响声。" in page
    assert world.customer.name in page and "SN-A1" in page
    assert 'name="customer"' not in page  # the unit comes from the complaint

    response = client.post(
        url, {"complaint": complaint.number, "title": "开关柜合闸异响", "description": "同上", "severity": "serious"}
    )
    sheet = QualitySheet.objects.get()
    assert response.status_code == 302 and response.url == sheet.get_absolute_url()
    assert (sheet.customer, sheet.product_model, sheet.batch_number, sheet.serial_number) == (
        world.customer,
        world.model,
        "B-7",
        "SN-A1",
    )
    assert sheet.source == QualitySheet.Source.COMPLAINT and sheet.severity == Severity.SERIOUS
    assert SheetComplaint.objects.get().complaint == complaint
    page = client.get(sheet.get_absolute_url()).content.decode()
    assert complaint.number in page and complaint.get_absolute_url() in page


def test_the_complaint_page_offers_the_sheet_and_then_shows_it(client_for, cast, world):
    complaint = company_complaint(cast, world)
    client = client_for(cast.sales)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert f"{reverse('quality:sheet_raise')}?complaint={complaint.number}" in page
    sheet = services.sheet_raise(actor=cast.sales, complaint=complaint)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="quality-sheet-link"' in page and sheet.get_absolute_url() in page
    assert 'data-testid="raise-quality-sheet"' not in page


def test_a_complaint_that_has_a_sheet_leads_to_it(client_for, cast, world):
    complaint = company_complaint(cast, world)
    sheet = services.sheet_raise(actor=cast.sales, complaint=complaint)
    response = client_for(cast.sales).get(reverse("quality:sheet_raise") + f"?complaint={complaint.number}")
    assert response.status_code == 302 and response.url == sheet.get_absolute_url()


def test_a_complaint_not_caused_by_the_company_gets_no_sheet(client_for, cast, world):
    complaint = complaint_services.complaint_create(
        actor=cast.sales, customer=world.customer, title="操作问题", description="用户误操作"
    )
    client = client_for(cast.sales)
    url = reverse("quality:sheet_raise") + f"?complaint={complaint.number}"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"complaint": complaint.number, "title": "操作问题", "description": "x", "severity": "general"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() or "alert-danger" in response.content.decode()
    assert not QualitySheet.objects.exists()


def test_sales_cannot_raise_from_another_salespersons_complaint(client_for, cast, world):
    complaint = company_complaint(cast, world)
    response = client_for(cast.other_sales).get(reverse("quality:sheet_raise") + f"?complaint={complaint.number}")
    assert response.status_code == 404


def test_a_sheet_from_field_data_finds_the_unit_by_its_serial_number(client_for, cast, world):
    response = client_for(cast.qe).post(
        reverse("quality:sheet_raise"),
        {"title": "现场批量松动", "description": "巡检发现", "severity": "major", "serial_number": "sn-b1"},
    )
    sheet = QualitySheet.objects.get()
    assert response.url == sheet.get_absolute_url()
    assert sheet.source == QualitySheet.Source.FIELD
    assert (sheet.customer, sheet.product_model, sheet.batch_number) == (world.neighbour, world.model, "B-7")


def test_bad_input_when_raising_shows_the_errors_and_writes_nothing(client_for, cast, world):
    response = client_for(cast.qe).post(
        reverse("quality:sheet_raise"),
        {
            "title": "",
            "description": "巡检发现异常",
            "severity": "general",
            "customer": "NOPE-1",
            "batch_number": "B-X",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "NOPE-1" in page and "巡检发现异常" in page and 'value="B-X"' in page
    assert page.count("invalid-feedback") >= 2
    assert not QualitySheet.objects.exists() and not SheetEvent.objects.exists()


# --- the whole chain --------------------------------------------------------------------------------


def test_the_whole_chain_through_the_pages_ends_with_the_sheet_closed(client_for, cast, world):
    complaint = company_complaint(cast, world, severity=Severity.MAJOR)
    sales, qe, leader, clerk = (client_for(u) for u in (cast.sales, cast.qe, cast.leader, cast.clerk))
    deputy, gm, owner = (client_for(u) for u in (cast.deputy, cast.gm, cast.owner))

    # Sales raises the sheet from the complaint.
    sales.post(
        reverse("quality:sheet_raise") + f"?complaint={complaint.number}",
        {"complaint": complaint.number, "title": complaint.title, "description": "紧固件松动", "severity": "major"},
    )
    sheet = QualitySheet.objects.get()
    assert sheet.state == S.DRAFT

    # The leader assigns the investigator; the investigator records the analysis.
    assert step(leader, sheet, "assign", investigator=cast.qe.pk, due_date=days(5)).status_code == 302
    assert refreshed(sheet).state == S.INVESTIGATING
    analysis = {
        "root_cause": "production",
        "analysis": "装配漏装弹簧垫圈",
        "why_1": "螺栓松动",
        "why_2": "缺弹簧垫圈",
        "why_3": "工位无防错",
        "fishbone": "人：新员工",
        "containment": "冻结库存",
        "scope_note": "B-7 批次",
        "proposed_disposal": "更换紧固件",
    }
    assert step(qe, sheet, "analysis", **analysis).status_code == 302
    assert refreshed(sheet).five_whys == ["螺栓松动", "缺弹簧垫圈", "工位无防错"]
    assert step(qe, sheet, "submit_analysis", note="").status_code == 302

    # The leader sends it back once with a reason, then passes the review.
    assert step(leader, sheet, "send_back", reason="补充扭矩数据").status_code == 302
    assert refreshed(sheet).state == S.INVESTIGATING
    step(qe, sheet, "submit_analysis", note="已补充")
    assert step(leader, sheet, "review", note="").status_code == 302
    assert refreshed(sheet).state == S.AWAITING_APPROVAL

    # The deputy signs; a major problem also needs the general manager, which releases the complaint.
    assert step(deputy, sheet, "sign", note="").status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).state == Complaint.State.AWAITING_APPROVAL
    assert step(gm, sheet, "sign", note="同意").status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).state == Complaint.State.RECTIFYING

    # The leader assesses; the clerk distributes to two departments.
    assessed = step(leader, sheet, "assess", department="生产部", person_name="装配班组", kind="points", value="2")
    assert assessed.status_code == 302
    data = distribute_data(
        {"department": "生产部", "owner": cast.owner.pk, "requirement": "返工同批次", "due_date": days(7)},
        {"department": "质量部", "owner": cast.qe.pk, "requirement": "增加检验", "due_date": days(10)},
    )
    assert clerk.post(reverse("quality:sheet_distribute", args=[sheet.number]), data).status_code == 302
    assert refreshed(sheet).state == S.DISTRIBUTED
    production, inspection = DepartmentTask.objects.order_by("due_date")

    # Each department signs for its task and reports it done.
    task_url = "quality:task_acknowledge"
    assert owner.post(reverse(task_url, args=[sheet.number, production.pk])).status_code == 302
    assert refreshed(sheet).state == S.IN_PROGRESS
    for client, task in [(owner, production), (qe, inspection)]:
        prefix = f"task-{task.pk}-complete"
        done = client.post(reverse("quality:task_complete", args=[sheet.number, task.pk]), {f"{prefix}-note": "完成"})
        assert done.status_code == 302

    # A corrective action answers the sheet; its owner completes it; the leader verifies it effective.
    opened = step(
        leader,
        sheet,
        "capa",
        kind="corrective",
        problem="漏装弹簧垫圈",
        planned_action="增加防错工装",
        owner=cast.qe.pk,
        department="生产部",
        due_date=days(14),
        verification_days="30",
    )
    assert opened.status_code == 302
    action = CapaAction.objects.get()
    assert action.sheet == sheet
    assert capa_step(qe, action, "complete", note="工装已投用").status_code == 302
    # Completed just now: its verification is due in 30 days, so verifying now must be explicit.
    too_early = capa_step(leader, action, "verify", effective="yes", note="三个月无复发")
    assert too_early.status_code == 200 and 'id="error_1_id_verify-early"' in too_early.content.decode()
    assert CapaAction.objects.get().state == CapaAction.State.COMPLETED
    early = {"early": "on", "early_reason": "客户已连续运行三个月"}
    assert capa_step(leader, action, "verify", effective="yes", note="三个月无复发", **early).status_code == 302
    assert CapaAction.objects.get().state == CapaAction.State.CLOSED

    # The leader closes the sheet; the sales department sees the outcome.
    assert step(leader, sheet, "close", outcome="已更换紧固件并增加防错工装").status_code == 302
    sheet = refreshed(sheet)
    assert sheet.state == S.CLOSED and sheet.outcome == "已更换紧固件并增加防错工装"
    page = sales.get(sheet.get_absolute_url()).content.decode()
    assert 'data-testid="outcome"' in page and "已更换紧固件并增加防错工装" in page
    assert 'data-testid="panel-inform"' in page  # the only step left: telling the customer
    workbench = sales.get(reverse("quality:workbench")).content.decode()
    assert 'data-testid="mine-outcomes"' in workbench and sheet.number in workbench
    assert step(sales, sheet, "inform", note="电话告知客户设备科").status_code == 302
    assert refreshed(sheet).customer_informed_at is not None
    assert 'data-testid="mine-outcomes"' not in sales.get(reverse("quality:workbench")).content.decode()
    timeline = leader.get(sheet.get_absolute_url()).content.decode()
    assert action.number in timeline and "补充扭矩数据" in timeline


# --- the steps one by one --------------------------------------------------------------------------------


def test_the_page_offers_only_the_steps_the_user_may_take_now(client_for, cast, db):
    sheet = QualitySheetFactory(state=S.DRAFT, customer=CustomerFactory(salesperson=cast.sales))
    leader_page = client_for(cast.leader).get(sheet.get_absolute_url()).content.decode()
    assert 'data-testid="panel-assign"' in leader_page and 'data-testid="panel-sign"' not in leader_page
    sales_page = client_for(cast.sales).get(sheet.get_absolute_url()).content.decode()
    assert 'data-testid="panel-assign"' not in sales_page and 'data-testid="panel-link"' in sales_page

    waiting = QualitySheetFactory(state=S.AWAITING_APPROVAL, reviewed=True)
    deputy_page = client_for(cast.deputy).get(waiting.get_absolute_url()).content.decode()
    assert 'data-testid="panel-sign"' in deputy_page and 'data-testid="panel-send_back"' in deputy_page
    gm_page = client_for(cast.gm).get(waiting.get_absolute_url()).content.decode()
    assert 'data-testid="panel-sign"' not in gm_page  # not a major problem


@pytest.mark.parametrize(
    ("state", "name", "role", "fields"),
    [
        (S.DRAFT, "assign", r.SALES, {"investigator": 0}),
        (S.DRAFT, "assign", r.QUALITY_ENGINEER, {"investigator": 0}),
        (S.INVESTIGATING, "analysis", r.QUALITY_CLERK, {"analysis": "x"}),
        (S.UNDER_REVIEW, "review", r.QUALITY_ENGINEER, {"note": ""}),
        (S.UNDER_REVIEW, "send_back", r.QUALITY_DEPUTY, {"reason": "x"}),
        (S.AWAITING_APPROVAL, "sign", r.QUALITY_LEADER, {"note": ""}),
        (S.AWAITING_APPROVAL, "distribute", r.QUALITY_DEPUTY, {}),
        (S.IN_PROGRESS, "assess", r.QUALITY_CLERK, {"department": "生产部", "value": "1", "kind": "points"}),
        (S.IN_PROGRESS, "close", r.SALES, {"outcome": "x"}),
        (S.IN_PROGRESS, "capa", r.QUALITY_ENGINEER, {"problem": "x"}),
        (S.CLOSED, "link", r.SALES, {"complaint": "TS-202611-0001"}),
        (S.CLOSED, "attach", r.QUALITY_LEADER, {}),
    ],
)
def test_a_step_the_user_may_not_take_now_is_refused(client_for, cast, state, name, role, fields):
    sheet = QualitySheetFactory(
        state=state,
        approved=state in (S.AWAITING_APPROVAL, S.IN_PROGRESS, S.CLOSED),
        customer=CustomerFactory(salesperson=cast.sales),
    )
    fields = {k: (cast.qe.pk if v == 0 else v) for k, v in fields.items()}
    before = SheetEvent.objects.count()
    assert step(client_for(role), sheet, name, **fields).status_code == 403
    assert refreshed(sheet).state == state and SheetEvent.objects.count() == before


def test_steps_answer_get_with_405(client_for, cast, db):
    sheet = QualitySheetFactory()
    assert client_for(cast.leader).get(reverse("quality:sheet_assign", args=[sheet.number])).status_code == 405


def test_sending_back_without_a_reason_shows_the_error_and_moves_nothing(client_for, cast, db):
    sheet = QualitySheetFactory(state=S.UNDER_REVIEW, analysed=True, investigator=cast.qe)
    response = step(client_for(cast.leader), sheet, "send_back", reason="  ")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="step-send_back"' in page and "collapse show" in page
    assert refreshed(sheet).state == S.UNDER_REVIEW


def test_submitting_an_incomplete_analysis_keeps_the_sheet_with_the_investigator(client_for, cast, db):
    sheet = QualitySheetFactory(state=S.INVESTIGATING, investigator=cast.qe)
    response = step(client_for(cast.qe), sheet, "submit_analysis", note="请审核")
    assert response.status_code == 200 and 'data-testid="step-errors"' in response.content.decode()
    assert "请审核" in response.content.decode()
    assert refreshed(sheet).state == S.INVESTIGATING


def test_a_distribution_with_a_past_due_date_writes_nothing_and_keeps_the_rows(client_for, cast, make_user):
    sheet = QualitySheetFactory(state=S.AWAITING_APPROVAL, approved=True)
    owner = make_user(r.AFTERSALES_ENGINEER, username="workshop_a", department="生产部门甲")
    data = distribute_data({"department": "生产部门甲", "owner": owner.pk, "requirement": "返工", "due_date": days(-1)})
    response = client_for(cast.clerk).post(reverse("quality:sheet_distribute", args=[sheet.number]), data)
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="step-errors"' in page and 'value="生产部门甲"' in page
    assert not DepartmentTask.objects.exists() and refreshed(sheet).state == S.AWAITING_APPROVAL


def test_a_distribution_names_at_least_one_department(client_for, cast, db):
    sheet = QualitySheetFactory(state=S.AWAITING_APPROVAL, approved=True)
    response = client_for(cast.clerk).post(reverse("quality:sheet_distribute", args=[sheet.number]), distribute_data())
    assert response.status_code == 200 and 'data-testid="step-errors"' in response.content.decode()
    assert refreshed(sheet).state == S.AWAITING_APPROVAL


def test_an_assessment_names_someone_and_a_value(client_for, cast, db):
    sheet = QualitySheetFactory(state=S.IN_PROGRESS, approved=True)
    response = step(client_for(cast.leader), sheet, "assess", kind="amount", value="-5", remarks="扣款说明")
    page = response.content.decode()
    assert response.status_code == 200 and "扣款说明" in page and page.count("invalid-feedback") >= 2
    assert not Assessment.objects.exists()


def test_an_investigator_must_be_in_a_quality_role(client_for, cast, db):
    sheet = QualitySheetFactory(state=S.DRAFT)
    response = step(client_for(cast.leader), sheet, "assign", investigator=cast.sales.pk)
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert refreshed(sheet).state == S.DRAFT


def test_a_task_is_signed_for_and_done_only_by_its_owner(client_for, cast, db):
    task = DepartmentTaskFactory(owner=cast.owner)
    sheet = task.sheet
    page = client_for(cast.owner).get(sheet.get_absolute_url()).content.decode()
    assert f'data-testid="acknowledge-{task.pk}"' in page and f'data-testid="complete-{task.pk}"' in page
    other = client_for(cast.qe)
    assert other.post(reverse("quality:task_acknowledge", args=[sheet.number, task.pk])).status_code == 403
    prefix = f"task-{task.pk}-complete"
    url = reverse("quality:task_complete", args=[sheet.number, task.pk])
    assert other.post(url, {f"{prefix}-note": "x"}).status_code == 403
    # An empty note is turned down with the form open again.
    response = client_for(cast.owner).post(url, {f"{prefix}-note": ""})
    assert response.status_code == 200 and f'id="{prefix}"' in response.content.decode()
    assert DepartmentTask.objects.get().done_at is None


def test_an_overdue_task_is_marked_red(client_for, cast, db):
    task = DepartmentTaskFactory(due_date=timezone.localdate() - datetime.timedelta(days=2))
    page = client_for(cast.leader).get(task.sheet.get_absolute_url()).content.decode()
    assert f'<tr data-task="{task.pk}" class="table-danger" data-overdue="1">' in page


def test_evidence_is_attached_and_downloaded_by_those_who_may_see_it(client_for, cast, private_files, db):
    # A sheet of the sales user's customer: sales see the evidence of their own customers' sheets only.
    sheet = QualitySheetFactory(
        state=S.INVESTIGATING, investigator=cast.qe, customer=CustomerFactory(salesperson=cast.sales)
    )
    upload = SimpleUploadedFile("断口.png", PNG, content_type="image/png")
    assert step(client_for(cast.qe), sheet, "attach", files=[upload]).status_code == 302
    item = SheetFile.objects.get()
    url = reverse("quality:sheet_file", args=[sheet.number, item.pk])
    response = client_for(cast.sales).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert client_for(cast.warehouse).get(url).status_code == 403
    assert (
        client_for(cast.sales).get(reverse("quality:sheet_file", args=[sheet.number, item.pk + 1])).status_code == 404
    )


def test_a_file_that_is_no_photo_is_refused_and_nothing_stored(client_for, cast, private_files, db):
    sheet = QualitySheetFactory(state=S.INVESTIGATING, investigator=cast.qe)
    upload = SimpleUploadedFile("report.png", b"not a png at all", content_type="image/png")
    response = step(client_for(cast.qe), sheet, "attach", files=[upload])
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not SheetFile.objects.exists()


def test_another_complaint_of_the_same_problem_is_linked_by_its_number(client_for, cast, world):
    first, second = company_complaint(cast, world), company_complaint(cast, world, title="第二起")
    sheet = services.sheet_raise(actor=cast.sales, complaint=first)
    client = client_for(cast.sales)
    assert step(client, sheet, "link", complaint=second.number.lower()).status_code == 302
    assert set(sheet.complaints.all()) == {first, second}
    response = step(client, sheet, "link", complaint="TS-209901-0001")
    assert response.status_code == 200 and "TS-209901-0001" in response.content.decode()


def test_the_scope_lists_the_other_customers_deliveries_of_the_same_batch(client_for, cast, world):
    other_batch_unit = DeliveryFactory(
        customer=world.far, product_model=world.model, serial_number="SN-B2", batch_number="b-7"
    )
    sheet = QualitySheetFactory(
        customer=world.customer, product_model=world.model, batch_number="B-7", serial_number="SN-A1"
    )
    # The quality group sees every customer's deliveries.
    page = client_for(cast.leader).get(sheet.get_absolute_url()).content.decode()
    batch = page.split('data-testid="scope-batch"')[1].split("</table>")[0]
    assert world.neighbour.name in batch and "SN-B1" in batch
    assert world.far.name in batch and other_batch_unit.serial_number in batch
    assert "SN-A1" not in batch  # the sheet's own unit
    model = page.split('data-testid="scope-model"')[1].split("</table>")[0]
    assert "SN-C1" in model and "SN-A1" not in model
    # The sales user sees how many other customers are hit, never who they are.
    page = client_for(cast.sales).get(sheet.get_absolute_url()).content.decode()
    scope = page.split('data-testid="scope"')[1].split("</div></div>")[0]
    assert 'data-testid="scope-hidden"' in scope and "2" in scope.split('data-testid="scope-hidden"')[1][:80]
    for secret in (world.neighbour.name, world.far.name, "SN-B1", "SN-C1", other_batch_unit.serial_number):
        assert secret not in page


def test_export_links_are_offered_to_those_who_may_export(client_for, cast, db):
    sheet = QualitySheetFactory()
    assert 'data-testid="exports"' not in client_for(cast.sales).get(sheet.get_absolute_url()).content.decode()
    if not optional_url("quality:eightd", sheet.number):
        pytest.skip("the 8D report pages are not wired up yet")
    assert 'data-testid="exports"' in client_for(cast.leader).get(sheet.get_absolute_url()).content.decode()


# --- the workbench --------------------------------------------------------------------------------------


def test_the_workbench_shows_each_role_its_own_work(client_for, cast, world):
    complaint = company_complaint(cast, world)
    mine = QualitySheetFactory(state=S.INVESTIGATING, investigator=cast.qe, title="我的调查")
    to_sign = QualitySheetFactory(state=S.AWAITING_APPROVAL, reviewed=True, title="待批准")
    verify = CapaActionFactory(completed=True, verification_due=timezone.localdate(), owner=cast.qe)

    sales = client_for(cast.sales).get(reverse("quality:workbench")).content.decode()
    assert 'data-testid="mine-to-raise"' in sales and complaint.number in sales
    qe = client_for(cast.qe).get(reverse("quality:workbench")).content.decode()
    assert 'data-testid="mine-investigating"' in qe and mine.number in qe.split('data-testid="mine-investigating"')[1]
    deputy = client_for(cast.deputy).get(reverse("quality:workbench")).content.decode()
    assert to_sign.number in deputy.split('data-testid="mine-to-sign"')[1].split("</ul>")[0]
    leader = client_for(cast.leader).get(reverse("quality:workbench")).content.decode()
    assert verify.number in leader.split('data-testid="mine-verifications"')[1].split("</ul>")[0]


def test_the_workbench_lists_overdue_sheets_first_and_filters_them(client_for, cast, db):
    later = QualitySheetFactory(
        state=S.INVESTIGATING, investigation_due=timezone.localdate() + datetime.timedelta(days=9)
    )
    late = QualitySheetFactory(
        state=S.INVESTIGATING, investigation_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    closed = QualitySheetFactory(state=S.CLOSED, approved=True, severity=Severity.MAJOR)
    client = client_for(cast.leader)
    page = client.get(reverse("quality:workbench")).content.decode()
    table = page.split('data-testid="sheet-table"')[1]
    assert table.index(late.number) < table.index(later.number) < table.index(closed.number)
    assert re.search(r'data-count="sheet-overdue">[^<]*<strong>1</strong>', page)
    filtered = client.get(reverse("quality:workbench"), {"severity": "major"}, HTTP_HX_REQUEST="true").content.decode()
    assert closed.number in filtered and late.number not in filtered and "<html" not in filtered


def test_the_action_list_filters_overdue_actions(client_for, cast, db):
    mine = CustomerFactory(salesperson=cast.sales)
    late = CapaActionFactory(due_date=timezone.localdate() - datetime.timedelta(days=3), sheet__customer=mine)
    on_time = CapaActionFactory(sheet__customer=mine)
    page = client_for(cast.sales).get(reverse("quality:capa_list"), {"overdue": "true"}).content.decode()
    assert late.number in page and on_time.number not in page


# --- actions ------------------------------------------------------------------------------------------------


def test_a_rectification_notice_asks_for_the_unit_and_prints(client_for, cast, db):
    client = client_for(cast.clerk)
    data = {
        "create-kind": "corrective",
        "create-source": "supervision",
        "create-source_reference": "2026年11月服务质量检查",
        "create-problem": "回访记录不全",
        "create-planned_action": "补齐回访记录",
        "create-owner": cast.qe.pk,
        "create-department": "华东服务站",
        "create-due_date": days(20),
        "create-verification_days": "30",
    }
    response = client.post(reverse("quality:capa_create"), data)
    assert response.status_code == 200 and "补齐回访记录" in response.content.decode()
    assert not CapaAction.objects.exists()

    data.update(
        {"create-notice_unit": "华东服务站", "create-notice_findings": "三单无回访", "create-reply_deadline": days(10)}
    )
    response = client.post(reverse("quality:capa_create"), data)
    action = CapaAction.objects.get()
    assert response.url == action.get_absolute_url() and action.is_notice
    notice = client.get(reverse("quality:capa_notice", args=[action.number])).content.decode()
    assert 'data-testid="paper-form"' in notice and "华东服务站" in notice and "三单无回访" in notice
    # The print layout is a stylesheet of its own (the Content-Security-Policy refuses inline styles).
    assert "/static/css/capa_notice.css" in notice
    assert "@media print" in open(finders.find("css/capa_notice.css"), encoding="utf-8").read()


def test_a_standalone_action_with_a_past_due_date_is_refused(client_for, cast, db):
    data = {
        "create-kind": "preventive",
        "create-source": "audit",
        "create-problem": "内审发现",
        "create-planned_action": "修订程序",
        "create-owner": cast.qe.pk,
        "create-department": "质量部",
        "create-due_date": days(-3),
        "create-verification_days": "30",
    }
    response = client_for(cast.leader).post(reverse("quality:capa_create"), data)
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not CapaAction.objects.exists()


def test_an_action_found_not_effective_reopens_with_a_new_plan_and_keeps_the_old_one(client_for, cast, db):
    action = CapaActionFactory(completed=True, owner=cast.qe, planned_action="原计划：更换垫圈")
    client = client_for(cast.leader)
    missing = capa_step(client, action, "verify", effective="no", note="仍有松动")
    assert missing.status_code == 200 and CapaAction.objects.get().state == CapaAction.State.COMPLETED
    response = capa_step(
        client, action, "verify", effective="no", note="仍有松动", new_plan="新计划：防错工装", new_due_date=days(30)
    )
    assert response.status_code == 302
    action = CapaAction.objects.get()
    assert action.state == CapaAction.State.OPEN and action.planned_action == "新计划：防错工装"
    page = client.get(action.get_absolute_url()).content.decode()
    assert 'data-testid="previous-plan"' in page and "原计划：更换垫圈" in page
    assert CapaEvent.objects.filter(previous_plan="原计划：更换垫圈").exists()


def test_capa_steps_follow_the_owner_and_the_verifier(client_for, cast, db):
    # On a sheet of the sales user's customer, so that sales see the action but may not act on it.
    action = CapaActionFactory(owner=cast.qe, sheet__customer=CustomerFactory(salesperson=cast.sales))
    assert capa_step(client_for(cast.sales), action, "complete", note="x").status_code == 403
    assert capa_step(client_for(cast.qe), action, "verify", effective="yes", note="x").status_code == 403
    assert capa_step(client_for(cast.qe), action, "check", finding="进度正常", checked_on=days(0)).status_code == 302
    future = capa_step(client_for(cast.qe), action, "check", finding="明天的检查", checked_on=days(1))
    assert future.status_code == 200 and "明天的检查" in future.content.decode()
    assert capa_step(client_for(cast.qe), action, "plan", planned_action="调整", due_date=days(20)).status_code == 302
    assert capa_step(client_for(cast.leader), action, "cancel", reason="").status_code == 200
    assert CapaAction.objects.get().state == CapaAction.State.OPEN


def test_a_notice_records_the_written_reply(client_for, cast, db):
    action = CapaActionFactory(notice=True, owner=cast.qe)
    client = client_for(cast.qe)
    assert capa_step(client, action, "reply", reply_text="已整改", received_on=days(0)).status_code == 302
    page = client.get(action.get_absolute_url()).content.decode()
    assert "已整改" in page and 'data-testid="panel-reply"' not in page


# --- the cost of the pages ------------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _fill_sheet(sheet, cast, n: int) -> None:
    for i in range(n):
        DepartmentTaskFactory(sheet=sheet, owner=cast.owner)
        Assessment.objects.create(sheet=sheet, department=f"部门{i}", value=1, recorded_by=cast.leader)
        action = CapaActionFactory(sheet=sheet, owner=cast.qe)
        CapaEvent.objects.create(action=action, actor=cast.qe, note="跟踪")
        SheetEvent.objects.create(sheet=sheet, actor=cast.leader, action=SheetEvent.Action.TASK, note=str(i))
        DeliveryFactory(batch_number=sheet.batch_number, product_model=sheet.product_model)
        complaint = complaint_services.complaint_create(
            actor=cast.manager, customer=CustomerFactory(), title=f"投诉{i}", description="x"
        )
        SheetComplaint.objects.create(sheet=sheet, complaint=complaint, linked_by=cast.sales)
        SheetFile.objects.create(
            sheet=sheet,
            file=f"quality/x{i}.png",
            original_name=f"x{i}.png",
            content_type="image/png",
            size=9,
            uploaded_by=cast.qe,
        )


def test_the_sheet_page_costs_the_same_for_3_or_20_rows_of_each_kind(client_for, cast, db):
    small = QualitySheetFactory(state=S.IN_PROGRESS, approved=True, batch_number="B-S", investigator=cast.qe)
    large = QualitySheetFactory(state=S.IN_PROGRESS, approved=True, batch_number="B-L", investigator=cast.qe)
    _fill_sheet(small, cast, 3)
    _fill_sheet(large, cast, 20)
    for user in (cast.leader, cast.owner):
        client = client_for(user)
        client.get(small.get_absolute_url())
        assert _queries(client, small.get_absolute_url()) == _queries(client, large.get_absolute_url())


def test_the_workbench_and_the_action_list_cost_the_same_for_3_or_20_rows(client_for, cast, db):
    client = client_for(cast.leader)
    client.get(reverse("quality:workbench"))

    def build(n):
        for i in range(n):
            sheet = QualitySheetFactory(state=[S.DRAFT, S.UNDER_REVIEW, S.IN_PROGRESS][i % 3], investigator=cast.qe)
            DepartmentTaskFactory(sheet=sheet, owner=cast.leader)
            CapaActionFactory(
                sheet=sheet, owner=cast.leader, due_date=timezone.localdate() - datetime.timedelta(days=i)
            )
            CapaActionFactory(completed=True, verification_due=timezone.localdate())

    build(3)
    counts = [_queries(client, reverse("quality:workbench")), _queries(client, reverse("quality:capa_list"))]
    build(17)
    assert [_queries(client, reverse("quality:workbench")), _queries(client, reverse("quality:capa_list"))] == counts
