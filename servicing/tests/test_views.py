"""Pages around a complaint: service visits, returns, follow-up calls, knowledge base, customer tabs."""

import datetime
import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from aftersales import roles as r
from complaints import services as complaint_services
from complaints.models import Complaint
from customers.tabs import customer_tabs
from customers.tests.factories import CustomerFactory, ProductModelFactory

from .. import services
from ..knowledge import similar_cases
from ..models import CaseSummary, FollowUp, ReturnRecord, ServiceVisit
from ..views.returns import EXPORT_COLUMNS

# Who holds which permission, as complaints/migrations/0002 grants them.
READERS = {*r.QUALITY, r.GENERAL_MANAGER, r.MANAGEMENT}
VISIT_VIEWERS = {r.SALES, *r.AFTERSALES, *READERS}
VISIT_DISPATCHERS = set(r.AFTERSALES)
RETURN_VIEWERS = {r.SALES, *r.AFTERSALES, *READERS, r.WAREHOUSE_KEEPER}
RETURN_CREATORS = {r.SALES, *r.AFTERSALES}
RETURN_EDITORS = {*r.AFTERSALES, r.QUALITY_CLERK, r.WAREHOUSE_KEEPER}
RETURN_EXPORTERS = {r.AFTERSALES_MANAGER, r.QUALITY_LEADER, r.QUALITY_CLERK}
FOLLOW_UP_CALLERS = {r.SALES, *r.AFTERSALES}
FOLLOW_UP_VIEWERS = {r.SALES, *r.AFTERSALES, *READERS}
CASE_VIEWERS = {r.SALES, *r.AFTERSALES, *READERS}
CASE_EDITORS = set(r.AFTERSALES)


def _now():
    return timezone.now().replace(microsecond=0)


def make_complaint(actor, customer, **data):
    data.setdefault("title", "断路器合闸失败")
    data.setdefault("description", "现场断路器无法合闸，指示灯不亮。")
    return complaint_services.complaint_create(actor=actor, customer=customer, **data)


def close(complaint, manager):
    """Walk a customer-caused complaint through the five stages to closed."""
    complaint_services.complaint_start_analysis(actor=manager, complaint=complaint)
    complaint_services.complaint_update_analysis(
        actor=manager,
        complaint=complaint,
        responsibility=Complaint.Responsibility.CUSTOMER,
        responsibility_reason="操作不当",
        disposal=Complaint.Disposal.GUIDANCE,
    )
    complaint_services.complaint_submit_for_approval(actor=manager, complaint=complaint)
    complaint_services.complaint_sign_approval(actor=manager, complaint=complaint)
    complaint_services.complaint_close(
        actor=manager,
        complaint=complaint,
        acceptance_name="王工",
        acceptance_date=timezone.localdate(),
        reply_to_customer="已现场指导操作。",
    )
    complaint.refresh_from_db()
    return complaint


def dispatch(manager, engineer, customer, complaint=None, **data):
    data.setdefault("planned_start", _now() - datetime.timedelta(hours=3))
    return services.visit_save(
        actor=manager, customer=customer, complaint=complaint, engineer=engineer, place="南京", **data
    )


def record_return(actor, customer, model, complaint=None, **data):
    data.setdefault("reason", "外壳破损")
    data.setdefault("requested_on", timezone.localdate())
    return services.return_save(actor=actor, customer=customer, complaint=complaint, product_model=model, **data)


@pytest.fixture
def world(role_user, make_user):
    """A sales user's customer with a closed complaint, a visit, a return and a case; another salesperson's too."""
    sales, manager, engineer = role_user(r.SALES), role_user(r.AFTERSALES_MANAGER), role_user(r.AFTERSALES_ENGINEER)
    other_sales = make_user(r.SALES, username="other_sales")
    model = ProductModelFactory(code="KYN28-12", name="开关柜")
    customer = CustomerFactory(salesperson=sales, name="华东电力设备有限公司")
    others_customer = CustomerFactory(salesperson=other_sales, name="西北轨道交通集团")
    complaint = close(make_complaint(sales, customer, product_model=model), manager)
    others_complaint = make_complaint(manager, others_customer, product_model=model)
    case = services.case_summary_save(
        actor=manager,
        complaint=complaint,
        problem="断路器合闸失败",
        cause="操作顺序错误",
        solution="按说明书重新培训",
        keywords="断路器 合闸",
    )
    return SimpleNamespace(
        sales=sales,
        other_sales=other_sales,
        manager=manager,
        engineer=engineer,
        model=model,
        customer=customer,
        others_customer=others_customer,
        complaint=complaint,
        others_complaint=others_complaint,
        visit=dispatch(manager, engineer, customer, complaint),
        others_visit=dispatch(manager, engineer, others_customer, others_complaint),
        record=record_return(manager, customer, model, complaint),
        others_record=record_return(manager, others_customer, model),
        case=case,
    )


