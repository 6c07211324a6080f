"""The gate: an out-of-warranty complaint reaches rectification only with an accepted quote, by every path."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from complaints import services
from complaints.models import Complaint, ComplaintEvent
from complaints.tests.factories import ComplaintFactory
from quality.services import sheet_sign_approval
from quality.tests.factories import QualitySheetFactory

from ..models import Quote
from .factories import QuoteFactory

pytestmark = pytest.mark.django_db
S = Complaint.State
OUT, IN = Complaint.Warranty.OUT, Complaint.Warranty.IN


def _gate_message(complaint) -> str:
    """Return the gate's refusal as the user reads it, in the pages' language."""
    with translation.override("zh-hans"):
        return gettext(
            "Complaint %(number)s is out of warranty: rectification waits for the customer's "
            "acceptance of a repair quote."
        ) % {"number": complaint.number}


def _awaiting(customer, people, warranty=OUT, **extra):
    return ComplaintFactory(
        customer=customer,
        assignee=people.engineer,
        state=S.AWAITING_APPROVAL,
        analysed=True,
        warranty_status=warranty,
        **extra,
    )


def test_manager_signature_is_refused_without_an_accepted_quote(customer, people):
    complaint = _awaiting(customer, people)
    QuoteFactory(complaint=complaint, sent=True, state=Quote.State.SENT)
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            services.complaint_sign_approval(actor=people.manager, complaint=complaint)
        assert refused.value.messages == [_gate_message(complaint)]
    complaint.refresh_from_db()
    assert complaint.state == S.AWAITING_APPROVAL
    assert complaint.manager_approved_at is None  # the refused signature left nothing behind


def test_general_managers_last_signature_is_refused_too(customer, people):
    complaint = _awaiting(customer, people, severity="major")
    services.complaint_sign_approval(actor=people.manager, complaint=complaint)
    with pytest.raises(ValidationError):
        services.complaint_sign_approval(actor=people.gm, complaint=complaint)
    assert Complaint.objects.get(pk=complaint.pk).state == S.AWAITING_APPROVAL


def test_accepted_quote_lets_the_signature_move_it_to_rectifying(customer, people):
    complaint = _awaiting(customer, people)
    QuoteFactory(
        complaint=complaint,
        sent=True,
        state=Quote.State.ACCEPTED,
        answer_date=timezone.localdate(complaint.received_at),
    )
    complaint = services.complaint_sign_approval(actor=people.manager, complaint=complaint)
    assert complaint.state == S.RECTIFYING


def test_in_warranty_complaint_is_not_gated(customer, people):
    complaint = _awaiting(customer, people, warranty=IN)
    assert services.complaint_sign_approval(actor=people.manager, complaint=complaint).state == S.RECTIFYING


def test_refused_quote_does_not_open_the_gate(customer, people):
    complaint = _awaiting(customer, people)
    QuoteFactory(
        complaint=complaint, sent=True, state=Quote.State.REFUSED, answer_date=timezone.localdate(complaint.received_at)
    )
    with pytest.raises(ValidationError):
        services.complaint_sign_approval(actor=people.manager, complaint=complaint)


def test_quality_sheet_approval_holds_the_out_of_warranty_complaint_and_acceptance_releases_it(customer, people):
    """The sheet's approval goes through; its complaint waits in approval until the quote is accepted."""
    from ..services import quote_record_answer

    complaint = _awaiting(customer, people, company_caused=True)
    in_warranty = _awaiting(customer, people, warranty=IN, company_caused=True)
    sheet = QualitySheetFactory(state="awaiting_approval", customer=customer)
    for linked in (complaint, in_warranty):
        sheet.complaint_links.create(complaint=linked, linked_by=people.leader)
    deputy = people.leader.__class__.objects.filter(groups__name="quality_deputy").first()
    if deputy is None:
        from django.contrib.auth.models import Group

        from aftersales import roles
        from aftersales.tests.factories import UserFactory

        deputy = UserFactory(username="deputy")
        deputy.groups.add(Group.objects.get(name=roles.QUALITY_DEPUTY))
    with translation.override("zh-hans"):
        sheet_sign_approval(actor=deputy, sheet=sheet)

    complaint.refresh_from_db()
    assert complaint.state == S.AWAITING_APPROVAL and complaint.quality_approved_at is not None
    assert Complaint.objects.get(pk=in_warranty.pk).state == S.RECTIFYING
    held = complaint.events.filter(action=ComplaintEvent.Action.UPDATED).last()
    assert _gate_message(complaint) in held.note

    quote = QuoteFactory(complaint=complaint, sent=True, state=Quote.State.SENT)
    quote_record_answer(
        actor=people.sales, quote=quote, accepted=True, name="王工", date=timezone.localdate(quote.sent_at)
    )
    assert Complaint.objects.get(pk=complaint.pk).state == S.RECTIFYING


def test_submission_after_an_approved_sheet_holds_instead_of_failing(customer, people):
    complaint = ComplaintFactory(
        customer=customer,
        assignee=people.engineer,
        state=S.ANALYSING,
        company_caused=True,
        warranty_status=OUT,
    )
    Complaint.objects.filter(pk=complaint.pk).update(quality_approved_at=complaint.received_at)
    complaint = services.complaint_submit_for_approval(actor=people.engineer, complaint=complaint)
    assert complaint.state == S.AWAITING_APPROVAL


def test_refused_signature_shows_its_reason_on_the_complaint_page(customer, people, client_for):
    complaint = _awaiting(customer, people)
    response = client_for(people.manager).post(f"/complaints/{complaint.number}/sign/", {"note": "同意"})
    assert response.status_code == 200
    assert escape(_gate_message(complaint)) in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).state == S.AWAITING_APPROVAL


def test_complaint_page_says_rectification_waits_on_the_salesperson_for_the_customers_answer(
    customer, people, client_for
):
    complaint = _awaiting(customer, people)
    quote = QuoteFactory(complaint=complaint, sent=True, state=Quote.State.SENT)
    page = client_for(people.engineer).get(f"/complaints/{complaint.number}/").content.decode()
    assert 'data-testid="quote-gate"' in page
    assert quote.number in page
    with translation.override("zh-hans"):
        step = gettext("get the customer's acceptance of the repair quote before rectification")
    assert escape(step) in page
    assert str(people.sales) in page
