"""Repair quotes: totals and tax, transitions per role, the customer's answer, printing, the e-mail, scope."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from aftersales.models import Notification
from complaints.models import Complaint, ComplaintEvent
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import ContactFactory, CustomerFactory

from ..models import Quote
from ..services import quote_create, quote_record_answer, quote_send, quote_update
from .factories import QuoteFactory

pytestmark = pytest.mark.django_db
LINES = [
    {"kind": "parts", "description": "真空灭弧室", "quantity": Decimal("2"), "unit_price": Decimal("1200.00")},
    {"kind": "travel", "description": "差旅", "quantity": Decimal("1"), "unit_price": Decimal("350.50")},
    {"kind": "labour", "description": "人工", "quantity": Decimal("1.5"), "unit_price": Decimal("333.33")},
]


@pytest.fixture
def complaint(customer, people):
    return ComplaintFactory(
        customer=customer,
        assignee=people.engineer,
        state=Complaint.State.ANALYSING,
        warranty_status=Complaint.Warranty.OUT,
        serial_number="SN-Q-0001",
    )


def _create(actor, complaint, **extra):
    data = {"lines": LINES, "valid_until": timezone.localdate() + datetime.timedelta(days=30), **extra}
    return quote_create(actor=actor, complaint=complaint, **data)


def test_totals_are_the_lines_plus_thirteen_percent_tax_to_the_fen(people, complaint):
    quote = _create(people.engineer, complaint)
    # 2400.00 + 350.50 + 500.00 (1.5 × 333.33 = 499.995, rounded half up)
    assert [line.amount for line in quote.lines.all()] == [Decimal("2400.00"), Decimal("350.50"), Decimal("500.00")]
    assert (quote.subtotal, quote.tax_rate, quote.tax_amount, quote.total) == (
        Decimal("3250.50"),
        Decimal("13.00"),
        Decimal("422.57"),
        Decimal("3673.07"),
    )
    assert quote.number.startswith(f"BJ-{timezone.localdate():%Y%m}-")
    assert quote.state == Quote.State.DRAFT


def test_negative_prices_and_empty_quotes_are_refused(people, complaint):
    with pytest.raises(ValidationError):
        _create(people.engineer, complaint, lines=[{**LINES[0], "unit_price": Decimal("-1")}])
    with pytest.raises(ValidationError):
        _create(people.engineer, complaint, lines=[])
    with pytest.raises(ValidationError):
        _create(people.engineer, complaint, tax_rate=Decimal("120"))


def test_in_warranty_complaint_is_not_quoted(people, customer):
    complaint = ComplaintFactory(customer=customer, warranty_status=Complaint.Warranty.IN)
    with pytest.raises(ValidationError):
        _create(people.engineer, complaint)


@pytest.mark.parametrize("role", ["sales", "leader", "gm"])
def test_only_after_sales_staff_prepare_quotes(people, complaint, role):
    with pytest.raises(PermissionDenied):
        _create(getattr(people, role), complaint)


def test_engineer_sends_and_the_email_is_queued_in_the_same_transaction(
    people, customer, complaint, django_capture_on_commit_callbacks, mailoutbox
):
    ContactFactory(customer=customer, name="王工", email="wang@example.com", is_primary=True)
    quote = _create(people.engineer, complaint)
    with django_capture_on_commit_callbacks(execute=True):
        quote = quote_send(actor=people.engineer, quote=quote, via=Quote.Via.EMAIL)
    assert (quote.state, quote.sent_by, quote.sent_via) == (Quote.State.SENT, people.engineer, "email")
    assert Notification.objects.filter(kind="servicing.quote_sent", object_id=quote.pk).exists()
    assert [m.to for m in mailoutbox] == [["wang@example.com"]]
    assert quote.number in mailoutbox[0].subject and "3673.07" in mailoutbox[0].body
    event = complaint.events.filter(action=ComplaintEvent.Action.UPDATED).last()
    assert quote.number in event.note


def test_no_email_without_an_address_and_a_failed_send_queues_nothing(people, customer, complaint):
    ContactFactory(customer=customer, email="", is_primary=True)
    quote = _create(people.engineer, complaint)
    quote_send(actor=people.engineer, quote=quote, via=Quote.Via.FAX)
    assert not Notification.objects.filter(kind="servicing.quote_sent").exists()
    with pytest.raises(ValidationError):
        quote_send(actor=people.engineer, quote=quote, via=Quote.Via.FAX)  # already sent


def test_sales_may_not_send(people, complaint):
    quote = _create(people.engineer, complaint)
    with pytest.raises(PermissionDenied):
        quote_send(actor=people.sales, quote=quote, via=Quote.Via.HANDED)


def _sent(complaint, days_ago=2):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=days_ago)):
        return QuoteFactory(complaint=complaint, state=Quote.State.SENT, sent=True)


def test_salesperson_records_the_acceptance_of_their_customer(people, complaint):
    quote = _sent(complaint)
    today = timezone.localdate()
    quote = quote_record_answer(actor=people.sales, quote=quote, accepted=True, name="王工", date=today)
    assert (quote.state, quote.answer_name, quote.answer_date, quote.answer_recorded_by) == (
        Quote.State.ACCEPTED,
        "王工",
        today,
        people.sales,
    )


def test_another_salesperson_may_not_answer(people, complaint):
    quote = _sent(complaint)
    with pytest.raises(PermissionDenied):
        quote_record_answer(
            actor=people.other_sales, quote=quote, accepted=True, name="王工", date=timezone.localdate()
        )


@pytest.mark.parametrize(
    ("accepted", "name", "days", "reason", "field"),
    [
        (True, "", 0, "", "name"),
        (True, "王工", -1, "", "date"),  # tomorrow
        (True, "王工", 5, "", "date"),  # before the quote was sent
        (False, "王工", 0, "", "reason"),
    ],
)
def test_the_answer_needs_a_name_a_possible_date_and_a_refusal_reason(
    people, complaint, accepted, name, days, reason, field
):
    quote = _sent(complaint)
    with pytest.raises(ValidationError) as refused:
        quote_record_answer(
            actor=people.engineer,
            quote=quote,
            accepted=accepted,
            name=name,
            date=timezone.localdate() - datetime.timedelta(days=days),
            reason=reason,
        )
    assert field in refused.value.error_dict
    assert Quote.objects.get(pk=quote.pk).state == Quote.State.SENT


def test_refusal_then_revision_supersedes_and_only_one_quote_is_accepted(people, complaint):
    quote = _sent(complaint)
    quote_record_answer(
        actor=people.engineer, quote=quote, accepted=False, name="王工", date=timezone.localdate(), reason="太贵"
    )
    revision = _create(people.engineer, complaint)
    assert Quote.objects.get(pk=quote.pk).state == Quote.State.SUPERSEDED
    assert revision.revision == quote.revision + 1
    with pytest.raises(ValidationError):
        _create(people.engineer, complaint)  # a draft exists: revise it
    quote_update(
        actor=people.engineer, quote=revision, lines=LINES[:1], valid_until=revision.valid_until, tax_rate=Decimal(0)
    )
    assert Quote.objects.get(pk=revision.pk).total == Decimal("2400.00")
    quote_send(actor=people.engineer, quote=revision, via=Quote.Via.HANDED)
    quote_record_answer(actor=people.sales, quote=revision, accepted=True, name="王工", date=timezone.localdate())
    with pytest.raises(ValidationError):
        _create(people.engineer, complaint)  # accepted already
    assert complaint.quotes.filter(state=Quote.State.ACCEPTED).count() == 1


def test_print_page_shows_customer_unit_lines_totals_validity_and_signature_lines(people, complaint, client_for):
    quote = _create(people.engineer, complaint)
    page = client_for(people.engineer).get(f"/service/quotes/{quote.pk}/print/").content.decode()
    for text in (
        quote.number,
        complaint.number,
        complaint.customer.name,
        "SN-Q-0001",
        "真空灭弧室",
        "3250.50",
        "422.57",
        "3673.07",
        f"{quote.valid_until:%Y-%m-%d}",
        'data-testid="company"',
    ):
        assert text in page
    assert page.count('class="sign"') == 2


def test_detail_page_offers_sending_to_the_engineer_and_the_answer_to_the_salesperson(people, complaint, client_for):
    draft = _create(people.engineer, complaint)
    assert 'data-testid="send-form"' in client_for(people.engineer).get(f"/service/quotes/{draft.pk}/").content.decode()
    assert (
        'data-testid="send-form"' not in client_for(people.sales).get(f"/service/quotes/{draft.pk}/").content.decode()
    )
    client_for(people.engineer).post(f"/service/quotes/{draft.pk}/send/", {"via": "handed"})
    page = client_for(people.sales).get(f"/service/quotes/{draft.pk}/").content.decode()
    assert 'data-testid="answer-form"' in page
    response = client_for(people.sales).post(
        f"/service/quotes/{draft.pk}/answer/", {"accepted": "no", "name": "王工", "date": timezone.localdate()}
    )
    with translation.override("zh-hans"):
        expected = gettext("Give the customer's reason for refusing.")
    assert response.status_code == 400 and escape(expected) in response.content.decode()


def test_create_page_saves_a_draft_from_the_line_rows(people, complaint, client_for):
    data = {
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-kind": "parts",
        "lines-0-description": "分闸线圈",
        "lines-0-quantity": "1",
        "lines-0-unit_price": "100",
        "lines-1-kind": "travel",
        "lines-1-description": "",
        "lines-2-kind": "parts",
        "tax_rate": "13",
        "valid_until": f"{timezone.localdate() + datetime.timedelta(days=10):%Y-%m-%d}",
    }
    response = client_for(people.engineer).post(f"/service/complaint/{complaint.number}/quotes/new/", data)
    quote = complaint.quotes.get()
    assert response.status_code == 302 and quote.total == Decimal("113.00")


def test_two_salespeople_each_see_only_their_customers_quotes(people, complaint, client_for):
    theirs = QuoteFactory(
        complaint=ComplaintFactory(
            customer=CustomerFactory(salesperson=people.other_sales, name="别人的客户"),
            warranty_status=Complaint.Warranty.OUT,
        )
    )
    mine = QuoteFactory(complaint=complaint)
    sales = client_for(people.sales)
    assert sales.get(f"/service/quotes/{mine.pk}/").status_code == 200
    assert sales.get(f"/service/quotes/{theirs.pk}/").status_code == 404
    assert sales.get(f"/service/quotes/{theirs.pk}/print/").status_code == 404
    other = client_for(people.other_sales).get(f"/service/quotes/{theirs.pk}/").content.decode()
    assert "别人的客户" in other and complaint.customer.name not in other


def test_quality_reads_but_does_not_prepare(people, complaint, client_for):
    quote = QuoteFactory(complaint=complaint)
    leader = client_for(people.leader)
    assert leader.get(f"/service/quotes/{quote.pk}/").status_code == 200
    assert leader.get(f"/service/complaint/{complaint.number}/quotes/new/").status_code == 403
