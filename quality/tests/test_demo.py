"""The demo quality chain: sheets in every stage and actions in every state, made through the services, added once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint, Severity

from ..eightd import build_8d
from ..models import (
    Assessment,
    CapaAction,
    CapaCheck,
    CapaEvent,
    CapaSource,
    DepartmentTask,
    QualitySheet,
    SheetComplaint,
    SheetEvent,
)

pytestmark = pytest.mark.django_db

S = QualitySheet.State
MODELS = [QualitySheet, SheetComplaint, SheetEvent, DepartmentTask, Assessment, CapaAction, CapaCheck, CapaEvent]


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def output(django_db_setup, django_db_blocker):
    """Seed twice, once for the module, and roll back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        first = _seed()
        counts = _counts()
        second = _seed()
        yield {"first": first, "second": second, "counts": counts, "counts_after": _counts()}
        transaction.set_rollback(True)


def test_sheets_stand_in_every_stage(output):
    assert set(QualitySheet.objects.values_list("state", flat=True)) == set(S.values)
    assert QualitySheet.objects.filter(state=S.AWAITING_APPROVAL).count() >= 2


def test_every_company_caused_complaint_awaiting_approval_has_its_sheet(output):
    waiting = Complaint.objects.filter(
        customer__code__startswith="KH",
        responsibility=Complaint.Responsibility.COMPANY,
        state=Complaint.State.AWAITING_APPROVAL,
    )
    assert waiting.count() >= 3
    assert not waiting.filter(quality_link__isnull=True).exists()
    # The demo complaints keep their stages: none of these sheets has all its signatures yet,
    # except where an approved sheet's out-of-warranty complaint waits for its repair quote.
    in_quality = waiting.exclude(warranty_status=Complaint.Warranty.OUT)
    assert in_quality.filter(quality_approved_at=None).count() == in_quality.count()


def test_a_major_sheet_waits_for_the_general_manager_after_the_deputy_signed(output):
    sheet = QualitySheet.objects.get(state=S.AWAITING_APPROVAL, severity=Severity.MAJOR)
    assert sheet.approved_by.username == "quality_deputy" and sheet.gm_approved_at is None
    assert sheet.reviewed_by.username == "quality_leader"
    assert sheet.complaint_links.get().complaint.state == Complaint.State.AWAITING_APPROVAL


def test_a_field_data_sheet_has_no_complaint(output):
    sheet = QualitySheet.objects.get(source=QualitySheet.Source.FIELD)
    assert not sheet.complaint_links.exists()
    assert sheet.raised_by.username == "quality_engineer" and sheet.product_model is not None


def test_one_sheet_was_sent_back_once_and_resubmitted(output):
    back = SheetEvent.objects.filter(from_state=S.UNDER_REVIEW, to_state=S.INVESTIGATING)
    assert back.count() == 1
    assert back.get().sheet.state == S.UNDER_REVIEW


def test_the_sheet_in_progress_has_an_overdue_department_task(output):
    sheet = QualitySheet.objects.get(state=S.IN_PROGRESS)
    tasks = list(sheet.tasks.all())
    assert any(task.is_overdue() for task in tasks)
    assert any(task.done_at for task in tasks)
    assert sheet.approvals_complete() and sheet.gm_approved_by.username == "general_manager"


def test_the_closed_sheet_has_assessments_and_verified_actions_and_fills_the_8d(output):
    sheet = QualitySheet.objects.get(state=S.CLOSED)
    assert sheet.assessments.count() >= 1 and sheet.outcome
    assert set(sheet.capa_actions.values_list("state", flat=True)) == {CapaAction.State.CLOSED}
    assert set(sheet.capa_actions.values_list("kind", flat=True)) == set(CapaAction.Kind.values)
    assert not sheet.blockers()
    assert all(section.is_filled for section in build_8d(sheet))


def test_actions_stand_in_every_state(output):
    today = timezone.localdate()
    actions = list(CapaAction.objects.all())
    assert {a.state for a in actions} == set(CapaAction.State.values)
    assert any(a.is_overdue(today) for a in actions)
    assert any(a.state == CapaAction.State.OPEN and not a.is_overdue(today) for a in actions)
    assert any(a.verification_is_due(today) for a in actions)
    assert CapaCheck.objects.exists()


def test_an_action_found_not_effective_was_reopened_with_its_history(output):
    action = CapaAction.objects.get(times_reopened=1)
    assert action.state == CapaAction.State.OPEN and action.verification_note
    moves = list(action.events.values_list("from_state", "to_state"))
    assert (CapaAction.State.OPEN, CapaAction.State.COMPLETED) in moves
    assert (CapaAction.State.COMPLETED, CapaAction.State.OPEN) in moves
    assert action.events.exclude(previous_plan="").exists()


def test_two_rectification_notices_one_answered(output):
    # The supervision demo issues its own two from check findings (quality/tests/test_supervision_demo.py).
    notices = CapaAction.objects.filter(source=CapaSource.SUPERVISION, supervision_finding__isnull=True)
    assert notices.count() == 2
    assert all(n.notice_unit and n.reply_deadline and n.notice_findings for n in notices)
    assert notices.filter(reply_received_at__isnull=False).count() == 1


def test_every_stage_change_is_on_the_timeline(output):
    for sheet in QualitySheet.objects.exclude(state=S.DRAFT):
        assert sheet.events.filter(action=SheetEvent.Action.TRANSITION, to_state=sheet.state).exists(), sheet.number
    for action in CapaAction.objects.all():
        assert action.events.filter(to_state=action.state).exists(), action.number


def test_second_run_adds_nothing(output):
    assert output["counts_after"] == output["counts"]
    # Eight walked through the stages, plus a draft for every other company-caused complaint waiting.
    assert "Quality: 16 sheets created" in output["first"]
    assert "quality sheets already there, nothing added" in output["second"]
