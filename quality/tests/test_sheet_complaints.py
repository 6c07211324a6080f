"""Raising a sheet from company-caused complaints, and the complaints' release when the sheet is approved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aftersales import roles
from complaints import services as complaint_services
from complaints.models import Attachment, Complaint, Severity
from customers.tests.factories import CustomerFactory, ProductModelFactory
from quality import services
from quality.models import QualitySheet, SheetComplaint, SheetEvent, SheetFile

from .factories import CompanyComplaintFactory, QualitySheetFactory

pytestmark = pytest.mark.django_db

C = Complaint.State
RAISERS = {roles.SALES, roles.AFTERSALES_MANAGER, roles.QUALITY_ENGINEER, roles.QUALITY_LEADER}


@pytest.fixture
def complaint(customer):
    return CompanyComplaintFactory(customer=customer)


def _raise(actor, complaint, **data):
    return services.sheet_raise(actor=actor, complaint=complaint, **data)


def _approve(people, sheet):
    return services.sheet_sign_approval(actor=people.deputy, sheet=sheet)


def _awaiting_sheet(**kwargs):
    return QualitySheetFactory(state=QualitySheet.State.AWAITING_APPROVAL, reviewed=True, **kwargs)


@pytest.mark.parametrize("role", roles.ALL)
def test_raising_is_open_to_sales_after_sales_managers_and_quality_staff(
    role, complaint, role_user, queued, django_capture_on_commit_callbacks
):
    actor = role_user(role)
    with django_capture_on_commit_callbacks(execute=True):
        if role in RAISERS:
            sheet = _raise(actor, complaint)
        else:
            with pytest.raises(PermissionDenied):
                _raise(actor, complaint)
    if role in RAISERS:
        assert sheet.raised_by == actor
        assert SheetEvent.objects.filter(sheet=sheet, actor=actor, action=SheetEvent.Action.RAISED).exists()
        assert queued == [("sheet_raised", sheet.pk)]
    else:
        assert not QualitySheet.objects.exists()
        assert queued == []


def test_sales_cannot_raise_from_another_salespersons_complaint(people, make_user):
    other = CompanyComplaintFactory(customer=CustomerFactory(salesperson=make_user(roles.SALES)))
    with pytest.raises(PermissionDenied):
        _raise(people.sales, other)


@pytest.mark.parametrize("responsibility", [Complaint.Responsibility.CUSTOMER, Complaint.Responsibility.UNDETERMINED])
def test_only_company_caused_complaints_raise_a_sheet(responsibility, customer, people):
    complaint = CompanyComplaintFactory(customer=customer, responsibility=responsibility)
    with pytest.raises(ValidationError) as error:
        _raise(people.leader, complaint)
    assert error.value.code == "responsibility"
    assert not QualitySheet.objects.exists()


def test_sheet_is_prefilled_from_the_complaint(customer, people):
    model = ProductModelFactory(code="KYN28-12")
    complaint = CompanyComplaintFactory(
        customer=customer,
        product_model=model,
        batch_number="B2026-07",
        serial_number="SN20260701",
        severity=Severity.MAJOR,
        title="断路器拒合",
        description="现场两次合闸失败",
    )
    sheet = _raise(people.leader, complaint)
    assert sheet.source == QualitySheet.Source.COMPLAINT
    assert (sheet.customer, sheet.product_model, sheet.batch_number, sheet.serial_number) == (
        customer,
        model,
        "B2026-07",
        "SN20260701",
    )
    assert (sheet.severity, sheet.title, sheet.description) == (Severity.MAJOR, "断路器拒合", "现场两次合闸失败")
    assert sheet.is_major
    assert list(sheet.complaints.all()) == [complaint]
    assert sheet.number == f"QI-{timezone.localdate():%Y}-0001"


def test_what_the_raiser_writes_wins_over_the_complaint(complaint, people):
    sheet = _raise(people.leader, complaint, title="批次紧固件漏装", severity=Severity.SERIOUS)
    assert (sheet.title, sheet.severity) == ("批次紧固件漏装", Severity.SERIOUS)


def test_field_sheet_needs_no_complaint(people):
    sheet = services.sheet_raise(actor=people.investigator, title="巡检发现端子过热", description="红外测温 85℃")
    assert sheet.source == QualitySheet.Source.FIELD
    assert sheet.state == QualitySheet.State.DRAFT
    assert not sheet.complaints.exists()


def test_complaint_attachments_become_sheet_evidence(complaint, people):
    for name in ("现场照片.jpg", "检测报告.pdf"):
        Attachment.objects.create(
            complaint=complaint,
            file=f"complaints/{complaint.number}/{name}",
            original_name=name,
            content_type="image/jpeg" if name.endswith("jpg") else "application/pdf",
            size=1024,
            uploaded_by=people.sales,
        )
    sheet = _raise(people.leader, complaint)
    files = SheetFile.objects.filter(sheet=sheet)
    assert sorted(files.values_list("original_name", "file", "uploaded_by")) == [
        ("检测报告.pdf", f"complaints/{complaint.number}/检测报告.pdf", people.sales.pk),
        ("现场照片.jpg", f"complaints/{complaint.number}/现场照片.jpg", people.sales.pk),
    ]


def test_complaint_is_linked_to_one_sheet_only(complaint, people):
    _raise(people.leader, complaint)
    with pytest.raises(ValidationError) as error:
        _raise(people.leader, complaint)
    assert error.value.code == "linked"
    other_sheet = QualitySheetFactory()
    with pytest.raises(ValidationError) as error:
        services.sheet_link_complaint(actor=people.leader, sheet=other_sheet, complaint=complaint)
    assert error.value.code == "linked"
    assert QualitySheet.objects.count() == 2
    assert SheetComplaint.objects.get(complaint=complaint).sheet.source == QualitySheet.Source.COMPLAINT


def test_second_complaint_of_the_same_problem_shares_the_sheet(complaint, people):
    sheet = _raise(people.leader, complaint)
    second = CompanyComplaintFactory(customer=CustomerFactory())
    services.sheet_link_complaint(actor=people.leader, sheet=sheet, complaint=second)
    assert set(sheet.complaints.all()) == {complaint, second}
    assert SheetEvent.objects.filter(sheet=sheet, action=SheetEvent.Action.COMPLAINT, note=second.number).exists()


def test_closed_sheet_takes_no_more_complaints(complaint, people):
    sheet = QualitySheetFactory(state=QualitySheet.State.CLOSED)
    with pytest.raises(ValidationError) as error:
        services.sheet_link_complaint(actor=people.leader, sheet=sheet, complaint=complaint)
    assert error.value.code == "state"


def test_customer_caused_complaint_cannot_be_linked(customer, people):
    sheet = QualitySheetFactory()
    complaint = CompanyComplaintFactory(customer=customer, responsibility=Complaint.Responsibility.CUSTOMER)
    with pytest.raises(ValidationError) as error:
        services.sheet_link_complaint(actor=people.leader, sheet=sheet, complaint=complaint)
    assert error.value.code == "responsibility"


# --- the complaints move on with the sheet's approval ------------------------------------


def test_completed_approval_moves_every_waiting_complaint_to_rectification(customer, people):
    sheet = _awaiting_sheet()
    waiting = [CompanyComplaintFactory(customer=customer) for _ in range(2)]
    for complaint in waiting:
        services.sheet_link_complaint(actor=people.leader, sheet=sheet, complaint=complaint)
    _approve(people, sheet)
    for complaint in waiting:
        complaint.refresh_from_db()
        assert complaint.state == C.RECTIFYING
        assert complaint.quality_approved_at is not None


def test_major_sheet_releases_its_complaints_only_with_the_second_signature(customer, people):
    sheet = _awaiting_sheet(severity=Severity.MAJOR)
    complaint = CompanyComplaintFactory(customer=customer, severity=Severity.MAJOR)
    services.sheet_link_complaint(actor=people.leader, sheet=sheet, complaint=complaint)
    services.sheet_sign_approval(actor=people.gm, sheet=sheet)
    complaint.refresh_from_db()
    assert (complaint.state, complaint.quality_approved_at) == (C.AWAITING_APPROVAL, None)
    services.sheet_sign_approval(actor=people.deputy, sheet=sheet)
    complaint.refresh_from_db()
    assert complaint.state == C.RECTIFYING


def test_complaint_still_analysing_moves_on_when_it_is_submitted(customer, people):
    sheet = _awaiting_sheet()
    complaint = CompanyComplaintFactory(customer=customer, state=C.ANALYSING)
    services.sheet_link_complaint(actor=people.leader, sheet=sheet, complaint=complaint)
    _approve(people, sheet)
    complaint.refresh_from_db()
    assert complaint.state == C.ANALYSING
    assert complaint.quality_approved_at is not None
    complaint_services.complaint_submit_for_approval(actor=people.engineer, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.state == C.RECTIFYING


def test_complaint_linked_to_an_approved_sheet_moves_on_at_once(customer, people):
    sheet = QualitySheetFactory(state=QualitySheet.State.DISTRIBUTED, approved=True)
    complaint = CompanyComplaintFactory(customer=customer)
    services.sheet_link_complaint(actor=people.sales, sheet=sheet, complaint=complaint)
    complaint.refresh_from_db()
    assert complaint.state == C.RECTIFYING


@pytest.mark.parametrize(
    "change",
    [
        {"responsibility": Complaint.Responsibility.CUSTOMER, "state": C.ANALYSING},
        {"state": C.CANCELLED},
    ],
    ids=["re_classed_customer_caused", "cancelled"],
)
def test_linked_complaint_that_no_longer_waits_does_not_block_the_approval(change, customer, people):
    sheet = _awaiting_sheet()
    waiting = CompanyComplaintFactory(customer=customer)
    gone = CompanyComplaintFactory(customer=customer)
    for complaint in (waiting, gone):
        services.sheet_link_complaint(actor=people.leader, sheet=sheet, complaint=complaint)
    Complaint.objects.filter(pk=gone.pk).update(**change)
    _approve(people, sheet)
    waiting.refresh_from_db()
    gone.refresh_from_db()
    assert waiting.state == C.RECTIFYING
    assert (gone.state, gone.quality_approved_at) == (change["state"], None)