def _url(page, w):
    by_pk = {
        "visit_detail": w.visit.pk,
        "visit_edit": w.visit.pk,
        "visit_print": w.visit.pk,
        "return_edit": w.record.pk,
        "case_detail": w.case.pk,
        "case_edit": w.case.pk,
        "customer_visits": w.customer.pk,
        "customer_returns": w.customer.pk,
    }
    if page in by_pk:
        return reverse(f"servicing:{page}", args=[by_pk[page]])
    if page in ("follow_up", "case_summary"):
        return reverse(f"servicing:{page}", args=[w.complaint.number])
    return reverse(f"servicing:{page}")


CUSTOMER_READERS = {r.SALES, *r.AFTERSALES, *READERS}  # customers.view_customer
PAGES = {
    "visit_list": VISIT_VIEWERS,
    "visit_create": VISIT_DISPATCHERS,
    "visit_detail": VISIT_VIEWERS,
    "visit_edit": VISIT_DISPATCHERS,
    "visit_print": VISIT_VIEWERS,
    "return_list": RETURN_VIEWERS,
    "return_create": RETURN_CREATORS,
    "return_edit": RETURN_EDITORS,
    "return_export": RETURN_EXPORTERS,
    "follow_up_list": FOLLOW_UP_VIEWERS,
    "follow_up": FOLLOW_UP_CALLERS,
    "case_list": CASE_VIEWERS,
    "case_detail": CASE_VIEWERS,
    "case_edit": CASE_EDITORS,
    "case_summary": CASE_EDITORS,
    "customer_visits": VISIT_VIEWERS,
    "customer_returns": RETURN_VIEWERS,
}
# Allowed by permission but blind to the record: the warehouse keeper sees every return
# but no customer file.
NOT_FOUND = {("customer_returns", r.WAREHOUSE_KEEPER)}


@pytest.mark.parametrize("role", r.ALL)
@pytest.mark.parametrize("page", list(PAGES))
def test_page_opens_only_for_roles_allowed_on_it(world, client_for, page, role):
    response = client_for(role).get(_url(page, world))

    if (page, role) in NOT_FOUND:
        assert response.status_code == 404
    else:
        assert response.status_code == (200 if role in PAGES[page] else 403)


@pytest.mark.parametrize("page", [*PAGES, "visit_accept"])
def test_anonymous_visitor_is_sent_to_login(world, client, page):
    url = reverse("servicing:visit_accept", args=[world.visit.pk]) if page == "visit_accept" else _url(page, world)

    response = client.post(url) if page == "visit_accept" else client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize(
    "page, pk_of",
    [
        ("visit_detail", "others_visit"),
        ("visit_print", "others_visit"),
        ("customer_visits", "others_customer"),
        ("customer_returns", "others_customer"),
    ],
)
def test_sales_cannot_open_another_salespersons_records(world, client_for, page, pk_of):
    response = client_for(r.SALES).get(reverse(f"servicing:{page}", args=[getattr(world, pk_of).pk]))

    assert response.status_code == 404


def test_sales_lists_show_only_their_customers_records(world, client_for):
    client = client_for(r.SALES)

    visits = client.get(reverse("servicing:visit_list")).context["page"]
    returns = client.get(reverse("servicing:return_list")).context["page"]

    assert [v.pk for v in visits] == [world.visit.pk]
    assert [x.pk for x in returns] == [world.record.pk]


def test_sales_cannot_follow_up_another_salespersons_complaint(world, client_for):
    close(world.others_complaint, world.manager)

    response = client_for(r.SALES).get(reverse("servicing:follow_up", args=[world.others_complaint.number]))

    assert response.status_code == 404


