"""The sheet's steps one by one: what each checks, what it refuses and what it records."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from complaints.models import Severity
from quality import services
from quality.models import CapaAction, DepartmentTask, QualitySheet, SheetEvent

from .builders import ready_to_close, reloaded, sheet_at, task_at, task_rows
from .factories import DepartmentTaskFactory

pytestmark = pytest.mark.django_db

S = QualitySheet.State
A = SheetEvent.Action


# --- investigation ----------------------------------------------------------------


def test_the_named_investigator_records_and_submits_the_analysis_other_engineers_cannot(people):
    sheet = sheet_at(people, S.INVESTIGATING)
    with pytest.raises(PermissionDenied):
        services.sheet_record_analysis(actor=people.investigator, sheet=sheet, analysis="漏装垫圈")
    services.sheet_record_analysis(
        actor=people.other_engineer,
        sheet=sheet,
        root_cause="production",
        analysis="漏装垫圈",
        proposed_disposal="更换紧固件",
        five_whys=["为何松动", "", "为何漏装"],
    )
    with pytest.raises(PermissionDenied):
        services.sheet_submit_analysis(actor=people.investigator, sheet=sheet)
    services.sheet_submit_analysis(actor=people.other_engineer, sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.state == S.UNDER_REVIEW
    assert sheet.five_whys == ["为何松动", "为何漏装"]


@pytest.mark.parametrize("missing", ["root_cause", "analysis", "proposed_disposal"])
def test_incomplete_analysis_cannot_be_submitted_and_says_what_is_missing(missing, people):
    sheet = sheet_at(people, S.INVESTIGATING, analysed=True, **{missing: ""})
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.sheet_submit_analysis(actor=people.other_engineer, sheet=sheet)
    assert error.value.code == "analysis"
    assert "root-cause category, the root cause and the proposed disposal" in error.value.messages[0]
    assert reloaded(sheet).state == S.INVESTIGATING


def test_only_quality_staff_can_be_named_investigator(people):
    sheet = sheet_at(people, S.DRAFT, investigator=None)
    with pytest.raises(ValidationError) as error:
        services.sheet_assign(actor=people.leader, sheet=sheet, investigator=people.owner)
    assert error.value.code == "investigator"


def test_reassigning_keeps_the_investigation_going(people):
    sheet = sheet_at(people, S.INVESTIGATING)
    services.sheet_assign(actor=people.leader, sheet=sheet, investigator=people.investigator)
    sheet.refresh_from_db()
    assert (sheet.state, sheet.investigator) == (S.INVESTIGATING, people.investigator)
    assert not SheetEvent.objects.filter(sheet=sheet, action=A.TRANSITION).exists()


# --- sending back -------------------------------------------------------------------


@pytest.mark.parametrize("state", [S.UNDER_REVIEW, S.AWAITING_APPROVAL])
@pytest.mark.parametrize("reason", ["", "   "])
def test_sending_back_needs_a_reason(state, reason, people, everyone):
    sheet = sheet_at(people, state, reviewed=True)
    with pytest.raises(ValidationError) as error:
        services.sheet_send_back(actor=everyone, sheet=sheet, reason=reason)
    assert error.value.code == "required"
    assert reloaded(sheet).state == state


def test_sending_back_from_approval_clears_review_and_signatures(people):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, reviewed=True, severity=Severity.MAJOR)
    services.sheet_sign_approval(actor=people.deputy, sheet=sheet)
    services.sheet_send_back(actor=people.gm, sheet=sheet, reason="影响范围未核实")
    sheet.refresh_from_db()
    assert sheet.state == S.INVESTIGATING
    assert (sheet.reviewed_at, sheet.approved_by, sheet.approved_at, sheet.gm_approved_at) == (None, None, None, None)
    assert SheetEvent.objects.get(sheet=sheet, action=A.TRANSITION).note == "影响范围未核实"


# --- approval -------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["deputy_first", "gm_first"])
def test_major_sheet_needs_both_signatures_in_either_order(order, people, queued, django_capture_on_commit_callbacks):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, reviewed=True, severity=Severity.MAJOR)
    first, second = (people.deputy, people.gm) if order == "deputy_first" else (people.gm, people.deputy)
    with django_capture_on_commit_callbacks(execute=True):
        services.sheet_sign_approval(actor=first, sheet=sheet)
    assert not reloaded(sheet).approvals_complete()
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        services.sheet_sign_approval(actor=second, sheet=sheet, note="同意")
    sheet.refresh_from_db()
    assert sheet.approvals_complete()
    assert (sheet.approved_by, sheet.gm_approved_by) == (people.deputy, people.gm)
    assert SheetEvent.objects.filter(sheet=sheet, action=A.APPROVAL).count() == 2
    assert queued == [("sheet_approved", sheet.pk)]


def test_general_sheet_is_approved_by_the_deputy_alone(people):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, reviewed=True)
    services.sheet_sign_approval(actor=people.deputy, sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.approvals_complete()
    assert sheet.gm_approved_at is None


@pytest.mark.parametrize("severity", [Severity.GENERAL, Severity.MAJOR])
@pytest.mark.parametrize("who", ["same_deputy", "second_deputy"])
def test_second_identical_signature_is_refused(severity, who, people):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, reviewed=True, severity=severity)
    services.sheet_sign_approval(actor=people.deputy, sheet=sheet)
    again = people.deputy if who == "same_deputy" else people.second_deputy
    with pytest.raises(ValidationError) as error:
        services.sheet_sign_approval(actor=again, sheet=sheet)
    assert error.value.code == "signed"
    sheet.refresh_from_db()
    assert sheet.approved_by == people.deputy
    assert SheetEvent.objects.filter(sheet=sheet, action=A.APPROVAL).count() == 1


def test_second_general_manager_signature_is_refused(people):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, reviewed=True, severity=Severity.MAJOR)
    services.sheet_sign_approval(actor=people.gm, sheet=sheet)
    with pytest.raises(ValidationError) as error:
        services.sheet_sign_approval(actor=people.gm, sheet=sheet)
    assert error.value.code == "signed"


def test_general_manager_does_not_sign_a_general_sheet(people):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, reviewed=True)
    with pytest.raises(PermissionDenied):
        services.sheet_sign_approval(actor=people.gm, sheet=sheet)


# --- distribution ---------------------------------------------------------------------


def test_distribution_creates_one_task_per_department(people):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, approved=True)
    tasks = [*task_rows(people), {**task_rows(people)[0], "department": "技术部", "owner": people.investigator}]
    services.sheet_distribute(actor=people.clerk, sheet=sheet, tasks=tasks)
    sheet.refresh_from_db()
    assert sheet.distributed_by == people.clerk
    assert sheet.distributed_at is not None
    assert sorted(sheet.tasks.values_list("department", flat=True)) == ["技术部", "生产部"]
    assert SheetEvent.objects.filter(sheet=sheet, action=A.TASK).count() == 2


@pytest.mark.parametrize(
    ("sheet_kwargs", "words"),
    [
        ({"reviewed": True}, "deputy leader has not signed"),
        ({"reviewed": True, "severity": Severity.MAJOR, "approved_at": timezone.now()}, "general manager"),
    ],
    ids=["unsigned", "major_without_general_manager"],
)
def test_distribution_needs_the_approval_complete(sheet_kwargs, words, people):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, **sheet_kwargs)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.sheet_distribute(actor=people.clerk, sheet=sheet, tasks=task_rows(people))
    assert error.value.code == "approvals"
    assert words in error.value.messages[0]
    assert reloaded(sheet).state == S.AWAITING_APPROVAL
    assert not DepartmentTask.objects.exists()


def test_distribution_needs_at_least_one_task(people):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, approved=True)
    with pytest.raises(ValidationError) as error:
        services.sheet_distribute(actor=people.clerk, sheet=sheet, tasks=[])
    assert error.value.code == "tasks"
    assert reloaded(sheet).state == S.AWAITING_APPROVAL


def test_distribution_refuses_a_past_due_date(people):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, approved=True)
    tasks = [*task_rows(people), *task_rows(people, due_in=-1)]
    with pytest.raises(ValidationError) as error:
        services.sheet_distribute(actor=people.clerk, sheet=sheet, tasks=tasks)
    assert error.value.code == "due_date"
    assert reloaded(sheet).state == S.AWAITING_APPROVAL
    assert not DepartmentTask.objects.exists()


def test_distribution_today_is_due_today_at_the_earliest(people):
    sheet = sheet_at(people, S.AWAITING_APPROVAL, approved=True)
    services.sheet_distribute(actor=people.clerk, sheet=sheet, tasks=task_rows(people, due_in=0))
    assert reloaded(sheet).state == S.DISTRIBUTED


# --- department tasks -----------------------------------------------------------------


def test_first_acknowledgement_starts_the_work_once(people):
    sheet = sheet_at(people, S.DISTRIBUTED, approved=True)
    first = DepartmentTaskFactory(sheet=sheet, owner=people.owner)
    second = DepartmentTaskFactory(sheet=sheet, owner=people.investigator, department="技术部")
    services.task_acknowledge(actor=people.owner, task=first)
    assert reloaded(sheet).state == S.IN_PROGRESS
    services.task_acknowledge(actor=people.investigator, task=second)
    services.task_acknowledge(actor=people.investigator, task=second)
    transitions = SheetEvent.objects.filter(sheet=sheet, action=A.TRANSITION)
    assert list(transitions.values_list("from_state", "to_state")) == [(S.DISTRIBUTED, S.IN_PROGRESS)]
    # The repeated acknowledgement records nothing more.
    assert SheetEvent.objects.filter(sheet=sheet, action=A.TASK).count() == 2


def test_the_task_owner_acknowledges_and_completes_other_owners_cannot(people):
    task = task_at(people, S.DISTRIBUTED)
    for step in (services.task_acknowledge, lambda **kw: services.task_complete(note="完成", **kw)):
        with pytest.raises(PermissionDenied):
            step(actor=people.investigator, task=task)
    services.task_acknowledge(actor=people.owner, task=task)
    services.task_complete(actor=people.owner, task=task, note="已复检 120 台")
    task.refresh_from_db()
    assert task.done_at is not None
    assert task.done_note == "已复检 120 台"


def test_completing_a_task_unacknowledged_starts_the_work_and_stamps_receipt(people):
    task = task_at(people, S.DISTRIBUTED)
    services.task_complete(actor=people.owner, task=task, note="已复检")
    task.refresh_from_db()
    assert task.acknowledged_at is not None
    assert reloaded(task).state == S.IN_PROGRESS


def test_completing_needs_a_note_and_happens_once(people):
    task = task_at(people, S.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        services.task_complete(actor=people.owner, task=task, note=" ")
    assert error.value.code == "required"
    services.task_complete(actor=people.owner, task=task, note="已复检")
    with pytest.raises(ValidationError) as error:
        services.task_complete(actor=people.owner, task=task, note="再次完成")
    assert error.value.code == "done"


# --- assessment and closing -----------------------------------------------------------


def test_assessment_names_a_department_or_person(people):
    sheet = sheet_at(people, S.IN_PROGRESS, approved=True)
    with pytest.raises(ValidationError) as error:
        services.assessment_record(actor=people.leader, sheet=sheet, department="", value=Decimal(1))
    assert error.value.code == "responsible"


def test_assessment_value_cannot_be_negative(people):
    sheet = sheet_at(people, S.IN_PROGRESS, approved=True)
    with pytest.raises(ValidationError):
        services.assessment_record(actor=people.leader, sheet=sheet, department="生产部", value=Decimal(-1))
    assert not sheet.assessments.exists()


def _open_task(sheet):
    sheet.tasks.update(done_at=None)


def _no_assessment(sheet):
    sheet.assessments.all().delete()


def _no_action(sheet):
    sheet.capa_actions.all().delete()


def _only_cancelled_action(sheet):
    sheet.capa_actions.update(state=CapaAction.State.CANCELLED)


def _unverified_action(sheet):
    sheet.capa_actions.update(state=CapaAction.State.COMPLETED)


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_open_task, "a department task is not done"),
        (_no_assessment, "the responsibility assessment is not recorded"),
        (_no_action, "no corrective action is linked"),
        (_only_cancelled_action, "no corrective action is linked"),
        (_unverified_action, "a corrective or preventive action is not verified effective"),
    ],
    ids=["open_task", "no_assessment", "no_action", "only_cancelled_action", "unverified_action"],
)
def test_sheet_cannot_close_and_says_why(spoil, reason, people):
    sheet = ready_to_close(people, S.IN_PROGRESS)
    spoil(sheet)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.sheet_close(actor=people.leader, sheet=sheet, outcome="已更换紧固件")
    assert error.value.code == "blockers"
    assert reason in error.value.messages[0]
    sheet.refresh_from_db()
    assert (sheet.state, sheet.closed_at, sheet.outcome) == (S.IN_PROGRESS, None, "")


def test_every_blocker_is_named_at_once(people):
    sheet = sheet_at(people, S.DISTRIBUTED, approved=True)
    DepartmentTaskFactory(sheet=sheet, owner=people.owner)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.sheet_close(actor=people.leader, sheet=sheet, outcome="已更换紧固件")
    assert error.value.messages[0].count(";") == 2


def test_closing_needs_the_outcome_for_the_customer(people):
    sheet = ready_to_close(people, S.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        services.sheet_close(actor=people.leader, sheet=sheet, outcome="  ")
    assert error.value.code == "required"
    assert reloaded(sheet).state == S.IN_PROGRESS


def test_closing_keeps_the_outcome_and_the_time(people):
    sheet = ready_to_close(people, S.DISTRIBUTED)
    services.sheet_close(actor=people.leader, sheet=sheet, outcome="已更换紧固件，客户认可")
    sheet.refresh_from_db()
    assert sheet.state == S.CLOSED
    assert sheet.outcome == "已更换紧固件，客户认可"
    assert sheet.closed_at is not None
