"""Requisition pages: the flow through the forms, what each person sees, the panels, query counts, e-mail."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from aftersales.models import Notification

from .. import services
from ..models import Requisition, StockMove
from .requisition_setup import approved, draft, issued, submitted

pytestmark = pytest.mark.django_db


def detail_url(requisition):
    return reverse("parts:requisition_detail", args=[requisition.pk])


def step_url(requisition, step):
    return reverse("parts:requisition_step", args=[requisition.pk, step])


def quantities(requisition, attribute):
    return {f"line-{line.pk}": getattr(line, attribute) for line in requisition.lines.all()}


def test_the_whole_flow_through_the_pages(req, client_for):
    engineer, manager, keeper = client_for(req.engineer), client_for(req.manager), client_for(req.keeper)
    url = reverse("parts:requisition_create") + f"?complaint={req.complaint.number}"
    form = {"lines-TOTAL_FORMS": 2, "lines-INITIAL_FORMS": 0, "reason": "线圈烧毁，需更换"}
    form |= {"lines-0-part_code": "pj-coil", "lines-0-warehouse": req.store.pk, "lines-0-quantity": 2}

    response = engineer.post(url, form)
    requisition = Requisition.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(requisition)
    assert requisition.complaint == req.complaint and requisition.requester == req.engineer

    assert engineer.post(step_url(requisition, "submit")).status_code == 302
    assert (
        manager.post(step_url(requisition, "approve"), quantities(requisition, "quantity_requested")).status_code == 302
    )
    requisition.refresh_from_db()
    assert keeper.post(step_url(requisition, "issue"), quantities(requisition, "outstanding")).status_code == 302
    requisition.refresh_from_db()
    assert requisition.state == Requisition.State.ISSUED

    page = engineer.get(req.complaint.get_absolute_url()).content.decode()
    assert "parts-issued" in page and "PJ-COIL" in page and "71.00" in page  # 2 × 35.50
    visit_page = engineer.get(req.visit.get_absolute_url()).content.decode()
    assert "parts-panel" in visit_page


def test_form_errors_are_shown_together_and_nothing_typed_is_lost(req, client_for):
    url = reverse("parts:requisition_create") + f"?complaint={req.complaint.number}"
    form = {"lines-TOTAL_FORMS": 2, "lines-INITIAL_FORMS": 0, "reason": ""}
    form |= {"lines-0-part_code": "NO-SUCH", "lines-0-warehouse": req.store.pk, "lines-0-quantity": 2}

    response = client_for(req.engineer).post(url, form)

    assert response.status_code == 200 and Requisition.objects.count() == 0
    body = response.content.decode()
    assert 'value="NO-SUCH"' in body and body.count("text-danger small") >= 2


def test_a_shortage_on_approval_is_explained_on_the_page(req, client_for):
    requisition = submitted(req, lines=[{"part": req.coil, "warehouse": req.store, "quantity": 11}])

    with translation.override("en"):
        response = client_for(req.manager).post(
            step_url(requisition, "approve"), quantities(requisition, "quantity_requested"), HTTP_ACCEPT_LANGUAGE="en"
        )

    assert response.status_code == 400
    assert "PJ-COIL" in response.content.decode() and "step-errors" in response.content.decode()
    requisition.refresh_from_db()
    assert requisition.state == Requisition.State.SUBMITTED


def test_an_engineer_sees_only_their_own_requisitions(req, client_for):
    mine = draft(req)
    theirs = draft(req, actor=req.other_engineer)
    client = client_for(req.engineer)

    for which in ("mine", "all"):
        body = client.get(reverse("parts:requisition_list"), {"list": which}).content.decode()
        assert mine.number in body and theirs.number not in body
    assert client.get(detail_url(theirs)).status_code == 404
    assert client.get(reverse("parts:requisition_print", args=[theirs.pk])).status_code == 404
    assert client.post(step_url(theirs, "submit")).status_code == 404
    complaint_page = client.get(req.complaint.get_absolute_url()).content.decode()
    assert mine.number in complaint_page and theirs.number not in complaint_page


def test_manager_keeper_and_management_see_all_and_sales_none(req, client_for):
    requisition = submitted(req)
    for user in (req.manager, req.keeper, req.management):
        body = client_for(user).get(reverse("parts:requisition_list"), {"list": "all"}).content.decode()
        assert requisition.number in body
    sales = client_for(req.sales)
    assert sales.get(reverse("parts:requisition_list")).status_code == 403
    assert sales.get(detail_url(requisition)).status_code == 403
    assert requisition.number not in sales.get(req.complaint.get_absolute_url()).content.decode()


def test_the_queues_show_what_waits_on_each(req, client_for):
    waiting = submitted(req)
    to_issue = approved(req)

    to_approve = client_for(req.manager).get(reverse("parts:requisition_list"), {"list": "to_approve"})
    assert waiting.number in to_approve.content.decode() and to_issue.number not in to_approve.content.decode()
    body = client_for(req.keeper).get(reverse("parts:requisition_list"), {"list": "to_issue"}).content.decode()
    assert to_issue.number in body and waiting.number not in body
    other = client_for(req.other_keeper).get(reverse("parts:requisition_list"), {"list": "to_issue"})
    assert to_issue.number not in other.content.decode()
    work = client_for(req.manager).get(reverse("complaints:my_work")).content.decode()
    assert "work-to-approve" in work and waiting.number in work
    engineer_work = client_for(req.engineer).get(reverse("complaints:my_work")).content.decode()
    assert "work-mine" not in engineer_work
    mine = draft(req)
    assert mine.number in client_for(req.engineer).get(reverse("complaints:my_work")).content.decode()


def test_the_page_offers_only_the_steps_the_user_may_take(req, client_for):
    requisition = submitted(req)

    manager = client_for(req.manager).get(detail_url(requisition)).context["forms"]
    engineer = client_for(req.engineer).get(detail_url(requisition)).context["forms"]
    keeper = client_for(req.keeper).get(detail_url(requisition)).context["forms"]

    assert set(manager) == {"approve", "reject", "cancel"}
    assert set(engineer) == {"cancel"} and set(keeper) == set()
    assert client_for(req.keeper).post(step_url(requisition, "approve")).status_code == 403


def test_the_page_says_on_whom_it_waits(req, client_for):
    requisition = approved(req)

    client = client_for(req.engineer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(detail_url(requisition))

    assert response.context["waiting_lines"] == ["the keeper of 中心库 to issue the parts"]
    chinese = client_for(req.manager).get(detail_url(requisition))
    assert chinese.context["waiting_lines"] == ["中心库 的库管员发料"]


def test_list_and_detail_read_a_constant_number_of_queries(req, client_for, django_assert_max_num_queries):
    for _n in range(3):
        issued(req)
    requisition = Requisition.objects.first()
    client = client_for(req.manager)

    with django_assert_max_num_queries(14):
        client.get(reverse("parts:requisition_list"), {"list": "all"})
    with django_assert_max_num_queries(22):
        client.get(detail_url(requisition))
    with django_assert_max_num_queries(12):
        client.get(reverse("parts:part_lookup"), {"q": "PJ"})


def test_the_print_form_shows_the_lines(req, client_for):
    requisition = approved(req)

    body = client_for(req.keeper).get(reverse("parts:requisition_print", args=[requisition.pk])).content.decode()

    assert requisition.number in body and "PJ-RELAY" in body


def test_the_part_lookup_shows_free_stock_per_warehouse(req, client_for):
    approved(req)

    body = client_for(req.engineer).get(reverse("parts:part_lookup"), {"q": "coil"}).content.decode()

    assert "PJ-COIL" in body and "CK01: 7" in body


def test_each_notification_is_mailed_once_to_its_people(req, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        requisition = submitted(req)
    assert [m.to for m in mailoutbox] == [["manager@example.com"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.requisition_approve(actor=req.manager, requisition=requisition)
    assert sorted(mailoutbox[-1].to) == ["engineer@example.com", "keeper@example.com"]
    with django_capture_on_commit_callbacks(execute=True):
        lines = {line.pk: line.outstanding for line in requisition.lines.all()}
        services.requisition_issue(actor=req.keeper, requisition=requisition, quantities=lines)
    assert len(mailoutbox) == 3 and requisition.number in mailoutbox[-1].subject
    assert Notification.objects.filter(state=Notification.State.SENT).count() == 3


def test_the_visit_form_no_longer_asks_for_parts_but_keeps_an_old_note(req, client_for):
    client = client_for(req.manager)
    assert "id_parts_used" not in client.get(req.visit.get_absolute_url()).content.decode()

    type(req.visit).objects.filter(pk=req.visit.pk).update(parts_used="旧记录：线圈×1")
    body = client.get(req.visit.get_absolute_url()).content.decode()
    assert "id_parts_used" in body and "旧记录：线圈×1" in body


def test_issued_moves_feed_the_visit_panel_with_their_cost(req, client_for):
    issued(req, purpose="visit", visit=req.visit)

    body = client_for(req.engineer).get(req.visit.get_absolute_url()).content.decode()

    assert StockMove.objects.filter(visit=req.visit).count() == 2
    assert "PJ-RELAY" in body and "177.50" in body  # 3 × 35.50 + 2 × 35.50


def print_url(visit):
    return reverse("servicing:visit_print", args=[visit.pk])


def test_the_printed_visit_lists_the_parts_issued_with_their_cost(req, client_for, django_assert_max_num_queries):
    requisition = issued(req, purpose="visit", visit=req.visit)
    client = client_for(req.engineer)
    client.get(print_url(req.visit))  # warm the session and permission caches

    with django_assert_max_num_queries(3):
        body = client.get(print_url(req.visit)).content.decode()

    issued_table = body.split('data-testid="parts-issued"')[1].split("</table>")[0]
    assert "PJ-COIL" in issued_table and "合闸线圈" in issued_table and requisition.number in issued_table
    assert 'data-testid="parts-total">177.50<' in issued_table  # 3 × 35.50 + 2 × 35.50
    assert 'data-testid="parts-used-note"' not in body  # no old note, no empty old-note box


def test_the_printed_visit_keeps_an_old_note_beside_the_parts(req, client_for):
    type(req.visit).objects.filter(pk=req.visit.pk).update(parts_used="旧记录：线圈×1")
    body = client_for(req.engineer).get(print_url(req.visit)).content.decode()
    note = body.split('data-testid="parts-used-note"')[1].split("</td>")[0]
    assert "旧记录：线圈×1" in note
    with translation.override("zh-hans"):
        assert translation.gettext("No parts issued yet.") in body.split('data-testid="parts-issued"')[1]


def test_the_printed_visit_shows_no_costs_to_those_who_may_not_read_the_ledger(req, client_for, make_user):
    from aftersales import roles

    issued(req, purpose="visit", visit=req.visit)
    body = client_for(make_user(roles.QUALITY_ENGINEER, username="quality")).get(print_url(req.visit))
    assert body.status_code == 200 and 'data-testid="paper-form"' in body.content.decode()
    assert "PJ-COIL" not in body.content.decode() and "177.50" not in body.content.decode()


def test_the_admin_shows_requisitions_read_only(req, client_for):
    requisition = approved(req)
    req.manager.is_staff = True
    req.manager.save()
    client = client_for(req.manager)

    listing = client.get(reverse("admin:parts_requisition_changelist"))
    page = client.get(reverse("admin:parts_requisition_change", args=[requisition.pk]))

    assert listing.status_code == 200 and requisition.number in listing.content.decode()
    assert page.status_code == 200 and "PJ-COIL" in page.content.decode()
    assert client.post(reverse("admin:parts_requisition_change", args=[requisition.pk]), {}).status_code == 403


def test_a_van_restock_is_asked_from_the_list_page(req, client_for):
    url = reverse("parts:requisition_create") + "?restock=1"
    form = {"lines-TOTAL_FORMS": 1, "lines-INITIAL_FORMS": 0, "reason": "补货", "target_warehouse": req.van.pk}
    form |= {"lines-0-part_code": "PJ-RELAY", "lines-0-warehouse": req.store.pk, "lines-0-quantity": 4}

    response = client_for(req.engineer).post(url, form)

    requisition = Requisition.objects.get()
    assert response.status_code == 302
    assert requisition.purpose == Requisition.Purpose.RESTOCK and requisition.target_warehouse == req.van


def test_the_requester_changes_the_draft_and_no_one_else(req, client_for):
    requisition = draft(req)
    url = reverse("parts:requisition_edit", args=[requisition.pk])
    form = {"lines-TOTAL_FORMS": 1, "lines-INITIAL_FORMS": 0, "reason": "只要线圈"}
    form |= {"lines-0-part_code": "PJ-COIL", "lines-0-warehouse": req.store.pk, "lines-0-quantity": 1}

    assert 'value="PJ-RELAY"' in client_for(req.engineer).get(url).content.decode()
    assert client_for(req.other_engineer).post(url, form).status_code == 404
    assert client_for(req.engineer).post(url, form).status_code == 302

    assert [(line.part, line.quantity_requested) for line in requisition.lines.all()] == [(req.coil, 1)]


def test_the_keeper_takes_unused_parts_back_on_the_page(req, client_for):
    requisition = issued(req)
    coil = requisition.lines.get(part=req.coil)
    keeper = client_for(req.keeper)

    refused = keeper.post(step_url(requisition, "return"), {f"line-{coil.pk}": 1, "reason": ""})
    done = keeper.post(step_url(requisition, "return"), {f"line-{coil.pk}": 1, "reason": "未用完"})

    assert refused.status_code == 400 and done.status_code == 302
    coil.refresh_from_db()
    assert coil.returned == 1
    assert client_for(req.engineer).post(step_url(requisition, "return"), {f"line-{coil.pk}": 1}).status_code == 403


def test_cancel_from_the_page_needs_a_reason(req, client_for):
    requisition = approved(req)
    engineer = client_for(req.engineer)

    assert engineer.post(step_url(requisition, "cancel"), {"reason": ""}).status_code == 400
    assert engineer.post(step_url(requisition, "cancel"), {"reason": "客户自修"}).status_code == 302
    requisition.refresh_from_db()
    assert requisition.state == Requisition.State.CANCELLED
    assert engineer.post(step_url(requisition, "close")).status_code == 302  # refused politely: nothing open
    assert engineer.post(step_url(requisition, "nonsense")).status_code == 404


def test_the_keeper_has_a_my_work_queue_without_complaints(req, client_for):
    keeper = client_for(req.keeper)
    assert keeper.get(reverse("complaints:my_work")).status_code == 200  # an empty queue is still theirs
    to_issue = approved(req)

    body = keeper.get(reverse("complaints:my_work")).content.decode()
    assert to_issue.number in body
    assert 'data-testid="nav-my-work"' in body
    assert "work-counts" not in body and f'href="{reverse("complaints:list")}"' not in body  # no complaint queue
    other = client_for(req.other_keeper).get(reverse("complaints:my_work")).content.decode()
    assert to_issue.number not in other


def test_the_complaint_is_linked_only_for_those_who_may_open_it(req, client_for):
    requisition = issued(req)
    link = f'href="{req.complaint.get_absolute_url()}"'

    engineer = client_for(req.engineer).get(detail_url(requisition)).content.decode()
    keeper = client_for(req.keeper).get(detail_url(requisition)).content.decode()

    assert link in engineer
    assert req.complaint.number in keeper and link not in keeper
    assert client_for(req.keeper).get(req.complaint.get_absolute_url()).status_code == 403


def test_an_issued_requisition_names_the_keeper_for_returns_and_the_engineer_for_closing(req, client_for):
    requisition = issued(req)
    client = client_for(req.engineer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    lines = client.get(detail_url(requisition)).context["waiting_lines"]

    assert lines == [
        f"{req.engineer} to bring unused parts back to the keeper of 中心库, who returns them to stock",
        f"{req.engineer} to close it when nothing more comes back",
    ]