# --- service visits ----------------------------------------------------------------


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_dispatch_form_is_prefilled_from_the_complaint(world, client_for):
    response = client_for(r.AFTERSALES_MANAGER).get(
        reverse("servicing:visit_create"), {"complaint": world.complaint.number}
    )

    form = response.context["form"]
    assert form.initial["customer"] == world.customer.pk
    assert form.initial["complaint_number"] == world.complaint.number
    assert f'value="{world.complaint.number}"' in response.content.decode()


def test_dispatch_for_an_unseen_complaint_is_not_found(world, client_for):
    response = client_for(r.SALES).get(reverse("servicing:visit_create"), {"complaint": "TS-209901-9999"})

    assert response.status_code in (403, 404)


def test_dispatch_record_and_accept_archives_the_visit(world, client_for):
    manager = client_for(r.AFTERSALES_MANAGER)
    start = _now() - datetime.timedelta(hours=5)
    response = manager.post(
        reverse("servicing:visit_create"),
        {
            "customer": world.customer.pk,
            "complaint_number": world.complaint.number,
            "engineer": world.engineer.pk,
            "kind": ServiceVisit.Kind.ONSITE,
            "place": "南京江宁变电站",
            "people": "张工",
            "planned_start": _local(start),
            "planned_end": _local(start + datetime.timedelta(hours=2)),
        },
    )
    visit = ServiceVisit.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == visit.get_absolute_url()
    assert visit.complaint == world.complaint and visit.dispatched_by == world.manager

    record = {
        "actual_start": _local(start),
        "actual_end": _local(start + datetime.timedelta(hours=1)),
        "work_done": "更换合闸线圈",
        "result": ServiceVisit.Result.RESOLVED,
        "customer_acceptance_name": "李主任",
        "customer_acceptance_date": timezone.localdate().isoformat(),
        "customer_remarks": "满意",
    }
    response = client_for(r.AFTERSALES_ENGINEER).post(visit.get_absolute_url(), record)
    assert response.status_code == 302
    response = manager.post(reverse("servicing:visit_accept", args=[visit.pk]))
    assert response.status_code == 302

    visit.refresh_from_db()
    assert visit.is_archived and visit.internal_accepted_by == world.manager
    assert visit.work_done == "更换合闸线圈"
    page = manager.get(visit.get_absolute_url())
    assert page.context["form"] is None and not page.context["can_accept"]

    refused = manager.post(visit.get_absolute_url(), {**record, "work_done": "改写"})
    refused_edit = manager.post(reverse("servicing:visit_edit", args=[visit.pk]), {"place": "别处"})
    visit.refresh_from_db()
    assert refused.status_code == 409
    assert refused_edit.status_code == 302
    assert visit.work_done == "更换合闸线圈" and visit.place == "南京江宁变电站"


def test_engineer_cannot_give_the_internal_acceptance(world, client_for):
    response = client_for(r.AFTERSALES_ENGINEER).post(reverse("servicing:visit_accept", args=[world.visit.pk]))

    assert response.status_code == 403
    world.visit.refresh_from_db()
    assert not world.visit.is_archived


def test_acceptance_of_an_unrecorded_visit_is_refused_with_a_message(world, client_for):
    client = client_for(r.AFTERSALES_MANAGER)

    response = client.post(reverse("servicing:visit_accept", args=[world.visit.pk]), follow=True)

    world.visit.refresh_from_db()
    assert not world.visit.is_archived
    assert "验收" in response.content.decode() or "acceptance" in response.content.decode()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_dispatch_with_a_complaint_of_another_customer_is_refused_and_keeps_the_input(world, client_for):
    response = client_for(r.AFTERSALES_MANAGER).post(
        reverse("servicing:visit_create"),
        {
            "customer": world.customer.pk,
            "complaint_number": world.others_complaint.number,
            "engineer": world.engineer.pk,
            "kind": ServiceVisit.Kind.ONSITE,
            "place": "保留的地点",
            "planned_start": _local(_now()),
            "planned_end": _local(_now() - datetime.timedelta(hours=1)),
        },
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.errors) == {"complaint_number", "planned_end"}
    assert "保留的地点" in response.content.decode()
    assert ServiceVisit.objects.count() == 2


def test_only_after_sales_staff_can_be_dispatched(world, client_for):
    response = client_for(r.AFTERSALES_MANAGER).post(
        reverse("servicing:visit_create"),
        {
            "customer": world.customer.pk,
            "engineer": world.sales.pk,
            "kind": ServiceVisit.Kind.REMOTE,
            "planned_start": _local(_now()),
        },
    )

    assert "engineer" in response.context["form"].errors


