"""Installation and commissioning: checklists, dispatch, results, signature, acceptance, print, delivery tab."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from aftersales.models import Notification
from customers.tests.factories import CustomerFactory, DeliveryFactory
from servicing.history import unit_history
from servicing.models import ChecklistItem, CommissioningReport, ServiceVisit
from servicing.models.commissioning import ItemKind, Outcome
from servicing.services import (
    checklist_save,
    commissioning_accept,
    commissioning_complete,
    commissioning_dispatch,
    commissioning_reopen,
    commissioning_results_save,
)

from .factories import ChecklistFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def delivery(customer):
    checklist = ChecklistFactory()
    return DeliveryFactory(customer=customer, product_model=checklist.product_model, serial_number="KYN-0001")


def _dispatch(people, delivery, **extra):
    data = {"engineer": people.engineer, "planned_start": NOW - datetime.timedelta(days=1), "place": "现场"}
    return commissioning_dispatch(actor=people.manager, delivery=delivery, **{**data, **extra})


def _answer(report, actor, *, check=True, value=Decimal("2500"), optional=None):
    lines = {line.position: line for line in report.lines.all()}
    results = {lines[1].pk: {"checked": check}, lines[2].pk: {"measured_value": value}}
    if optional is not None:
        results[lines[3].pk] = {"checked": optional}
    return commissioning_results_save(actor=actor, report=report, results=results)


def _signed(people, delivery, **answers):
    report = _dispatch(people, delivery).commissioning_report
    _answer(report, people.engineer, **answers)
    return commissioning_complete(actor=people.engineer, report=report)


# --- the checklist is copied -------------------------------------------------------------


def test_dispatch_creates_the_report_with_a_copy_of_the_models_checklist(people, delivery):
    visit = _dispatch(people, delivery)
    assert visit.purpose == ServiceVisit.Purpose.COMMISSIONING and visit.delivery == delivery
    report = visit.commissioning_report
    assert [line.text for line in report.lines.all()] == ["接地连接可靠", "主回路绝缘电阻", "柜体清洁"]
    assert Notification.objects.filter(kind="servicing.commissioning_dispatched", object_id=visit.pk).exists()


def test_later_template_edits_do_not_change_an_existing_report(people, delivery):
    report = _dispatch(people, delivery).commissioning_report
    checklist_save(
        actor=people.manager,
        product_model=delivery.product_model,
        items=[{"text": "新的检查项", "kind": ItemKind.CHECK, "required": True}],
    )
    assert list(ChecklistItem.objects.values_list("text", flat=True)) == ["新的检查项"]
    assert [line.text for line in report.lines.all()] == ["接地连接可靠", "主回路绝缘电阻", "柜体清洁"]


def test_a_model_without_a_checklist_cannot_be_dispatched(people, customer):
    bare = DeliveryFactory(customer=customer)
    with translation.override("zh-hans"):
        expected = gettext(
            "Product model %(model)s has no commissioning checklist yet; the after-sales manager writes it first."
        ) % {"model": bare.product_model.code}
        with pytest.raises(ValidationError) as error:
            _dispatch(people, bare)
        assert error.value.messages == [expected]
    assert not ServiceVisit.objects.exists()


def test_a_checklist_with_limits_reversed_or_a_measurement_without_limits_is_refused(people, delivery):
    items = [
        {"text": "电压", "kind": ItemKind.MEASURED, "min_value": Decimal("10"), "max_value": Decimal("5")},
        {"text": "电流", "kind": ItemKind.MEASURED, "min_value": None, "max_value": None},
    ]
    with pytest.raises(ValidationError) as error:
        checklist_save(actor=people.manager, product_model=delivery.product_model, items=items)
    assert len(error.value.messages) == 2


# --- results and signature ----------------------------------------------------------------


def test_a_measured_value_outside_the_limits_fails_and_so_does_the_report(people, delivery):
    report = _signed(people, delivery, value=Decimal("800"))
    line = report.lines.get(position=2)
    assert line.outcome == Outcome.FAIL
    assert report.state == CommissioningReport.State.COMPLETED
    assert report.result == CommissioningReport.Result.FAILED


def test_values_within_the_limits_pass(people, delivery):
    report = _signed(people, delivery, value=Decimal("1000"))
    assert report.lines.get(position=2).outcome == Outcome.PASS
    assert report.result == CommissioningReport.Result.PASSED
    assert report.signed_by == people.engineer


def test_the_report_cannot_be_signed_with_a_required_item_unanswered(people, delivery):
    report = _dispatch(people, delivery).commissioning_report
    line = report.lines.get(position=1)
    commissioning_results_save(actor=people.engineer, report=report, results={line.pk: {"checked": True}})
    with pytest.raises(ValidationError, match="主回路绝缘电阻"):
        commissioning_complete(actor=people.engineer, report=report)
    report.refresh_from_db()
    assert report.state == CommissioningReport.State.DRAFT


def test_an_optional_item_may_stay_unanswered(people, delivery):
    report = _signed(people, delivery)
    assert report.lines.get(position=3).outcome == Outcome.PENDING
    assert report.result == CommissioningReport.Result.PASSED


def test_a_signed_report_cannot_change_until_reopened(people, delivery):
    report = _signed(people, delivery)
    with pytest.raises(ValidationError):
        _answer(report, people.engineer, value=Decimal("1"))
    commissioning_reopen(actor=people.engineer, report=report)
    _answer(report, people.engineer, value=Decimal("1"))
    report.refresh_from_db()
    assert report.state == CommissioningReport.State.DRAFT and report.signed_by is None


def test_only_the_dispatched_engineer_signs(people, delivery):
    report = _dispatch(people, delivery).commissioning_report
    _answer(report, people.engineer)
    for actor in (people.other_engineer, people.manager, people.sales):
        with pytest.raises(PermissionDenied):
            commissioning_complete(actor=actor, report=report)


def test_another_engineer_and_sales_cannot_record_results(people, delivery):
    report = _dispatch(people, delivery).commissioning_report
    for actor in (people.other_engineer, people.sales, people.leader):
        with pytest.raises(PermissionDenied):
            _answer(report, actor)


@pytest.mark.parametrize("role", ["engineer", "sales", "leader"])
def test_only_the_after_sales_manager_dispatches_commissioning(people, delivery, role):
    with pytest.raises(PermissionDenied):
        commissioning_dispatch(
            actor=getattr(people, role), delivery=delivery, engineer=people.engineer, planned_start=NOW
        )


# --- acceptance ---------------------------------------------------------------------------


def test_the_customer_accepts_a_passed_report(people, delivery):
    report = _signed(people, delivery)
    commissioning_accept(actor=people.engineer, report=report, name="王工", date=NOW.date())
    report.refresh_from_db()
    assert report.state == CommissioningReport.State.ACCEPTED
    assert (report.customer_acceptance_name, report.acceptance_recorded_by) == ("王工", people.engineer)
    assert Notification.objects.filter(kind="servicing.commissioning_accepted", object_id=report.pk).exists()


def test_acceptance_cannot_be_in_the_future_or_before_the_visit_started(people, delivery):
    report = _signed(people, delivery)
    tomorrow, last_week = NOW.date() + datetime.timedelta(days=1), NOW.date() - datetime.timedelta(days=5)
    for day, words in ((tomorrow, "future"), (last_week, "before the visit started")):
        with translation.override("en"), pytest.raises(ValidationError) as error:
            commissioning_accept(actor=people.engineer, report=report, name="王工", date=day)
        assert words in " ".join(error.value.message_dict["customer_acceptance_date"])
    report.refresh_from_db()
    assert report.state == CommissioningReport.State.COMPLETED


def test_a_failed_or_draft_report_cannot_be_accepted(people, delivery):
    failed = _signed(people, delivery, value=Decimal("5"))
    with pytest.raises(ValidationError):
        commissioning_accept(actor=people.engineer, report=failed, name="王工", date=NOW.date())
    other = DeliveryFactory(customer=delivery.customer, product_model=delivery.product_model)
    draft = _dispatch(people, other).commissioning_report
    with pytest.raises(ValidationError):
        commissioning_accept(actor=people.engineer, report=draft, name="王工", date=NOW.date())


def test_the_acceptance_page_shows_the_date_error(people, delivery, client_for):
    report = _signed(people, delivery)
    url = reverse("servicing:commissioning_accept", args=[report.pk])
    response = client_for(people.engineer).post(
        url, {"customer_acceptance_name": "王工", "customer_acceptance_date": "2026-03-20"}
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    report.refresh_from_db()
    assert report.state == CommissioningReport.State.COMPLETED


# --- pages --------------------------------------------------------------------------------


def _accepted(people, delivery):
    report = _signed(people, delivery)
    return commissioning_accept(actor=people.engineer, report=report, name="王工", date=NOW.date())


def test_the_printable_report_shows_the_unit_items_limits_results_and_acceptance(people, delivery, client_for):
    report = _accepted(people, delivery)
    page = client_for(people.sales).get(reverse("servicing:commissioning_print", args=[report.pk])).content.decode()
    unit = (delivery.customer.name, "KYN-0001", delivery.product_model.code)
    for text in (*unit, "主回路绝缘电阻", "≥ 1000 MΩ", "2500 MΩ"):
        assert text in page
    assert "王工" in page and "2026-03-10" in page
    assert report.number in page
    assert "css/print_fonts.css" in page


def test_the_visit_page_shows_the_report_and_the_engineers_sign_button(people, delivery, client_for):
    visit = _dispatch(people, delivery)
    _answer(visit.commissioning_report, people.engineer)
    page = client_for(people.engineer).get(visit.get_absolute_url()).content.decode()
    assert 'data-testid="commissioning-section"' in page and 'data-testid="sign"' in page
    assert "主回路绝缘电阻" in page and 'data-testid="waiting-on"' in page
    other = client_for(people.other_engineer).get(visit.get_absolute_url()).content.decode()
    assert 'data-testid="sign"' not in other


def test_results_are_recorded_through_the_page(people, delivery, client_for):
    report = _dispatch(people, delivery).commissioning_report
    lines = {line.position: line for line in report.lines.all()}
    url = reverse("servicing:commissioning_results", args=[report.pk])
    client = client_for(people.engineer)
    assert "主回路绝缘电阻" in client.get(url).content.decode()
    response = client.post(url, {f"line_{lines[1].pk}": "pass", f"line_{lines[2].pk}": "900", "remarks": "ok"})
    assert response.status_code == 302
    assert report.lines.get(position=2).outcome == Outcome.FAIL
    assert client.post(reverse("servicing:commissioning_complete", args=[report.pk])).status_code == 302
    report.refresh_from_db()
    assert report.result == CommissioningReport.Result.FAILED


def test_the_dispatch_page_creates_the_visit_for_the_delivery(people, delivery, client_for):
    url = f"{reverse('servicing:commissioning_dispatch')}?delivery={delivery.pk}"
    client = client_for(people.manager)
    assert "KYN-0001" in client.get(url).content.decode()
    response = client.post(
        reverse("servicing:commissioning_dispatch"),
        {"delivery": delivery.pk, "engineer": people.engineer.pk, "kind": "onsite", "planned_start": "2026-03-12 9:00"},
    )
    assert response.status_code == 302
    assert CommissioningReport.objects.get().visit.delivery == delivery
    assert client_for(people.engineer).get(url).status_code == 403


def test_the_visit_create_page_sends_commissioning_to_the_dispatch_page(people, client_for):
    response = client_for(people.manager).get(reverse("servicing:visit_create") + "?purpose=commissioning")
    assert response.status_code == 302 and reverse("servicing:commissioning_dispatch") in response["Location"]


def test_the_deliveries_tab_shows_the_commissioning_in_a_constant_number_of_queries(
    people, delivery, client_for, django_assert_max_num_queries
):
    report = _accepted(people, delivery)
    url = reverse("customers:deliveries", args=[delivery.customer.pk])
    client = client_for(people.sales)
    page = client.get(url).content.decode()
    assert "2026-03-10" in page and report.get_absolute_url() in page
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    for _n in range(5):
        more = DeliveryFactory(customer=delivery.customer, product_model=delivery.product_model)
        _accepted(people, more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('data-testid="delivery-badge"') == 6


def test_the_deliveries_tab_offers_the_manager_to_dispatch(people, delivery, client_for):
    page = client_for(people.manager).get(reverse("customers:deliveries", args=[delivery.customer.pk])).content.decode()
    assert f"{reverse('servicing:commissioning_dispatch')}?delivery={delivery.pk}" in page


def test_a_salesperson_never_sees_another_salespersons_reports(people, delivery, client_for):
    report = _accepted(people, delivery)
    theirs = CustomerFactory(salesperson=people.other_sales, name="别人的客户")
    their_delivery = DeliveryFactory(customer=theirs, product_model=delivery.product_model, serial_number="SECRET-SN")
    their_report = _accepted(people, their_delivery)
    client = client_for(people.sales)
    listing = client.get(reverse("servicing:commissioning_list")).content.decode()
    assert report.number in listing and their_report.number not in listing and "SECRET-SN" not in listing
    assert client.get(reverse("servicing:commissioning_print", args=[their_report.pk])).status_code == 404
    other = client_for(people.other_sales)
    assert other.get(reverse("servicing:commissioning_print", args=[report.pk])).status_code == 404
    assert [entry.title for entry in unit_history(user=people.sales, serial="SECRET-SN")] == []
    commissioned = [e for e in unit_history(user=people.sales, serial="KYN-0001") if e.title.startswith("AT-")]
    assert len(commissioned) == 1


@pytest.mark.parametrize(("role", "status"), [("manager", 200), ("engineer", 403), ("sales", 403), ("leader", 403)])
def test_who_may_edit_the_checklist(people, delivery, client_for, role, status):
    url = reverse("servicing:checklist_edit", args=[delivery.product_model.pk])
    assert client_for(getattr(people, role)).get(url).status_code == status


def test_the_manager_writes_a_checklist_on_its_page(people, delivery, client_for):
    url = reverse("servicing:checklist_edit", args=[delivery.product_model.pk])
    data = {"items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "0"}
    data.update({"items-0-text": "相序正确", "items-0-kind": "check", "items-0-required": "on"})
    data.update({"items-1-text": "温升", "items-1-kind": "measured", "items-1-unit": "K", "items-1-max_value": "65"})
    assert client_for(people.manager).post(url, data).status_code == 302
    items = list(ChecklistItem.objects.filter(checklist__product_model=delivery.product_model))
    assert [(i.position, i.text, i.required) for i in items] == [(1, "相序正确", True), (2, "温升", False)]
    assert client_for(people.sales).get(reverse("servicing:checklist_list")).status_code == 200


def test_acceptance_date_may_be_the_visit_day_by_actual_start(people, delivery):
    report = _signed(people, delivery)
    visit = report.visit
    ServiceVisit.objects.filter(pk=visit.pk).update(actual_start=timezone.now() - datetime.timedelta(hours=2))
    report.refresh_from_db()
    commissioning_accept(actor=people.engineer, report=report, name="王工", date=NOW.date())
