"""The complaint pages: who may open them, intake, the steps through the views, lists and their cost."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales import roles as r
from customers.tests.factories import ContactFactory, CustomerFactory, DeliveryFactory, ProductModelFactory

from .. import selectors, services
from ..models import Attachment, Complaint, ComplaintEvent

VIEWERS = {r.SALES, *r.AFTERSALES, *r.QUALITY, r.GENERAL_MANAGER, r.MANAGEMENT}
INTAKE = {r.SALES, *r.AFTERSALES}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n" + b"x" * 64 + b"\n%%EOF\n"


# --- a small world of our own ------------------------------------------------------


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


@pytest.fixture
def private_files(settings, tmp_path, monkeypatch):
    # The attachment field's storage is built once when the model loads, so the
    # setting alone would not move it: swap the storage too.
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", FileSystemStorage(location=str(tmp_path)))
    return tmp_path


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


# --- who may open which page ----------------------------------------------------------


def _page_url(page, world, complaint):
    if page in ("list", "my_work", "create"):
        return reverse(f"complaints:{page}")
    if page == "customer_complaints":
        return reverse("complaints:customer_complaints", args=[world.customer.pk])
    if page == "lookup_customers":
        return reverse("complaints:lookup_customers") + "?q=华东"
    if page == "lookup_unit":
        return reverse("complaints:lookup_unit") + "?serial_number=SN-A1"
    return reverse("complaints:detail", args=[complaint.number])


PAGES = {
    "list": VIEWERS,
    # The warehouse keeper and purchasing have a queue there without complaints (spare parts).
    "my_work": [*VIEWERS, r.WAREHOUSE_KEEPER, r.PURCHASING],
    "detail": VIEWERS,
    "customer_complaints": VIEWERS,
    "create": INTAKE,
    "lookup_customers": INTAKE,
    "lookup_unit": INTAKE,
}


@pytest.mark.parametrize("role", r.ALL)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_opens_only_for_roles_allowed_on_it(cast, world, client_for, page, role):
    complaint = make_complaint(cast.engineer, world.customer)

    response = client_for(role).get(_page_url(page, world, complaint))

    assert response.status_code == (200 if role in PAGES[page] else 403)


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_visitor_is_sent_to_login(cast, world, client, page):
    complaint = make_complaint(cast.engineer, world.customer)

    response = client.get(_page_url(page, world, complaint))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


def test_anonymous_post_of_a_step_is_sent_to_login(cast, world, client):
    complaint = make_complaint(cast.engineer, world.customer)

    response = act(client, complaint, "start_analysis", note="")

    assert response.status_code == 302
    assert reload(complaint).state == Complaint.State.RECEIVED


def test_sales_cannot_open_another_salespersons_complaint(cast, world, client_for):
    complaint = make_complaint(cast.engineer, world.others)
    client = client_for(cast.sales)

    assert client.get(complaint.get_absolute_url()).status_code == 404
    assert client.get(reverse("complaints:customer_complaints", args=[world.others.pk])).status_code == 404
    assert act(client, complaint, "respond", reply="好的", kind="call").status_code == 404


def test_sales_list_shows_only_their_customers_complaints(cast, world, client_for):
    own = make_complaint(cast.engineer, world.customer)
    make_complaint(cast.engineer, world.others)

    response = client_for(cast.sales).get(reverse("complaints:list"))

    assert list(response.context["page"]) == [own]


def test_navigation_offers_complaint_pages_by_permission(client_for):
    engineer_page = client_for(r.AFTERSALES_ENGINEER).get(reverse("home")).content.decode()
    quality_page = client_for(r.QUALITY_ENGINEER).get(reverse("home")).content.decode()
    warehouse_page = client_for(r.WAREHOUSE_KEEPER).get(reverse("home")).content.decode()

    for testid in ("nav-complaints", "nav-my-work", "nav-new-complaint", "my-work-card"):
        assert f'data-testid="{testid}"' in engineer_page
    assert 'data-testid="nav-complaints"' in quality_page
    assert 'data-testid="nav-new-complaint"' not in quality_page
    assert 'data-testid="my-work-card"' not in quality_page
    assert 'data-testid="nav-complaints"' not in warehouse_page


# --- intake ----------------------------------------------------------------------


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


@pytest.mark.parametrize("role", sorted(INTAKE))
def test_intake_records_a_numbered_complaint_with_the_delivered_unit(cast, world, client_for, private_files, role):
    upload = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")

    response = client_for(role).post(
        reverse("complaints:create"), _intake(world, assignee=cast.engineer.pk, attachments=[upload])
    )

    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == complaint.get_absolute_url()
    assert re.fullmatch(rf"TS-{timezone.localtime():%Y%m}-\d{{4}}", complaint.number)
    assert complaint.delivery == world.delivery
    assert complaint.product_model.code == "KYN28"
    assert (complaint.batch_number, complaint.delivery_date) == ("B-7", world.delivery.delivery_date)
    assert complaint.warranty_status == Complaint.Warranty.IN
    assert (complaint.contact, complaint.assignee) == (world.contact, cast.engineer)
    assert complaint.attachments.get().original_name == "现场照片.png"


def test_intake_opened_from_the_customer_page_starts_with_that_customer(cast, world, client_for):
    response = client_for(cast.sales).get(reverse("complaints:create"), {"customer": world.customer.pk})

    assert response.context["form"].selected_customer == world.customer
    assert 'data-testid="chosen-customer"' in response.content.decode()


def test_intake_takes_the_customer_from_the_serial_number(cast, world, client_for):
    response = client_for(cast.engineer).post(reverse("complaints:create"), _intake(world, customer="", contact=""))

    assert response.status_code == 302
    assert Complaint.objects.get().customer == world.customer


def test_intake_without_customer_shows_the_error_and_writes_nothing(cast, world, client_for):
    response = client_for(cast.engineer).post(
        reverse("complaints:create"), _intake(world, customer="", contact="", serial_number="")
    )

    assert response.status_code == 200
    assert "customer" in response.context["form"].errors
    assert 'data-testid="customer-error"' in response.content.decode()
    assert "断路器无法合闸" in response.content.decode()  # what was typed is still there
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "setup.exe"),
        ("报告.pdf", b"this is not a pdf at all", "报告.pdf"),
    ],
    ids=["executable", "fake-pdf"],
)
def test_intake_with_a_bad_attachment_shows_why_and_writes_nothing(
    cast, world, client_for, private_files, name, content, message
):
    good = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    bad = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    response = client_for(cast.engineer).post(reverse("complaints:create"), _intake(world, attachments=[good, bad]))

    form = response.context["form"]
    assert response.status_code == 200
    assert message in " ".join(form.errors["attachments"])
    assert form["title"].value() == "断路器无法合闸"
    assert form["serial_number"].value() == "sn-a1"
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()
    assert not any(private_files.rglob("*.png"))


def test_intake_refuses_a_serial_number_delivered_to_another_customer(cast, world, client_for):
    response = client_for(cast.engineer).post(reverse("complaints:create"), _intake(world, serial_number="SN-B1"))

    assert "serial_number" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_sales_cannot_record_a_complaint_for_another_salespersons_customer(cast, world, client_for):
    response = client_for(cast.sales).post(
        reverse("complaints:create"), _intake(world, customer=world.others.pk, contact="", serial_number="")
    )

    assert "customer" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_intake_refuses_a_time_of_receipt_in_the_future(cast, world, client_for):
    later = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")

    response = client_for(cast.engineer).post(reverse("complaints:create"), _intake(world, received_at=later))

    assert "received_at" in response.context["form"].errors
    assert not Complaint.objects.exists()


# --- htmx lookups ------------------------------------------------------------------


def test_customer_search_finds_by_name_code_or_phone_within_sight(cast, world, client_for):
    url = reverse("complaints:lookup_customers")
    sales, engineer = client_for(cast.sales), client_for(cast.engineer)

    assert list(engineer.get(url, {"q": "华东"}).context["customers"]) == [world.customer]
    assert list(engineer.get(url, {"q": "xb-0"}).context["customers"]) == [world.others]
    assert list(engineer.get(url, {"q": "1390000"}).context["customers"]) == [world.customer]
    assert list(sales.get(url, {"q": "西北"}).context["customers"]) == []


def test_picking_a_customer_offers_its_contacts(cast, world, client_for):
    response = client_for(cast.engineer).get(
        reverse("complaints:lookup_customer_pick"), {"customer": world.customer.pk}
    )

    page = response.content.decode()
    assert world.customer.name in page
    assert 'hx-swap-oob="true"' in page and "王工" in page


def test_serial_lookup_fills_the_unit_and_the_customer(cast, world, client_for):
    response = client_for(cast.engineer).get(reverse("complaints:lookup_unit"), {"serial_number": "sn-a1"})

    form = response.context["form"]
    assert response.context["delivery"] == world.delivery
    assert form["product_model"].value() == world.delivery.product_model_id
    assert form["batch_number"].value() == "B-7"
    assert form["warranty_status"].value() == Complaint.Warranty.IN
    assert response.context["pick_customer"] is True
    assert 'id="customer-picker" hx-swap-oob="true"' in response.content.decode()


def test_batch_lookup_fills_the_unit_of_the_chosen_customer(cast, world, client_for):
    response = client_for(cast.engineer).get(
        reverse("complaints:lookup_unit"), {"batch_number": "b-7", "customer": world.customer.pk}
    )

    assert response.context["delivery"] == world.delivery
    assert response.context["pick_customer"] is False


def test_serial_lookup_does_not_reveal_another_salespersons_unit(cast, world, client_for):
    response = client_for(cast.sales).get(reverse("complaints:lookup_unit"), {"serial_number": "SN-B1"})

    assert response.context["delivery"] is None
    assert "西北轨道交通集团" not in response.content.decode()


# --- the steps, through the views, as the people who take them -----------------------

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


def test_major_complaint_also_needs_the_general_managers_signature(cast, world, client_for):
    complaint = make_complaint(cast.engineer, world.customer, severity="major")
    _analyse_and_submit(client_for(cast.engineer), complaint)

    act(client_for(cast.manager), complaint, "sign", note="同意")
    assert reload(complaint).state == Complaint.State.AWAITING_APPROVAL
    assert act(client_for(cast.manager), complaint, "sign", note="再签").status_code == 403
    assert act(client_for(cast.engineer), complaint, "sign", note="").status_code == 403
    response = act(client_for(cast.gm), complaint, "sign", note="同意处置")

    complaint = reload(complaint)
    assert response.status_code == 302
    assert complaint.state == Complaint.State.RECTIFYING
    assert complaint.gm_approved_by == cast.gm


def test_send_back_returns_the_complaint_to_analysis(cast, world, client_for):
    complaint = make_complaint(cast.engineer, world.customer)
    _analyse_and_submit(client_for(cast.engineer), complaint)

    response = act(client_for(cast.manager), complaint, "send_back", reason="处置方案不完整")

    assert response.status_code == 302
    assert reload(complaint).state == Complaint.State.ANALYSING


@pytest.mark.parametrize(
    ("role", "action", "fields"),
    [
        (r.SALES, "start_analysis", {"note": ""}),
        (r.SALES, "cancel", {"reason": "重复"}),
        (r.AFTERSALES_ENGINEER, "sign", {"note": ""}),
        (r.AFTERSALES_ENGINEER, "close", _close_fields()),
        (r.QUALITY_ENGINEER, "respond", {"reply": "好", "kind": "call"}),
        (r.GENERAL_MANAGER, "assign", {"note": ""}),
        (r.MANAGEMENT, "attach", {}),
    ],
)
def test_step_the_user_may_not_take_now_is_refused(cast, world, client_for, role, action, fields):
    complaint = make_complaint(cast.engineer, world.customer)

    response = act(client_for(role), complaint, action, **fields)

    assert response.status_code == 403
    assert reload(complaint).state == Complaint.State.RECEIVED
    assert ComplaintEvent.objects.filter(complaint=complaint).count() == 1


def test_detail_offers_only_the_steps_the_user_may_take(cast, world, client_for):
    complaint = make_complaint(cast.engineer, world.customer)

    def offered(user):
        return {panel["name"] for panel in client_for(user).get(complaint.get_absolute_url()).context["panels"]}

    assert offered(cast.engineer) == services.available_actions(complaint, cast.engineer)
    assert "start_analysis" in offered(cast.engineer)
    assert offered(cast.sales) == {"respond", "attach"}
    assert offered(cast.quality) == set()
    assert "cancel" in offered(cast.manager)


def test_step_turned_down_by_the_service_shows_the_error_and_keeps_the_input(cast, world, client_for):
    complaint = make_complaint(cast.engineer, world.customer)
    engineer = client_for(cast.engineer)
    act(engineer, complaint, "start_analysis", note="")

    response = act(engineer, complaint, "submit_for_approval", note="先提交看看")

    assert response.status_code == 200
    panel = next(p for p in response.context["panels"] if p["name"] == "submit_for_approval")
    assert panel["open"] and panel["form"].non_field_errors()
    assert "先提交看看" in response.content.decode()
    assert reload(complaint).state == Complaint.State.ANALYSING


def test_clock_steps_assign_and_timetable(cast, world, client_for):
    complaint = make_complaint(cast.engineer, world.customer)
    manager = client_for(cast.manager)

    act(manager, complaint, "assign", assignee=cast.engineer.pk, note="")
    act(manager, complaint, "pause", reason="等待客户提供运行记录")
    paused = reload(complaint)
    act(manager, complaint, "resume", note="资料已收到")
    promised = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    act(manager, complaint, "timetable", timetable="五日内完成更换", promised_date=promised)

    complaint = reload(complaint)
    assert paused.paused_since is not None
    assert complaint.assignee == cast.engineer
    assert complaint.paused_since is None
    assert complaint.promised_resolution_date.isoformat() == promised


def test_cancel_and_reopen(cast, world, client_for):
    cancelled = make_complaint(cast.engineer, world.customer)
    act(client_for(cast.manager), cancelled, "cancel", reason="重复登记")
    assert reload(cancelled).state == Complaint.State.CANCELLED

    complaint = make_complaint(cast.engineer, world.customer)
    engineer = client_for(cast.engineer)
    _analyse_and_submit(engineer, complaint)
    act(client_for(cast.manager), complaint, "sign", note="")
    act(engineer, complaint, "close", **_close_fields())
    response = act(engineer, complaint, "reopen", reason="客户反映问题复现")

    assert response.status_code == 302
    assert reload(complaint).state == Complaint.State.ANALYSING


# --- attachments ---------------------------------------------------------------------


def test_attach_step_stores_files_and_refuses_a_bad_one_whole(cast, world, client_for, private_files):
    complaint = make_complaint(cast.engineer, world.customer)
    engineer = client_for(cast.engineer)

    bad = act(
        engineer,
        complaint,
        "attach",
        files=[SimpleUploadedFile("ok.pdf", PDF), SimpleUploadedFile("virus.exe", b"MZ" + b"\x00" * 10)],
    )
    good = act(
        engineer, complaint, "attach", files=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)]
    )

    assert bad.status_code == 200
    assert "virus.exe" in bad.content.decode()
    assert good.status_code == 302
    assert sorted(complaint.attachments.values_list("original_name", flat=True)) == ["a.pdf", "b.png"]


def test_attachment_download_streams_the_file_only_to_those_who_see_the_complaint(
    cast, world, client_for, private_files
):
    complaint = make_complaint(
        cast.engineer,
        world.customer,
        attachments=[SimpleUploadedFile("检测报告.pdf", PDF, content_type="application/pdf")],
    )
    url = reverse("complaints:attachment", args=[complaint.number, complaint.attachments.get().pk])

    response = client_for(cast.sales).get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%A3%80%E6%B5%8B%E6%8A%A5%E5%91%8A.pdf" in response["Content-Disposition"]
    assert client_for(cast.engineer).get(url).status_code == 200
    assert client_for(cast.other_sales).get(url).status_code == 404
    assert client_for(cast.warehouse).get(url).status_code == 404
    assert url in client_for(cast.sales).get(complaint.get_absolute_url()).content.decode()


def test_attachment_of_another_complaint_is_not_found_through_this_one(cast, world, client_for, private_files):
    own = make_complaint(cast.engineer, world.customer)
    foreign = make_complaint(cast.engineer, world.others, attachments=[SimpleUploadedFile("x.pdf", PDF)])

    url = reverse("complaints:attachment", args=[own.number, foreign.attachments.get().pk])

    assert client_for(cast.sales).get(url).status_code == 404


# --- lists: filters, search, the queue ---------------------------------------------------


@pytest.fixture
def spread(cast, world):
    """Return complaints of several kinds: major open, breached, closed-free, assigned and not."""
    long_ago = timezone.now() - datetime.timedelta(days=3)
    return SimpleNamespace(
        general=make_complaint(cast.engineer, world.customer, serial_number="SN-A1", assignee=cast.engineer),
        major=make_complaint(cast.engineer, world.others, severity="major", title="母线排烧蚀"),
        late=make_complaint(cast.engineer, world.customer, received_at=long_ago, title="逾期未回复"),
        cancelled=services.complaint_cancel(
            actor=cast.manager, complaint=make_complaint(cast.engineer, world.others), reason="重复"
        ),
    )


def _listed(client, **params):
    response = client.get(reverse("complaints:list"), params)
    assert response.status_code == 200
    return {c.number for c in response.context["page"]}


def test_list_filters_and_search(cast, spread, client_for):
    client = client_for(cast.manager)
    s = spread

    assert _listed(client) == {s.general.number, s.major.number, s.late.number, s.cancelled.number}
    assert _listed(client, severity="major") == {s.major.number}
    assert _listed(client, state="open") == {s.general.number, s.major.number, s.late.number}
    assert _listed(client, state="cancelled") == {s.cancelled.number}
    assert _listed(client, sla="breached") == {s.late.number}
    services.complaint_pause(actor=cast.manager, complaint=s.major, reason="等待客户资料")
    assert _listed(client, sla="paused") == {s.major.number}
    assert _listed(client, assignee=cast.engineer.pk) == {s.general.number}
    assert _listed(client, assignee="null") == {s.major.number, s.late.number, s.cancelled.number}
    assert _listed(client, customer="xb-002") == {s.major.number, s.cancelled.number}
    today = timezone.localdate()
    assert _listed(client, received_to=(today - datetime.timedelta(days=2)).isoformat()) == {s.late.number}
    assert s.late.number not in _listed(client, received_from=today.isoformat())
    assert _listed(client, q=s.major.number) == {s.major.number}
    assert _listed(client, q="sn-a") == {s.general.number}
    assert _listed(client, q="西北") == {s.major.number, s.cancelled.number}
    assert _listed(client, q="西北", state="open") == {s.major.number}
    assert _listed(client, q="no such thing") == set()


def test_list_answers_htmx_with_the_table_only(cast, spread, client_for):
    response = client_for(cast.manager).get(reverse("complaints:list"), {"severity": "major"}, HTTP_HX_REQUEST="true")

    assert [t.name for t in response.templates][0] == "complaints/_table.html"
    assert spread.major.number in response.content.decode()


def test_list_shows_service_levels_in_colour(cast, spread, client_for):
    page = client_for(cast.manager).get(reverse("complaints:list")).content.decode()

    assert 'class="badge text-bg-danger" data-sla="breached"' in page
    assert 'class="badge text-bg-primary" data-sla="running"' in page
    assert "逾期" in page or "overdue" in page


def test_list_pages_without_counting(cast, world, client_for):
    for _ in range(3):
        make_complaint(cast.engineer, world.customer)
    rows = Complaint.objects.all()

    first = selectors.paginate(rows, "1", per_page=2)
    second = selectors.paginate(rows, "2", per_page=2)
    nonsense = selectors.paginate(rows, "abc", per_page=2)

    assert (len(first), first.has_next, first.has_previous) == (2, True, False)
    assert (len(second), second.has_next, second.has_previous) == (1, False, True)
    assert nonsense.number == 1
    with CaptureQueriesContext(connection) as queries:
        client_for(cast.manager).get(reverse("complaints:list"))
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_my_work_per_role(cast, world, client_for):
    mine = make_complaint(cast.engineer, world.customer, assignee=cast.engineer)
    unassigned = make_complaint(cast.engineer, world.others)
    to_sign = make_complaint(cast.engineer, world.customer, severity="major", assignee=cast.engineer)
    _analyse_and_submit(client_for(cast.engineer), to_sign)
    closed_soon = make_complaint(cast.engineer, world.customer, assignee=cast.engineer)
    services.complaint_respond(actor=cast.engineer, complaint=closed_soon, reply="已答复")

    def queue(user):
        return {c.number for c in client_for(user).get(reverse("complaints:my_work")).context["page"]}

    assert queue(cast.engineer) == {mine.number, to_sign.number, closed_soon.number}
    assert queue(cast.manager) == {unassigned.number, to_sign.number}
    assert queue(cast.gm) == {to_sign.number}
    assert queue(cast.sales) == {mine.number}  # waiting for the first reply
    assert queue(cast.other_sales) == {unassigned.number}
    assert queue(cast.quality) == set()
    engineer_page = client_for(cast.engineer).get(reverse("complaints:my_work")).content.decode()
    manager_page = client_for(cast.manager).get(reverse("complaints:my_work")).content.decode()
    assert 'data-count="unassigned"' not in engineer_page
    assert '<strong data-count="unassigned">1</strong>' in manager_page
    assert '<strong data-count="to_sign">1</strong>' in manager_page


def test_home_counts_the_queue_in_one_query(cast, world, client_for):
    make_complaint(cast.engineer, world.customer, assignee=cast.engineer)
    make_complaint(cast.engineer, world.customer, received_at=timezone.now() - datetime.timedelta(days=3))
    manager = cast.manager
    manager.has_perm("complaints.view_complaint")  # load the permission cache first

    with CaptureQueriesContext(connection) as queries:
        counts = selectors.my_work_counts(user=manager)

    assert len(queries) == 1
    assert counts == {"total": 1, "mine": 0, "breached": 1, "at_risk": 0, "unassigned": 1, "to_sign": 0}
    page = client_for(cast.engineer).get(reverse("home")).content.decode()
    assert '<strong data-count="total">1</strong>' in page


# --- the customer page's tabs ----------------------------------------------------------


def test_customer_complaints_tab_lists_that_customers_complaints(cast, world, client_for):
    own = make_complaint(cast.engineer, world.customer)
    make_complaint(cast.engineer, world.others)

    response = client_for(cast.sales).get(reverse("complaints:customer_complaints", args=[world.customer.pk]))

    assert list(response.context["page"]) == [own]
    assert f"?customer={world.customer.pk}" in response.content.decode()
    detail = client_for(cast.sales).get(reverse("customers:detail", args=[world.customer.pk]))
    assert 'data-testid="tab-complaints"' in detail.content.decode()


# --- query counts stay flat as the rows grow ------------------------------------------


def _count_queries(client, url):
    client.get(url)  # warm per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _busy_complaint(cast, customer, n):
    complaint = make_complaint(cast.engineer, customer, assignee=cast.engineer)
    for i in range(n):
        ComplaintEvent.objects.create(complaint=complaint, actor=cast.manager, action="updated", note=f"第{i}次")
        Attachment.objects.create(
            complaint=complaint,
            file=f"x/{i}.pdf",
            original_name=f"{i}.pdf",
            content_type="application/pdf",
            size=10,
            uploaded_by=cast.engineer,
        )
    return complaint


@pytest.mark.parametrize("role", [r.AFTERSALES_MANAGER, r.AFTERSALES_ENGINEER, r.SALES])
def test_list_my_work_and_detail_queries_do_not_grow_with_the_rows(
    cast, world, client_for, role, django_assert_max_num_queries
):
    client = client_for(role)
    few_detail = _busy_complaint(cast, world.customer, 3)
    for _ in range(2):
        make_complaint(cast.engineer, world.customer, assignee=cast.engineer)
    urls = [
        reverse("complaints:list"),
        reverse("complaints:my_work"),
        reverse("complaints:customer_complaints", args=[world.customer.pk]),
    ]
    few = [_count_queries(client, url) for url in urls] + [_count_queries(client, few_detail.get_absolute_url())]

    many_detail = _busy_complaint(cast, world.customer, 30)
    for _ in range(27):
        make_complaint(cast.engineer, world.customer, assignee=cast.engineer)
    many = [_count_queries(client, url) for url in urls] + [_count_queries(client, many_detail.get_absolute_url())]

    assert few == many
    with django_assert_max_num_queries(15):
        client.get(many_detail.get_absolute_url())
