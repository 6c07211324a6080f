"""Service work on the complaint page: the case summary asked for when closing, and shown once closed."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales import roles as r
from complaints import services
from complaints.models import Complaint
from customers.tests.factories import ContactFactory, CustomerFactory, DeliveryFactory, ProductModelFactory

from ..models import CaseSummary

# --- a small world of our own, as in complaints' test_views ----------------------------


@pytest.fixture
def cast(make_user, role_user):
    return SimpleNamespace(
        sales=role_user(r.SALES),
        other_sales=make_user(r.SALES, username="sales_two"),
        engineer=role_user(r.AFTERSALES_ENGINEER),
        manager=role_user(r.AFTERSALES_MANAGER),
        gm=role_user(r.GENERAL_MANAGER),
        quality=role_user(r.QUALITY_ENGINEER),
        warehouse=role_user(r.WAREHOUSE_KEEPER),
    )


@pytest.fixture
def world(cast):
    customer = CustomerFactory(salesperson=cast.sales, name="华东电力设备有限公司", code="HD-001")
    others = CustomerFactory(salesperson=cast.other_sales, name="西北轨道交通集团", code="XB-002")
    model = ProductModelFactory(code="KYN28", warranty_months=24)
    recent = timezone.localdate() - datetime.timedelta(days=30)
    return SimpleNamespace(
        customer=customer,
        others=others,
        contact=ContactFactory(customer=customer, name="王工", phone="13900001111"),
        delivery=DeliveryFactory(
            customer=customer, product_model=model, serial_number="SN-A1", batch_number="B-7", delivery_date=recent
        ),
        others_delivery=DeliveryFactory(customer=others, product_model=model, serial_number="SN-B1"),
    )


def make_complaint(actor, customer, **data):
    data.setdefault("title", "开关柜运行异响")
    data.setdefault("description", "客户来电：设备运行时有异常响声。")
    return services.complaint_create(actor=actor, customer=customer, **data)


def act(client, complaint, action, files=None, **fields):
    data = {f"{action}-{name}": value for name, value in fields.items()}
    if files is not None:
        data[f"{action}-files"] = files
    return client.post(reverse(f"complaints:{action}", args=[complaint.number]), data)


def reload(complaint):
    return Complaint.objects.get(pk=complaint.pk)


# --- closing with a case summary --------------------------------------------------------


def _intake(world, **overrides):
    data = {
        "customer": world.customer.pk,
        "contact": world.contact.pk,
        "channel": "phone",
        "serial_number": "sn-a1",
        "batch_number": "",
        "product_model": "",
        "delivery_date": "",
        "warranty_status": "unknown",
        "severity": "general",
        "category": "quality",
        "title": "断路器无法合闸",
        "description": "客户来电：3 号柜断路器无法合闸。",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "assignee": "",
    }
    data.update(overrides)
    return data


ANALYSIS = {
    "responsibility": "customer",
    "responsibility_reason": "用户未按说明书操作，导致断路器误动作",
    "disposal": "guidance",
    "disposal_plan": "电话指导并上门培训操作人员",
    "warranty_status": "in",
}


def _close_fields(**overrides):
    return {
        "acceptance_name": "王工",
        "acceptance_date": timezone.localdate().isoformat(),
        "acceptance_remarks": "",
        "reply_to_customer": "已上门培训，设备运行正常。",
        "problem": "断路器无法合闸",
        "cause": "操作顺序错误",
        "solution": "培训操作人员",
        "keywords": "断路器 合闸",
        **overrides,
    }


def _analyse_and_submit(client, complaint):
    assert act(client, complaint, "respond", reply="已收到，今天安排工程师联系。", kind="call").status_code == 302
    assert act(client, complaint, "start_analysis", note="").status_code == 302
    assert act(client, complaint, "analysis", **ANALYSIS).status_code == 302
    assert act(client, complaint, "submit_for_approval", note="请审批").status_code == 302


def test_customer_caused_general_complaint_goes_from_intake_to_close(cast, world, client_for):
    sales, engineer, manager = client_for(cast.sales), client_for(cast.engineer), client_for(cast.manager)
    sales.post(reverse("complaints:create"), _intake(world))
    complaint = Complaint.objects.get()

    _analyse_and_submit(engineer, complaint)
    assert reload(complaint).state == Complaint.State.AWAITING_APPROVAL
    assert act(manager, complaint, "sign", note="同意").status_code == 302
    assert reload(complaint).state == Complaint.State.RECTIFYING
    response = act(engineer, complaint, "close", **_close_fields())

    complaint = reload(complaint)
    assert response.status_code == 302
    assert complaint.state == Complaint.State.CLOSED
    assert (complaint.assignee, complaint.manager_approved_by) == (cast.engineer, cast.manager)
    assert complaint.first_responded_at is not None
    summary = CaseSummary.objects.get(complaint=complaint)
    assert (summary.cause, summary.keyword_list()) == ("操作顺序错误", ["断路器", "合闸"])
    page = engineer.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="case-summary"' in page
    assert 'data-sla="met"' in page


def test_close_with_a_future_acceptance_date_keeps_the_complaint_open_and_the_summary_typed(cast, world, client_for):
    complaint = make_complaint(cast.engineer, world.customer)
    engineer = client_for(cast.engineer)
    _analyse_and_submit(engineer, complaint)
    act(client_for(cast.manager), complaint, "sign", note="")
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = act(engineer, complaint, "close", **_close_fields(acceptance_date=tomorrow, cause="独特的原因描述"))

    form = next(p["form"] for p in response.context["panels"] if p["name"] == "close")
    assert "acceptance_date" in form.errors
    assert "独特的原因描述" in response.content.decode()
    assert reload(complaint).state == Complaint.State.RECTIFYING
    assert not CaseSummary.objects.exists()


def test_sales_closes_their_customers_complaint_without_a_case_summary(cast, world, client_for):
    complaint = make_complaint(cast.engineer, world.customer)
    _analyse_and_submit(client_for(cast.engineer), complaint)
    act(client_for(cast.manager), complaint, "sign", note="")
    fields = {k: v for k, v in _close_fields().items() if k not in ("problem", "cause", "solution", "keywords")}

    response = act(client_for(cast.sales), complaint, "close", **fields)

    assert response.status_code == 302
    assert reload(complaint).state == Complaint.State.CLOSED
    assert not CaseSummary.objects.exists()