def test_engineer_sees_their_own_visits(world, client_for, make_user):
    other = make_user(r.AFTERSALES_ENGINEER, username="second_engineer")
    dispatch(world.manager, other, world.customer)

    rows = client_for(world.engineer).get(reverse("servicing:visit_list"), {"mine": "on"}).context["page"]

    assert {v.engineer for v in rows} == {world.engineer}
    assert len(rows) == 2


def test_visit_list_filters_by_result_and_period(world, client_for):
    services.visit_save(actor=world.manager, visit=world.others_visit, result=ServiceVisit.Result.PARTLY)
    dispatch(world.manager, world.engineer, world.customer, planned_start=_now() - datetime.timedelta(days=40))
    client = client_for(r.AFTERSALES_MANAGER)
    since = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()

    by_result = client.get(reverse("servicing:visit_list"), {"result": "partly"}).context["page"]
    recent = client.get(reverse("servicing:visit_list"), {"date_from": since}).context["page"]

    assert [v.pk for v in by_result] == [world.others_visit.pk]
    assert {v.pk for v in recent} == {world.visit.pk, world.others_visit.pk}


def test_dispatch_can_change_until_the_visit_is_accepted(world, client_for):
    start = _now() + datetime.timedelta(days=1)

    response = client_for(r.AFTERSALES_ENGINEER).post(
        reverse("servicing:visit_edit", args=[world.visit.pk]),
        {"engineer": world.engineer.pk, "kind": ServiceVisit.Kind.REMOTE, "place": "", "planned_start": _local(start)},
    )

    assert response.status_code == 302
    world.visit.refresh_from_db()
    assert world.visit.kind == ServiceVisit.Kind.REMOTE and world.visit.planned_start == start.replace(second=0)
    assert world.visit.customer == world.customer and world.visit.complaint == world.complaint


