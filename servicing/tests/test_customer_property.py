"""Customer property (顾客财产): receipt, custody log, return, loss report, the close rule, who may do what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from aftersales import roles
from aftersales.models import Notification
from customers.tests.factories import ContactFactory, CustomerFactory

from ..models import CustomerProperty, PropertyPhoto
from ..services import (
    property_close,
    property_move,
    property_photo_add,
    property_receive,
    property_record_loss,
    property_report_loss,
    property_return,
)
from .factories import CustomerPropertyFactory

State = CustomerProperty.State
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def photo_storage(settings, tmp_path, monkeypatch):
    from aftersales.storage import private_storage

    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(PropertyPhoto._meta.get_field("file"), "storage", private_storage())
    return tmp_path


@pytest.fixture
def keeper(role_user):
    return role_user(roles.WAREHOUSE_KEEPER)


def _receive(actor, customer, **extra):
    data = {
        "customer": customer,
        "description": "KYN28 断路器手车",
        "condition": "外观完好",
        "storage_place": "售后仓库 A-01",
        "serial_number": "sn-001",
    }
    return property_receive(actor=actor, **{**data, **extra})


def _lost(record, actor, kind="damaged"):
    return property_record_loss(
        actor=actor,
        record=record,
        loss_kind=kind,
        loss_found_on=timezone.localdate(),
        loss_found_by="张三",
        loss_description="试验台跌落，外壳开裂",
    )


# --- receipt and custody ---------------------------------------------------------------


def test_receipt_numbers_the_record_and_logs_the_first_custody(people, customer):
    record = _receive(people.engineer, customer)
    assert record.number == f"GCC-{timezone.localtime():%Y%m}-0001"
    assert record.state == State.IN_CUSTODY and record.custodian == people.engineer
    assert record.serial_number == "SN-001"
    (first,) = record.movements.all()
    assert first.from_holder == customer.name and first.to_place == "售后仓库 A-01"


def test_receipt_stores_checked_photos_and_refuses_a_disguised_file(people, customer, photo_storage):
    record = _receive(people.engineer, customer, photos=[SimpleUploadedFile("front.png", PNG)])
    assert [p.original_name for p in record.photos.all()] == ["front.png"]
    with pytest.raises(ValidationError):
        property_photo_add(actor=people.engineer, record=record, uploads=[SimpleUploadedFile("x.png", b"<script>")])
    assert record.photos.count() == 1


def test_custody_changes_are_logged_from_whom_where_to_whom_where(people, customer, keeper):
    record = _receive(keeper, customer, storage_place="成品库")
    property_move(actor=keeper, record=record, to_holder=people.engineer, to_place="试验室", reason="型式试验")
    property_move(actor=people.engineer, record=record, to_holder=keeper, to_place="成品库", reason="试验完毕入库")
    record.refresh_from_db()
    assert record.custodian == keeper and record.storage_place == "成品库"
    log = [(m.from_place, m.to_place, m.reason) for m in record.movements.all()]
    assert log[1:] == [("成品库", "试验室", "型式试验"), ("试验室", "成品库", "试验完毕入库")]
    assert record.movements.all()[1].to_holder_name == str(people.engineer.get_full_name() or people.engineer)


def test_property_cannot_be_handed_to_someone_who_may_not_hold_it(people, customer):
    record = _receive(people.engineer, customer)
    with pytest.raises(ValidationError):
        property_move(actor=people.engineer, record=record, to_holder=people.sales, to_place="x", reason="y")


# --- return ---------------------------------------------------------------------------


def test_return_records_the_customers_signature_and_date(people, customer):
    record = _receive(people.engineer, customer)
    property_return(actor=people.engineer, record=record, returned_to="王工", returned_on=timezone.localdate())
    record.refresh_from_db()
    assert record.state == State.RETURNED and record.returned_to == "王工" and record.custodian is None
    assert record.movements.last().to_holder_name == "王工"


@pytest.mark.parametrize("days", [1, -10])
def test_return_date_may_not_be_in_the_future_nor_before_receipt(people, customer, days):
    record = _receive(people.engineer, customer, received_at=timezone.now() - datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as error:
        property_return(
            actor=people.engineer,
            record=record,
            returned_to="王工",
            returned_on=timezone.localdate() + datetime.timedelta(days=days),
        )
    assert error.value.error_list[0].code == "returned_on"
    record.refresh_from_db()
    assert record.state == State.IN_CUSTODY


# --- loss, its report, closing --------------------------------------------------------


@pytest.mark.parametrize(("kind", "label"), [("damaged", "Damaged"), ("lost", "Lost")])
def test_loss_reported_by_email_goes_to_the_primary_contact_through_the_outbox(
    people, customer, mailoutbox, django_capture_on_commit_callbacks, kind, label
):
    ContactFactory(customer=customer, name="李经理", email="li@example.com", is_primary=True)
    record = _receive(people.engineer, customer)
    _lost(record, people.leader, kind=kind)
    with django_capture_on_commit_callbacks(execute=True):
        property_report_loss(actor=people.leader, record=record, report_method="email")
    (row,) = Notification.objects.filter(kind="servicing.property_loss")
    assert row.object_id == record.pk
    record.refresh_from_db()
    assert record.reported_at is not None and "li@example.com" in record.reported_to
    (mail,) = mailoutbox
    assert mail.to == ["li@example.com"] and record.number in mail.subject and "外壳开裂" in mail.body
    # The body names the kind of loss (丢失 or 损坏), in the language the e-mail is written in.
    with translation.override("zh-hans"):
        named = gettext(label)
        sentence = gettext(
            "We must report the following about goods of %(customer)s held by us for repair or testing: %(kind)s."
        ) % {"customer": customer.name, "kind": named}
    assert named in ("丢失", "损坏")
    (html, _mimetype) = mail.alternatives[0]
    assert sentence in mail.body and escape(sentence) in html


def test_a_report_refused_leaves_no_email_behind(people, customer):
    record = _receive(people.engineer, customer)
    _lost(record, people.engineer)
    with pytest.raises(ValidationError):  # no primary contact with an e-mail address
        property_report_loss(actor=people.engineer, record=record, report_method="email")
    assert not Notification.objects.filter(kind="servicing.property_loss").exists()


def test_property_cannot_be_closed_without_a_return_or_a_loss_record(people, customer):
    record = _receive(people.engineer, customer)
    with pytest.raises(ValidationError):
        property_close(actor=people.engineer, record=record)
    record.refresh_from_db()
    assert record.state == State.IN_CUSTODY


def test_a_loss_must_be_reported_before_closing(people, customer):
    record = _receive(people.engineer, customer)
    _lost(record, people.engineer, kind="lost")
    with pytest.raises(ValidationError):
        property_close(actor=people.engineer, record=record)
    property_report_loss(actor=people.engineer, record=record, report_method="phone", reported_to="李经理")
    property_close(actor=people.engineer, record=record)
    record.refresh_from_db()
    assert record.state == State.CLOSED and record.closed_by == people.engineer


def test_returned_property_closes(people, customer):
    record = CustomerPropertyFactory(
        customer=customer, state=State.RETURNED, returned_to="王工", returned_on=timezone.localdate()
    )
    property_close(actor=people.manager, record=record)
    record.refresh_from_db()
    assert record.state == State.CLOSED


# --- roles ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [roles.AFTERSALES_ENGINEER, roles.AFTERSALES_MANAGER, roles.WAREHOUSE_KEEPER])
def test_service_staff_and_the_warehouse_keeper_receive_move_and_return(role_user, customer, code):
    user = role_user(code)
    record = _receive(user, customer)
    property_move(actor=user, record=record, to_place="维修车间", reason="维修")
    property_return(actor=user, record=record, returned_to="王工", returned_on=timezone.localdate())


@pytest.mark.parametrize("code", [roles.SALES, roles.QUALITY_LEADER, roles.QUALITY_ENGINEER, roles.MANAGEMENT])
def test_others_may_not_receive(role_user, customer, code):
    with pytest.raises(PermissionDenied):
        _receive(role_user(code), customer)


def test_the_quality_leader_records_and_reports_a_loss_but_does_not_move_goods(people, customer):
    record = _receive(people.engineer, customer)
    with pytest.raises(PermissionDenied):
        property_move(actor=people.leader, record=record, to_place="x", reason="y")
    _lost(record, people.leader)
    property_report_loss(actor=people.leader, record=record, report_method="letter", reported_to="李经理")


def test_sales_may_not_record_a_loss(people, customer):
    record = _receive(people.engineer, customer)
    with pytest.raises(PermissionDenied):
        _lost(record, people.sales)


# --- pages ------------------------------------------------------------------------------


def test_closing_through_the_page_is_refused_while_in_custody(people, customer, client_for):
    record = _receive(people.engineer, customer)
    client = client_for(people.engineer)
    response = client.post(reverse("servicing:property_step", args=[record.pk, "close"]))
    assert response.status_code == 403  # the page offers no close step in custody
    record.refresh_from_db()
    assert record.state == State.IN_CUSTODY


def test_the_page_shows_the_close_rule_message_for_an_unreported_loss(people, customer, client_for):
    record = _receive(people.engineer, customer)
    _lost(record, people.engineer)
    client = client_for(people.engineer)
    response = client.post(reverse("servicing:property_step", args=[record.pk, "close"]), follow=True)
    with translation.override("zh-hans"):
        expected = gettext("Report the loss or damage to the customer before closing.")
    assert escape(expected) in response.content.decode()
    record.refresh_from_db()
    assert record.state == State.LOST


def test_the_page_records_a_return_with_its_errors_all_at_once(people, customer, client_for):
    record = _receive(people.engineer, customer)
    client = client_for(people.engineer)
    url = reverse("servicing:property_step", args=[record.pk, "return"])
    future = timezone.localdate() + datetime.timedelta(days=2)
    response = client.post(url, {"return-returned_to": "王工", "return-returned_on": future.isoformat()})
    with translation.override("zh-hans"):
        expected = gettext("%(what)s cannot be in the future.") % {"what": gettext("The return date")}
    assert response.status_code == 400 and escape(expected) in response.content.decode()
    response = client.post(url, {"return-returned_to": "王工", "return-returned_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    page = client.get(record.get_absolute_url()).content.decode()
    assert "王工" in page and 'data-testid="form-close"' in page


def test_the_receive_page_creates_the_record(people, customer, client_for):
    client = client_for(people.engineer)
    response = client.post(
        reverse("servicing:property_create"),
        {
            "customer_code": customer.code,
            "description": "CT 互感器",
            "quantity": 2,
            "condition": "一只外壳有划痕",
            "storage_place": "试验室",
            "serial_number": "ct-9",
        },
    )
    record = CustomerProperty.objects.get()
    assert response.status_code == 302 and record.serial_number == "CT-9" and record.quantity == 2


def test_the_detail_page_shows_the_custody_log_and_what_it_waits_for(people, customer, client_for):
    record = _receive(people.engineer, customer)
    property_move(actor=people.engineer, record=record, to_place="试验室", reason="耐压试验")
    page = client_for(people.engineer).get(record.get_absolute_url()).content.decode()
    with translation.override("zh-hans"):
        step = gettext("keep the goods safe and return them to the customer")
    assert "耐压试验" in page and 'data-testid="waiting-on"' in page and escape(step) in page


def test_sales_see_only_their_own_customers_property(people, customer, client_for):
    mine = _receive(people.engineer, customer, description="MINE-GOODS")
    theirs = _receive(people.engineer, CustomerFactory(salesperson=people.other_sales), description="THEIR-GOODS")
    client = client_for(people.sales)
    page = client.get(reverse("servicing:property_list")).content.decode()
    assert mine.number in page and theirs.number not in page
    assert client.get(theirs.get_absolute_url()).status_code == 404
    other = client_for(people.other_sales).get(reverse("servicing:property_list")).content.decode()
    assert theirs.number in other and mine.number not in other


def test_sales_may_not_take_steps(people, customer, client_for):
    record = _receive(people.engineer, customer)
    client = client_for(people.sales)
    assert 'data-testid="form-move"' not in client.get(record.get_absolute_url()).content.decode()
    url = reverse("servicing:property_step", args=[record.pk, "move"])
    assert client.post(url, {"move-to_place": "x", "move-reason": "y"}).status_code == 403


def test_the_list_costs_the_same_for_one_record_or_many(people, customer, client_for, django_assert_num_queries):
    client = client_for(people.manager)
    url = reverse("servicing:property_list")
    CustomerPropertyFactory(customer=customer)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    CustomerPropertyFactory.create_batch(5, customer=CustomerFactory())
    with django_assert_num_queries(len(one)):
        client.get(url)


def test_the_customer_tab_lists_what_is_in_our_hands(people, customer, client_for):
    held = _receive(people.engineer, customer, description="IN-HANDS")
    gone = CustomerPropertyFactory(
        customer=customer, state=State.RETURNED, returned_to="王工", returned_on=timezone.localdate()
    )
    client = client_for(people.sales)
    page = client.get(reverse("servicing:customer_property", args=[customer.pk])).content.decode()
    assert held.number in page and gone.number not in page
    page = client.get(reverse("servicing:customer_property", args=[customer.pk]), {"all": "1"}).content.decode()
    assert gone.number in page


def test_property_in_custody_appears_in_my_work_of_its_custodian(people, customer, client_for):
    record = _receive(people.engineer, customer)
    property_move(
        actor=people.engineer, record=record, to_holder=people.other_engineer, to_place="试验室", reason="试验"
    )
    page = client_for(people.other_engineer).get(reverse("complaints:my_work")).content.decode()
    assert record.number in page and 'data-testid="work-section-customer_property"' in page
    page = client_for(people.engineer).get(reverse("complaints:my_work")).content.decode()
    assert record.number not in page
