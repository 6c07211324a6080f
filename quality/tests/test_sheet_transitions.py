"""The quality information sheet's workflow: every step for every role and every stage, and what it leaves behind."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales import roles
from complaints.models import Severity
from quality import services
from quality.models import QualitySheet, SheetEvent

from .builders import in_days, ready_to_close, reloaded, sheet_at, task_at, task_rows

pytestmark = pytest.mark.django_db

S = QualitySheet.State
A = SheetEvent.Action


@dataclass
class Step:
    make: object  # (people, state) -> the sheet or department task the step acts on
    run: object  # (actor, target, people) -> result
    start: str
    reaches: str
    event: str
    mail: list = field(default_factory=list)
    allowed: set = field(default_factory=set)


STEPS = {
    "assign": Step(
        make=sheet_at,
        run=lambda actor, sheet, people: services.sheet_assign(
            actor=actor, sheet=sheet, investigator=people.investigator, due_date=in_days(7)
        ),
        start=S.DRAFT,
        reaches=S.INVESTIGATING,
        event=A.ASSIGNED,
        mail=["sheet_assigned"],
        allowed={roles.QUALITY_LEADER},
    ),
    "record_analysis": Step(
        make=sheet_at,
        run=lambda actor, sheet, people: services.sheet_record_analysis(
            actor=actor, sheet=sheet, root_cause="production", analysis="漏装垫圈", five_whys=["为何松动", " "]
        ),
        start=S.INVESTIGATING,
        reaches=S.INVESTIGATING,
        event=A.ANALYSIS,
        allowed={roles.QUALITY_LEADER},
    ),
    "submit_analysis": Step(
        make=lambda people, state: sheet_at(people, state, analysed=True),
        run=lambda actor, sheet, people: services.sheet_submit_analysis(actor=actor, sheet=sheet),
        start=S.INVESTIGATING,
        reaches=S.UNDER_REVIEW,
        event=A.TRANSITION,
        mail=["sheet_for_review"],
        allowed={roles.QUALITY_LEADER},
    ),
    "review": Step(
        make=lambda people, state: sheet_at(people, state, analysed=True),
        run=lambda actor, sheet, people: services.sheet_review(actor=actor, sheet=sheet),
        start=S.UNDER_REVIEW,
        reaches=S.AWAITING_APPROVAL,
        event=A.TRANSITION,
        mail=["sheet_for_approval"],
        allowed={roles.QUALITY_LEADER},
    ),
    "send_back_from_review": Step(
        make=lambda people, state: sheet_at(people, state, analysed=True),
        run=lambda actor, sheet, people: services.sheet_send_back(actor=actor, sheet=sheet, reason="根因不充分"),
        start=S.UNDER_REVIEW,
        reaches=S.INVESTIGATING,
        event=A.TRANSITION,
        mail=["sheet_sent_back"],
        allowed={roles.QUALITY_LEADER},
    ),
    "send_back_from_approval": Step(
        make=lambda people, state: sheet_at(people, state, reviewed=True),
        run=lambda actor, sheet, people: services.sheet_send_back(actor=actor, sheet=sheet, reason="处置不充分"),
        start=S.AWAITING_APPROVAL,
        reaches=S.INVESTIGATING,
        event=A.TRANSITION,
        mail=["sheet_sent_back"],
        allowed={roles.QUALITY_DEPUTY},
    ),
    "send_back_major_from_approval": Step(
        make=lambda people, state: sheet_at(people, state, reviewed=True, severity=Severity.MAJOR),
        run=lambda actor, sheet, people: services.sheet_send_back(actor=actor, sheet=sheet, reason="处置不充分"),
        start=S.AWAITING_APPROVAL,
        reaches=S.INVESTIGATING,
        event=A.TRANSITION,
        mail=["sheet_sent_back"],
        allowed={roles.QUALITY_DEPUTY, roles.GENERAL_MANAGER},
    ),
    "sign_general": Step(
        make=lambda people, state: sheet_at(people, state, reviewed=True),
        run=lambda actor, sheet, people: services.sheet_sign_approval(actor=actor, sheet=sheet),
        start=S.AWAITING_APPROVAL,
        reaches=S.AWAITING_APPROVAL,
        event=A.APPROVAL,
        mail=["sheet_approved"],
        allowed={roles.QUALITY_DEPUTY},
    ),
    # One signature of two: the major sheet waits for the other one and announces nothing yet.
    "sign_major": Step(
        make=lambda people, state: sheet_at(people, state, reviewed=True, severity=Severity.MAJOR),
        run=lambda actor, sheet, people: services.sheet_sign_approval(actor=actor, sheet=sheet),
        start=S.AWAITING_APPROVAL,
        reaches=S.AWAITING_APPROVAL,
        event=A.APPROVAL,
        allowed={roles.QUALITY_DEPUTY, roles.GENERAL_MANAGER},
    ),
    "distribute": Step(
        make=lambda people, state: sheet_at(people, state, approved=True),
        run=lambda actor, sheet, people: services.sheet_distribute(actor=actor, sheet=sheet, tasks=task_rows(people)),
        start=S.AWAITING_APPROVAL,
        reaches=S.DISTRIBUTED,
        event=A.TASK,
        mail=["sheet_distributed"],
        allowed={roles.QUALITY_CLERK},
    ),
    "acknowledge_task": Step(
        make=task_at,
        run=lambda actor, task, people: services.task_acknowledge(actor=actor, task=task),
        start=S.DISTRIBUTED,
        reaches=S.IN_PROGRESS,
        event=A.TASK,
        allowed={roles.QUALITY_LEADER, roles.QUALITY_CLERK},
    ),
    "complete_task": Step(
        make=task_at,
        run=lambda actor, task, people: services.task_complete(actor=actor, task=task, note="已复检 120 台"),
        start=S.IN_PROGRESS,
        reaches=S.IN_PROGRESS,
        event=A.TASK,
        allowed={roles.QUALITY_LEADER},
    ),
    "assess": Step(
        make=lambda people, state: sheet_at(people, state, approved=True),
        run=lambda actor, sheet, people: services.assessment_record(
            actor=actor, sheet=sheet, department="生产部", person_name="装配班组", value=Decimal(2)
        ),
        start=S.IN_PROGRESS,
        reaches=S.IN_PROGRESS,
        event=A.ASSESSMENT,
        allowed={roles.QUALITY_LEADER},
    ),
    "close": Step(
        make=ready_to_close,
        run=lambda actor, sheet, people: services.sheet_close(actor=actor, sheet=sheet, outcome="已更换紧固件"),
        start=S.IN_PROGRESS,
        reaches=S.CLOSED,
        event=A.TRANSITION,
        mail=["sheet_closed"],
        allowed={roles.QUALITY_LEADER},
    ),
}
ROLE_CASES = [(step, role) for step in STEPS for role in roles.ALL]

# The stages each step starts from; the send-back step stands for both of its variants.
STAGES = {
    "assign": {S.DRAFT, S.INVESTIGATING},
    "record_analysis": {S.INVESTIGATING},
    "submit_analysis": {S.INVESTIGATING},
    "review": {S.UNDER_REVIEW},
    "send_back_from_review": {S.UNDER_REVIEW, S.AWAITING_APPROVAL},
    "sign_general": {S.AWAITING_APPROVAL},
    "distribute": {S.AWAITING_APPROVAL},
    "acknowledge_task": {S.DISTRIBUTED, S.IN_PROGRESS},
    "complete_task": {S.DISTRIBUTED, S.IN_PROGRESS},
    "assess": {S.AWAITING_APPROVAL, S.DISTRIBUTED, S.IN_PROGRESS},
    "close": {S.DISTRIBUTED, S.IN_PROGRESS},
}
STAGE_CASES = [(step, state, state in STAGES[step]) for step in STAGES for state in S.values]


# --- who may take each step ------------------------------------------------------


@pytest.mark.parametrize(("step", "role"), ROLE_CASES)
def test_each_step_is_open_to_its_roles_only(step, role, people, role_user, queued, django_capture_on_commit_callbacks):
    step = STEPS[step]
    target = step.make(people, step.start)
    actor = role_user(role)
    with django_capture_on_commit_callbacks() as callbacks:
        if role in step.allowed:
            step.run(actor, target, people)
        else:
            with pytest.raises(PermissionDenied):
                step.run(actor, target, people)
    sheet = reloaded(target)
    assert queued == [], "nothing is queued before the commit"
    for callback in callbacks:
        callback()
    if role in step.allowed:
        assert sheet.state == step.reaches
        assert SheetEvent.objects.filter(sheet=sheet, actor=actor, action=step.event).exists()
        assert [kind for kind, _pk in queued] == step.mail
    else:
        assert sheet.state == step.start
        assert not SheetEvent.objects.filter(sheet=sheet).exists()
        assert queued == []


@pytest.mark.parametrize(("step", "state", "allowed"), STAGE_CASES)
def test_each_step_is_possible_from_its_stages_only(step, state, allowed, people, everyone):
    step = STEPS[step]
    target = step.make(people, state)
    if allowed:
        step.run(everyone, target, people)
        assert SheetEvent.objects.filter(sheet=reloaded(target), actor=everyone).exists()
    else:
        with pytest.raises(ValidationError) as error:
            step.run(everyone, target, people)
        assert error.value.code == "state"
        assert reloaded(target).state == state
        assert not SheetEvent.objects.filter(sheet=reloaded(target)).exists()


def test_transition_event_records_both_stages(people):
    sheet = sheet_at(people, S.UNDER_REVIEW, analysed=True)
    services.sheet_review(actor=people.leader, sheet=sheet, note="分析充分")
    event = SheetEvent.objects.get(sheet=sheet, action=A.TRANSITION)
    assert (event.from_state, event.to_state, event.note) == (S.UNDER_REVIEW, S.AWAITING_APPROVAL, "分析充分")
    sheet.refresh_from_db()
    assert sheet.reviewed_by == people.leader
    assert sheet.reviewed_at is not None


# --- what pages offer -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "action"),
    [
        ("assign", "assign"),
        ("record_analysis", "analysis"),
        ("submit_analysis", "submit_analysis"),
        ("review", "review"),
        ("send_back_from_review", "send_back"),
        ("send_back_from_approval", "send_back"),
        ("send_back_major_from_approval", "send_back"),
        ("sign_general", "sign"),
        ("sign_major", "sign"),
        ("distribute", "distribute"),
        ("assess", "assess"),
        ("close", "close"),
    ],
)
@pytest.mark.parametrize("role", roles.ALL)
def test_pages_offer_each_step_to_its_roles_only(step, action, role, people, role_user):
    step = STEPS[step]
    sheet = step.make(people, step.start)
    assert (action in services.sheet_actions(sheet, role_user(role))) is (role in step.allowed)