def test_filtering_the_visit_list_with_htmx_returns_only_the_table(world, client_for):
    response = client_for(r.QUALITY_LEADER).get(
        reverse("servicing:visit_list"), {"customer": world.others_customer.code}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "<html" not in html and 'data-testid="visit-table"' in html
    assert [v.pk for v in response.context["page"]] == [world.others_visit.pk]


def test_printable_form_renders_like_the_paper_record(world, client_for):
    response = client_for(r.QUALITY_ENGINEER).get(reverse("servicing:visit_print", args=[world.visit.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    # The print layout is a stylesheet of its own (the Content-Security-Policy refuses inline styles).
    assert "/static/css/visit_print.css" in html
    css = open(finders.find("css/visit_print.css"), encoding="utf-8").read()
    assert "@media print" in css and "size: A4" in css
    assert world.customer.name in html and world.complaint.number in html
    assert 'data-testid="paper-form"' in html
    assert "navbar" not in html


def test_the_printed_form_prints_the_old_parts_note_only_when_there_is_one(world, client_for):
    client, url = client_for(r.AFTERSALES_MANAGER), reverse("servicing:visit_print", args=[world.visit.pk])
    assert 'data-testid="parts-used-note"' not in client.get(url).content.decode()

    ServiceVisit.objects.filter(pk=world.visit.pk).update(parts_used="真空断路器线圈 ×2")
    html = client.get(url).content.decode()
    with translation.override("zh-hans"):
        label = translation.gettext("Parts used (old note)")
    assert f"<th>{label}</th>" in html and "真空断路器线圈 ×2</td>" in html.split('data-testid="parts-used-note"')[1]


def test_the_printed_form_reads_a_constant_number_of_queries(world, client_for, django_assert_max_num_queries):
    client = client_for(r.AFTERSALES_MANAGER)
    client.get(reverse("servicing:visit_print", args=[world.visit.pk]))
    with django_assert_max_num_queries(3):
        assert client.get(reverse("servicing:visit_print", args=[world.visit.pk])).status_code == 200


# --- returns -------------------------------------------------------------------------


def test_return_is_created_from_a_complaint_prefill(world, client_for):
    client = client_for(r.SALES)
    form = client.get(reverse("servicing:return_create"), {"complaint": world.complaint.number}).context["form"]
    assert form.initial["customer"] == world.customer.pk and form.initial["product_model"] == world.model.pk

    response = client.post(
        reverse("servicing:return_create"),
        {
            "customer": world.customer.pk,
            "complaint_number": world.complaint.number,
            "product_model": world.model.pk,
            "serial_number": "sn-0001",
            "quantity": 2,
            "reason": "运输磕碰",
            "decision": ReturnRecord.Decision.PENDING,
            "outcome": ReturnRecord.Outcome.PENDING,
            "requested_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 302
    record = ReturnRecord.objects.latest("id")
    assert (record.complaint, record.serial_number, record.recorded_by) == (world.complaint, "SN-0001", world.sales)


def test_return_with_goods_received_before_the_request_is_refused(world, client_for):
    today = timezone.localdate()
    response = client_for(r.AFTERSALES_ENGINEER).post(
        reverse("servicing:return_create"),
        {
            "customer": world.customer.pk,
            "product_model": world.model.pk,
            "quantity": 0,
            "reason": "保留的原因",
            "decision": ReturnRecord.Decision.ACCEPTED,
            "outcome": ReturnRecord.Outcome.REWORK,
            "requested_on": today.isoformat(),
            "received_on": (today - datetime.timedelta(days=3)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert {"received_on", "quantity"} <= set(response.context["form"].errors)
    assert "保留的原因" in response.content.decode()
    assert ReturnRecord.objects.count() == 2


@pytest.mark.parametrize("role", [r.WAREHOUSE_KEEPER, r.QUALITY_CLERK])
def test_warehouse_keeper_records_the_outcome(role, world, client_for, role_user):
    world.record.refresh_from_db()
    keeper = role_user(role)
    data = {
        "product_model": world.model.pk,
        "quantity": 1,
        "reason": world.record.reason,
        "decision": ReturnRecord.Decision.ACCEPTED,
        "outcome": ReturnRecord.Outcome.SCRAP,
        "requested_on": world.record.requested_on.isoformat(),
        "received_on": world.record.requested_on.isoformat(),
    }

    response = client_for(keeper).post(reverse("servicing:return_edit", args=[world.record.pk]), data)

    assert response.status_code == 302
    world.record.refresh_from_db()
    assert world.record.outcome == ReturnRecord.Outcome.SCRAP and world.record.customer == world.customer


def _workbook_bytes(response) -> bytes:
    """Read a streamed workbook once; later calls get the same bytes."""
    if not hasattr(response, "workbook_bytes"):
        response.workbook_bytes = b"".join(response.streaming_content)
    return response.workbook_bytes


def _sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(_workbook_bytes(response)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _formula_cells(response):
    workbook = openpyxl.load_workbook(io.BytesIO(_workbook_bytes(response)))
    return [cell.coordinate for row in workbook.active.iter_rows() for cell in row if cell.data_type == "f"]


def test_returns_export_opens_in_openpyxl_with_rows_and_formulae_stored_as_text(world, client_for):
    record_return(world.manager, world.customer, world.model, reason='=HYPERLINK("http://x")', notes="+1 -2 @3")

    response = client_for(r.QUALITY_LEADER).get(reverse("servicing:return_export"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = _sheet(response)
    header, body = rows[0], rows[1:]
    with translation.override("zh-hans"):
        assert header == [str(label) for label, _value in EXPORT_COLUMNS]
    assert len(body) == 3
    reasons = [row[9] for row in body]
    assert '=HYPERLINK("http://x")' in reasons  # as typed, with no apostrophe
    assert "+1 -2 @3" in [row[14] for row in body]
    assert not _formula_cells(response)


def test_returns_export_follows_the_filters_and_the_scope(world, client_for):
    record_return(world.manager, world.customer, world.model, decision=ReturnRecord.Decision.REJECTED)

    rows = _sheet(client_for(r.QUALITY_CLERK).get(reverse("servicing:return_export"), {"decision": "rejected"}))

    assert len(rows) == 2
    assert rows[1][1] == world.customer.code


def test_export_button_carries_the_filter(world, client_for):
    response = client_for(r.AFTERSALES_MANAGER).get(reverse("servicing:return_list"), {"outcome": "scrap"})

    assert f"{reverse('servicing:return_export')}?outcome=scrap" in response.content.decode()


# --- follow-up calls ----------------------------------------------------------------


def test_unsatisfied_follow_up_needs_remarks_and_reopens_the_complaint(world, client_for):
    client = client_for(r.SALES)
    url = reverse("servicing:follow_up", args=[world.complaint.number])
    called_at = _local(_now())

    missing = client.post(url, {"satisfaction": 2, "attitude": 4, "called_at": called_at})
    assert "remarks" in missing.context["form"].errors
    assert not FollowUp.objects.exists()

    data = {"satisfaction": 2, "attitude": 4, "called_at": called_at, "remarks": "仍有异响"}
    response = client.post(url, data, follow=True)

    world.complaint.refresh_from_db()
    assert world.complaint.state == Complaint.State.ANALYSING
    assert FollowUp.objects.get().reopened
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    assert world.complaint.number in str(list(response.context["messages"])[0])


def test_satisfied_follow_up_leaves_the_complaint_closed(world, client_for):
    response = client_for(r.AFTERSALES_ENGINEER).post(
        reverse("servicing:follow_up", args=[world.complaint.number]),
        {"satisfaction": 5, "attitude": 5, "called_at": _local(_now()), "contact_name": "李主任"},
    )

    assert response.status_code == 302
    world.complaint.refresh_from_db()
    assert world.complaint.state == Complaint.State.CLOSED
    assert not FollowUp.objects.get().reopened


def test_follow_up_of_an_open_complaint_is_refused(world, client_for):
    url = reverse("servicing:follow_up", args=[world.others_complaint.number])
    client = client_for(r.AFTERSALES_ENGINEER)

    page = client.get(url)
    post = client.post(url, {"satisfaction": 5, "attitude": 5, "called_at": _local(_now())})

    assert page.status_code == 409 and post.status_code == 409
    assert not FollowUp.objects.exists()


def test_follow_up_list_shows_the_average_satisfaction(world, client_for):
    second = close(make_complaint(world.manager, world.customer), world.manager)
    services.follow_up_log(actor=world.manager, complaint=world.complaint, satisfaction=4)
    services.follow_up_log(actor=world.manager, complaint=second, satisfaction=5)

    response = client_for(r.MANAGEMENT).get(reverse("servicing:follow_up_list"))

    assert response.context["summary"]["count"] == 2
    assert response.context["summary"]["average"] == pytest.approx(4.5)
    assert "4.50 / 5" in response.content.decode()


# --- knowledge base -----------------------------------------------------------------


def test_knowledge_search_finds_a_case_by_keyword(world, client_for):
    client = client_for(r.QUALITY_ENGINEER)

    found = client.get(reverse("servicing:case_list"), {"q": "合闸"}).context["page"]
    missed = client.get(reverse("servicing:case_list"), {"q": "变压器"}).context["page"]
    by_model = client.get(reverse("servicing:case_list"), {"product_model": world.model.pk}).context["page"]

    assert [c.pk for c in found] == [world.case.pk]
    assert list(missed) == []
    assert [c.pk for c in by_model] == [world.case.pk]


def test_case_summary_is_edited_through_the_form(world, client_for):
    response = client_for(r.AFTERSALES_ENGINEER).post(
        reverse("servicing:case_edit", args=[world.case.pk]),
        {
            "product_model": world.model.pk,
            "category": Complaint.Category.FUNCTION,
            "problem": "断路器合闸失败",
            "cause": "操作顺序错误",
            "solution": "更新操作规程",
            "keywords": "断路器, 合闸, 规程",
        },
    )

    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.solution == "更新操作规程" and world.case.keyword_list() == ["断路器", "合闸", "规程"]


def test_similar_cases_ranks_a_same_model_case_with_shared_words_first(world, role_user):
    other_model = ProductModelFactory(code="ZW32-12", name="真空断路器")
    unrelated = services.case_summary_save(
        actor=world.manager,
        complaint=close(make_complaint(world.manager, world.customer, title="柜门变形"), world.manager),
        problem="柜门变形无法关闭",
        cause="运输",
        solution="更换柜门",
    )
    other_model_case = services.case_summary_save(
        actor=world.manager,
        complaint=close(
            make_complaint(world.manager, world.customer, title="合闸失败", product_model=other_model), world.manager
        ),
        problem="合闸失败",
        cause="线圈",
        solution="更换线圈",
    )
    new = make_complaint(world.manager, world.customer, title="断路器合闸失败 指示灯不亮", product_model=world.model)

    found = similar_cases(new)

    assert found[0] == world.case
    assert set(found) == {world.case, unrelated, other_model_case}
    assert found.index(other_model_case) < found.index(unrelated)
    assert similar_cases(new, limit=1) == [world.case]


def test_similar_cases_partial_lists_the_cases(world, rf):
    from django.template.loader import render_to_string

    html = render_to_string("servicing/_similar_cases.html", {"similar_cases": [world.case]})

    assert reverse("servicing:case_detail", args=[world.case.pk]) in html
    assert "按说明书重新培训" in html


# --- customer tabs ------------------------------------------------------------------


def test_customer_page_gets_complaint_visit_and_return_tabs(role_user):
    keys = [tab.key for tab in customer_tabs(role_user(r.AFTERSALES_ENGINEER))]

    start = keys.index("complaints")
    assert keys[start : start + 3] == ["complaints", "visits", "returns"]
    assert [tab.key for tab in customer_tabs(role_user(r.WAREHOUSE_KEEPER))] == ["returns", "property"]


def test_customer_tabs_list_only_that_customers_records(world, client_for):
    client = client_for(r.AFTERSALES_MANAGER)

    visits = client.get(reverse("servicing:customer_visits", args=[world.customer.pk])).context["page"]
    returns = client.get(reverse("servicing:customer_returns", args=[world.others_customer.pk])).context["page"]

    assert [v.pk for v in visits] == [world.visit.pk]
    assert [x.pk for x in returns] == [world.others_record.pk]


# --- query counts ---------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_visit(w):
    dispatch(w.manager, w.engineer, w.customer, w.complaint)


def _add_return(w):
    record_return(w.manager, w.customer, w.model, w.complaint)


def _add_follow_up(w):
    complaint = close(make_complaint(w.manager, w.customer, product_model=w.model), w.manager)
    services.follow_up_log(actor=w.manager, complaint=complaint, satisfaction=5)


def _add_case(w):
    complaint = close(make_complaint(w.manager, w.customer, product_model=w.model), w.manager)
    services.case_summary_save(actor=w.manager, complaint=complaint, problem="p", cause="c", solution="s")


ADD_ROW = {
    "visit_list": _add_visit,
    "customer_visits": _add_visit,
    "return_list": _add_return,
    "customer_returns": _add_return,
    "follow_up_list": _add_follow_up,
    "case_list": _add_case,
}


@pytest.mark.parametrize("page", list(ADD_ROW))
def test_list_queries_do_not_grow_with_the_rows(world, client_for, page):
    client = client_for(r.AFTERSALES_MANAGER)
    url = _url(page, world)
    for _ in range(2):
        ADD_ROW[page](world)
    few = _count_queries(client, url)

    for _ in range(27):
        ADD_ROW[page](world)
    many = _count_queries(client, url)

    assert many == few
    assert few <= 12


def test_case_summary_from_an_open_complaint_is_refused(world, client_for):
    response = client_for(r.AFTERSALES_MANAGER).get(
        reverse("servicing:case_summary", args=[world.others_complaint.number])
    )

    assert response.status_code == 302
    assert not CaseSummary.objects.filter(complaint=world.others_complaint).exists()


def test_the_complaint_page_under_analysis_suggests_similar_cases_the_user_may_see(world, client_for):
    new = make_complaint(world.manager, world.customer, title="断路器合闸失败 指示灯不亮", product_model=world.model)
    theirs = make_complaint(world.manager, world.others_customer, title="断路器合闸失败", product_model=world.model)
    hidden = services.case_summary_save(
        actor=world.manager,
        complaint=close(theirs, world.manager),
        problem="断路器合闸失败（另一客户）",
        cause="线圈烧毁",
        solution="更换合闸线圈",
    )

    page = client_for(world.sales).get(reverse("complaints:detail", args=[new.number])).content.decode()

    assert 'data-testid="similar-cases"' in page
    assert reverse("servicing:case_detail", args=[world.case.pk]) in page
    assert reverse("servicing:case_detail", args=[hidden.pk]) not in page and "另一客户" not in page
    manager_page = client_for(world.manager).get(reverse("complaints:detail", args=[new.number])).content.decode()
    assert reverse("servicing:case_detail", args=[hidden.pk]) in manager_page
