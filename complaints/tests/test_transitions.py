"""The five-stage workflow: every step, for every role and every stage, and what each step leaves behind."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from aftersales import roles
from aftersales.models import Notification
from complaints import rules, services
from complaints.models import Complaint, ComplaintEvent, Severity
from customers.tests.factories import CustomerFactory

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

S = Complaint.State
TODAY = datetime.date(2026, 11, 20)
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def start(actor, complaint):
    return services.complaint_start_analysis(actor=actor, complaint=complaint)


def submit(actor, complaint):
    return services.complaint_submit_for_approval(actor=actor, complaint=complaint)


def sign(actor, complaint):
    return services.complaint_sign_approval(actor=actor, complaint=complaint)


def send_back(actor, complaint, reason="处置方案需补充报价"):
    return services.complaint_send_back(actor=actor, complaint=complaint, reason=reason)


def close(actor, complaint, **overrides):
    data = {
        "acceptance_name": "王工",
        "acceptance_date": timezone.localdate(),
        "reply_to_customer": "已上门处理，设备运行正常。",
    }
    return services.complaint_close(actor=actor, complaint=complaint, **{**data, **overrides})


def cancel(actor, complaint, reason="重复登记"):
    return services.complaint_cancel(actor=actor, complaint=complaint, reason=reason)


# step: (its function, the complaint it starts from, the stage it reaches)
# Reopening by an unsatisfied follow-up call is a step of service work: servicing/tests/test_follow_ups.py.
STEPS = {
    "start_analysis": (start, {"state": S.RECEIVED}, S.ANALYSING),
    "submit_for_approval": (submit, {"state": S.ANALYSING, "analysed": True}, S.AWAITING_APPROVAL),
    "sign_general": (sign, {"state": S.AWAITING_APPROVAL, "analysed": True}, S.RECTIFYING),
    # One signature of two: the major complaint waits for the other one.
    "sign_major": (
        sign,
        {"state": S.AWAITING_APPROVAL, "analysed": True, "severity": Severity.MAJOR},
        S.AWAITING_APPROVAL,
    ),
    "send_back_general": (send_back, {"state": S.AWAITING_APPROVAL, "analysed": True}, S.ANALYSING),
    "send_back_major": (
        send_back,
        {"state": S.AWAITING_APPROVAL, "analysed": True, "severity": Severity.MAJOR},
        S.ANALYSING,
    ),
    "close": (close, {"state": S.RECTIFYING, "analysed": True}, S.CLOSED),
    "cancel": (cancel, {"state": S.RECEIVED}, S.CANCELLED),
}
ALLOWED = {
    "start_analysis": {roles.AFTERSALES_ENGINEER, roles.AFTERSALES_MANAGER},
    "submit_for_approval": {roles.AFTERSALES_ENGINEER, roles.AFTERSALES_MANAGER},
    "sign_general": {roles.AFTERSALES_MANAGER},
    "sign_major": {roles.AFTERSALES_MANAGER, roles.GENERAL_MANAGER},
    "send_back_general": {roles.AFTERSALES_MANAGER},
    "send_back_major": {roles.AFTERSALES_MANAGER, roles.GENERAL_MANAGER},
    "close": {roles.SALES, roles.AFTERSALES_ENGINEER, roles.AFTERSALES_MANAGER},
    "cancel": {roles.AFTERSALES_MANAGER},
}
ROLE_CASES = [(step, role) for step in STEPS for role in roles.ALL]

# Each step's service, the stages it starts from, and a role that holds it.
SOURCES = {
    "start_analysis": (start, {S.RECEIVED}),
    "submit_for_approval": (submit, {S.ANALYSING}),
    "sign": (sign, {S.AWAITING_APPROVAL}),
    "send_back": (send_back, {S.AWAITING_APPROVAL}),
    "close": (close, {S.RECTIFYING}),
    "cancel": (cancel, {S.RECEIVED, S.ANALYSING, S.AWAITING_APPROVAL}),
}
STAGE_CASES = [(step, state, state in SOURCES[step][1]) for step in SOURCES for state in S.values]


@pytest.fixture
def make_complaint(people, customer):
    """Return a function making a complaint of the sales user's customer, assigned to the engineer."""

    def make(**kwargs):
        kwargs.setdefault("assignee", people.engineer)
        kwargs.setdefault("received_by", people.sales)
        return ComplaintFactory(customer=customer, **kwargs)

    return make


def _transition_events(complaint):
    return ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintEvent.Action.TRANSITION)


# --- who may take each step ------------------------------------------------------


@pytest.mark.parametrize(("step", "role"), ROLE_CASES)
def test_each_step_is_open_to_its_roles_only(step, role, make_complaint, role_user, people):
    function, start_from, reaches = STEPS[step]
    complaint = make_complaint(**start_from)
    actor = role_user(role)
    if role in ALLOWED[step]:
        function(actor, complaint)
        complaint.refresh_from_db()
        assert complaint.state == reaches
        assert ComplaintEvent.objects.filter(complaint=complaint, actor=actor).exists()
    else:
        with pytest.raises(PermissionDenied):
            function(actor, complaint)
        complaint.refresh_from_db()
        assert complaint.state == start_from["state"]
        assert not ComplaintEvent.objects.filter(complaint=complaint).exists()


# the name a page shows for each step
ACTION_NAMES = {
    "start_analysis": "start_analysis",
    "submit_for_approval": "submit_for_approval",
    "sign_general": "sign",
    "sign_major": "sign",
    "send_back_general": "send_back",
    "send_back_major": "send_back",
    "close": "close",
    "cancel": "cancel",
}


@pytest.mark.parametrize(("step", "role"), ROLE_CASES)
def test_pages_offer_each_step_to_its_roles_only(step, role, make_complaint, role_user):
    complaint = make_complaint(**STEPS[step][1])
    offered = ACTION_NAMES[step] in services.available_actions(complaint, role_user(role))
    assert offered is (role in ALLOWED[step])


@pytest.mark.parametrize(("step", "state", "allowed"), STAGE_CASES)
def test_each_step_is_possible_from_its_stages_only(step, state, allowed, make_complaint, people):
    function, _sources = SOURCES[step]
    complaint = make_complaint(state=state, analysed=True, accepted=True)
    if allowed:
        function(people.manager, complaint)
        complaint.refresh_from_db()
        assert complaint.state != state
    else:
        with pytest.raises(ValidationError) as error:
            function(people.manager, complaint)
        assert error.value.code == "state"
        complaint.refresh_from_db()
        assert complaint.state == state
        assert not _transition_events(complaint).exists()


def test_engineer_cannot_handle_another_engineers_complaint(make_complaint, people):
    received = make_complaint(state=S.RECEIVED)
    analysing = make_complaint(state=S.ANALYSING, analysed=True)
    rectifying = make_complaint(state=S.RECTIFYING, analysed=True)
    other = people.other_engineer
    attempts = [
        lambda: start(other, received),
        lambda: services.complaint_update_analysis(actor=other, complaint=analysing, disposal_plan="换件"),
        lambda: submit(other, analysing),
        lambda: services.complaint_pause(actor=other, complaint=analysing, reason="等待客户"),
        lambda: services.complaint_promise_timetable(
            actor=other, complaint=analysing, timetable="两周内更换", promised_date=TODAY
        ),
        lambda: close(other, rectifying),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert not rules.can_handle(analysing, other)
    assert rules.can_handle(analysing, people.engineer)
    assert rules.can_handle(analysing, people.manager)


def test_an_unassigned_complaint_goes_to_the_engineer_who_starts_it(make_complaint, people):
    complaint = make_complaint(state=S.RECEIVED, assignee=None)
    start(people.other_engineer, complaint)
    complaint.refresh_from_db()
    assert complaint.assignee == people.other_engineer
    with pytest.raises(PermissionDenied):
        submit(people.engineer, complaint)


def test_manager_handles_any_engineers_complaint(make_complaint, people):
    complaint = make_complaint(state=S.RECEIVED)
    start(people.manager, complaint)
    complaint.refresh_from_db()
    assert complaint.state == S.ANALYSING
    assert complaint.assignee == people.engineer


def test_sales_see_only_their_own_customers_complaints(make_complaint, people):
    own = make_complaint(state=S.RECTIFYING, analysed=True)
    others = ComplaintFactory(customer=CustomerFactory(salesperson=people.other_sales), state=S.RECTIFYING)
    assert list(Complaint.objects.visible_to(people.sales)) == [own]
    assert set(Complaint.objects.visible_to(people.engineer)) == {own, others}
    assert not rules.can_see(others, people.sales)
    assert services.available_actions(others, people.sales) == set()
    assert "close" in services.available_actions(own, people.sales)
    with pytest.raises(PermissionDenied):
        close(people.sales, others)
    with pytest.raises(PermissionDenied):
        services.complaint_respond(actor=people.sales, complaint=others, reply="已收到")
    with pytest.raises(PermissionDenied):
        services.complaint_create(actor=people.sales, customer=others.customer, title="异响", description="合闸异响")


def test_assigning_is_recorded_and_mailed_to_the_new_assignee(
    make_complaint, people, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = make_complaint(state=S.ANALYSING)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_assign(actor=people.manager, complaint=complaint, assignee=people.other_engineer)
    complaint.refresh_from_db()
    assert complaint.assignee == people.other_engineer
    event = ComplaintEvent.objects.get(complaint=complaint, action=ComplaintEvent.Action.ASSIGNED)
    assert event.actor == people.manager
    [message] = mailoutbox
    assert message.to == [people.other_engineer.email]


def test_only_the_assignee_or_a_manager_reassigns_and_only_to_after_sales_staff(make_complaint, people):
    complaint = make_complaint(state=S.ANALYSING)
    with pytest.raises(PermissionDenied):
        services.complaint_assign(actor=people.other_engineer, complaint=complaint, assignee=people.other_engineer)
    with pytest.raises(ValidationError) as error:
        services.complaint_assign(actor=people.engineer, complaint=complaint, assignee=people.sales)
    assert error.value.code == "assignee"
    services.complaint_assign(actor=people.engineer, complaint=complaint, assignee=people.other_engineer)
    complaint.refresh_from_db()
    assert complaint.assignee == people.other_engineer


@pytest.mark.parametrize("role", [roles.WAREHOUSE_KEEPER, roles.PURCHASING])
def test_roles_without_complaint_access_see_nothing(role, role_user, make_complaint):
    make_complaint()
    assert not Complaint.objects.visible_to(role_user(role)).exists()


# --- analysis and submission -----------------------------------------------------


@pytest.mark.parametrize(
    "missing",
    [
        {"responsibility": Complaint.Responsibility.UNDETERMINED},
        {"responsibility_reason": "  "},
        {"disposal": ""},
    ],
)
def test_submitting_without_the_analysis_is_refused_with_a_clear_message(missing, make_complaint, people):
    complaint = make_complaint(state=S.ANALYSING, analysed=True, **missing)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        submit(people.engineer, complaint)
    assert error.value.code == "analysis"
    assert "responsibility" in error.value.messages[0]
    assert "disposal" in error.value.messages[0]
    complaint.refresh_from_db()
    assert complaint.state == S.ANALYSING


def test_submitting_an_incomplete_analysis_without_the_role_is_denied_not_explained(make_complaint, people):
    complaint = make_complaint(state=S.ANALYSING)
    with pytest.raises(PermissionDenied):
        submit(people.sales, complaint)


def test_analysis_is_recorded_with_an_event_naming_the_changed_fields(make_complaint, people):
    complaint = make_complaint(state=S.ANALYSING)
    services.complaint_update_analysis(
        actor=people.engineer,
        complaint=complaint,
        responsibility=Complaint.Responsibility.CUSTOMER,
        responsibility_reason="误操作",
        disposal=Complaint.Disposal.GUIDANCE,
    )
    complaint.refresh_from_db()
    assert rules.analysis_complete(complaint)
    event = ComplaintEvent.objects.get(complaint=complaint, action=ComplaintEvent.Action.UPDATED)
    assert event.actor == people.engineer


# --- approval ------------------------------------------------------------------


def test_after_sales_manager_alone_approves_a_customer_caused_general_complaint(make_complaint, people):
    complaint = make_complaint(state=S.AWAITING_APPROVAL, analysed=True)
    sign(people.manager, complaint)
    complaint.refresh_from_db()
    assert complaint.state == S.RECTIFYING
    assert complaint.manager_approved_by == people.manager
    assert complaint.manager_approved_at is not None
    assert complaint.gm_approved_at is None


@pytest.mark.parametrize("order", [("manager", "gm"), ("gm", "manager")])
def test_major_complaint_needs_both_signatures_in_either_order(order, make_complaint, people):
    complaint = make_complaint(state=S.AWAITING_APPROVAL, analysed=True, severity=Severity.MAJOR)
    first, second = (getattr(people, who) for who in order)
    sign(first, complaint)
    complaint.refresh_from_db()
    assert complaint.state == S.AWAITING_APPROVAL
    sign(second, complaint)
    complaint.refresh_from_db()
    assert complaint.state == S.RECTIFYING
    assert complaint.manager_approved_by == people.manager
    assert complaint.gm_approved_by == people.gm
    approvals = ComplaintEvent.objects.filter(complaint=complaint, action=ComplaintEvent.Action.APPROVAL)
    assert [e.actor for e in approvals] == [first, second]


@pytest.mark.parametrize("who", ["manager", "second_manager"])
def test_the_manager_signature_of_a_major_complaint_is_given_once(who, make_complaint, people):
    complaint = make_complaint(state=S.AWAITING_APPROVAL, analysed=True, severity=Severity.MAJOR)
    sign(people.manager, complaint)
    with pytest.raises(ValidationError) as error:
        sign(getattr(people, who), complaint)
    assert error.value.code == "signed"
    complaint.refresh_from_db()
    assert complaint.manager_approved_by == people.manager


def test_general_manager_cannot_sign_a_general_complaint(make_complaint, people):
    complaint = make_complaint(state=S.AWAITING_APPROVAL, analysed=True)
    with pytest.raises(PermissionDenied):
        sign(people.gm, complaint)
    complaint.refresh_from_db()
    assert complaint.gm_approved_at is None


@pytest.mark.parametrize("who", ["manager", "gm"])
def test_company_caused_complaint_cannot_be_signed(who, make_complaint, people):
    complaint = make_complaint(state=S.AWAITING_APPROVAL, company_caused=True, severity=Severity.MAJOR)
    with pytest.raises(ValidationError) as error:
        sign(getattr(people, who), complaint)
    assert error.value.code == "company"
    complaint.refresh_from_db()
    assert complaint.state == S.AWAITING_APPROVAL
    assert "sign" not in services.available_actions(complaint, getattr(people, who))


def test_company_caused_complaint_moves_on_when_its_quality_sheet_is_approved(make_complaint, people, role_user):
    complaint = make_complaint(state=S.AWAITING_APPROVAL, company_caused=True)
    deputy = role_user(roles.QUALITY_DEPUTY)
    services.complaint_quality_approved(actor=deputy, complaint=complaint, sheet_number="ZX-202611-0003")
    complaint.refresh_from_db()
    assert complaint.state == S.RECTIFYING
    assert complaint.quality_approved_at is not None
    approval = ComplaintEvent.objects.get(complaint=complaint, action=ComplaintEvent.Action.APPROVAL)
    assert (approval.actor, approval.note) == (deputy, "ZX-202611-0003")


def test_quality_sheet_approved_during_analysis_lets_the_submission_go_straight_to_rectifying(
    make_complaint, people, role_user
):
    complaint = make_complaint(state=S.ANALYSING, company_caused=True)
    services.complaint_quality_approved(
        actor=role_user(roles.QUALITY_DEPUTY), complaint=complaint, sheet_number="ZX-202611-0004"
    )
    complaint.refresh_from_db()
    assert complaint.state == S.ANALYSING
    submit(people.engineer, complaint)
    complaint.refresh_from_db()
    assert complaint.state == S.RECTIFYING
    assert [e.to_state for e in _transition_events(complaint)] == [S.AWAITING_APPROVAL, S.RECTIFYING]


def test_quality_approval_of_a_customer_caused_complaint_is_refused(make_complaint, role_user):
    complaint = make_complaint(state=S.AWAITING_APPROVAL, analysed=True)
    with pytest.raises(ValidationError):
        services.complaint_quality_approved(
            actor=role_user(roles.QUALITY_DEPUTY), complaint=complaint, sheet_number="ZX-1"
        )


# --- sending back, closing, cancelling, reopening -------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_sending_back_without_a_reason_is_refused(reason, make_complaint, people):
    complaint = make_complaint(state=S.AWAITING_APPROVAL, analysed=True)
    with pytest.raises(ValidationError) as error:
        send_back(people.manager, complaint, reason=reason)
    assert error.value.code == "reason"
    complaint.refresh_from_db()
    assert complaint.state == S.AWAITING_APPROVAL


def test_sending_back_clears_the_signatures_given(make_complaint, people):
    complaint = make_complaint(state=S.AWAITING_APPROVAL, analysed=True, severity=Severity.MAJOR)
    sign(people.manager, complaint)
    send_back(people.gm, complaint, reason="报价偏高")
    complaint.refresh_from_db()
    assert complaint.state == S.ANALYSING
    assert complaint.manager_approved_by is None and complaint.manager_approved_at is None


@pytest.mark.parametrize("missing", [{"acceptance_name": " "}, {"acceptance_date": None}, {"reply_to_customer": ""}])
def test_closing_needs_the_customers_acceptance_and_the_reply(missing, make_complaint, people):
    complaint = make_complaint(state=S.RECTIFYING, analysed=True)
    with pytest.raises(ValidationError) as error:
        close(people.engineer, complaint, **missing)
    assert error.value.code == "acceptance"
    complaint.refresh_from_db()
    assert complaint.state == S.RECTIFYING


@time_machine.travel(NOW, tick=False)
def test_closing_with_a_future_acceptance_date_is_refused(make_complaint, people):
    complaint = make_complaint(state=S.RECTIFYING, analysed=True)
    with pytest.raises(ValidationError) as error:
        close(people.engineer, complaint, acceptance_date=TODAY + datetime.timedelta(days=1))
    assert error.value.code == "acceptance_date"
    close(people.engineer, complaint, acceptance_date=TODAY)
    complaint.refresh_from_db()
    assert complaint.state == S.CLOSED
    assert complaint.closed_at == NOW
    assert (complaint.acceptance_name, complaint.acceptance_date) == ("王工", TODAY)


@pytest.mark.parametrize("reason", ["", "  "])
def test_cancelling_without_a_reason_is_refused(reason, make_complaint, people):
    complaint = make_complaint(state=S.RECEIVED)
    with pytest.raises(ValidationError) as error:
        cancel(people.manager, complaint, reason=reason)
    assert error.value.code == "reason"


def test_cancelled_complaint_is_kept_with_its_reason(make_complaint, people):
    complaint = make_complaint(state=S.ANALYSING)
    cancel(people.manager, complaint, reason="与 TS-202611-0001 重复")
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.state == S.CANCELLED
    assert complaint.cancel_reason == "与 TS-202611-0001 重复"
    assert not complaint.is_open


# --- the timeline and the mail -----------------------------------------------------

EVENT_CASES = [
    # step, actor, starting complaint, from, to, note
    ("start_analysis", "engineer", {"state": S.RECEIVED}, S.RECEIVED, S.ANALYSING, ""),
    ("submit_for_approval", "engineer", {"state": S.ANALYSING}, S.ANALYSING, S.AWAITING_APPROVAL, ""),
    ("sign_general", "manager", {"state": S.AWAITING_APPROVAL}, S.AWAITING_APPROVAL, S.RECTIFYING, ""),
    (
        "send_back_general",
        "manager",
        {"state": S.AWAITING_APPROVAL},
        S.AWAITING_APPROVAL,
        S.ANALYSING,
        "处置方案需补充报价",
    ),
    ("close", "sales", {"state": S.RECTIFYING}, S.RECTIFYING, S.CLOSED, "已上门处理，设备运行正常。"),
    ("cancel", "manager", {"state": S.AWAITING_APPROVAL}, S.AWAITING_APPROVAL, S.CANCELLED, "重复登记"),
]


@pytest.mark.parametrize(("step", "who", "start_from", "source", "target", "note"), EVENT_CASES)
def test_every_step_writes_who_when_from_to_and_why(
    step, who, start_from, source, target, note, make_complaint, people
):
    actor = getattr(people, who)
    with time_machine.travel(NOW, tick=False):
        # Received an hour before the step, so that a same-day acceptance is after the receipt.
        complaint = make_complaint(analysed=True, **start_from)
        STEPS[step][0](actor, complaint)
    event = _transition_events(complaint).get()
    assert (event.actor, event.at, event.from_state, event.to_state) == (actor, NOW, source, target)
    assert note in event.note


# step, the messages it queues
MAIL_CASES = [
    ("start_analysis", "engineer", {"state": S.RECEIVED}, []),
    ("submit_for_approval", "engineer", {"state": S.ANALYSING}, ["for_approval"]),
    ("sign_general", "manager", {"state": S.AWAITING_APPROVAL}, ["approved"]),
    ("send_back_general", "manager", {"state": S.AWAITING_APPROVAL}, ["sent_back"]),
    ("close", "sales", {"state": S.RECTIFYING}, []),
    ("cancel", "manager", {"state": S.RECEIVED}, []),
]


@pytest.mark.parametrize(("step", "who", "start_from", "kinds"), MAIL_CASES)
def test_mail_is_queued_for_after_the_commit_only(
    step, who, start_from, kinds, make_complaint, people, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = make_complaint(analysed=True, **start_from)
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks() as callbacks:
        STEPS[step][0](getattr(people, who), complaint)
    assert mailoutbox == []
    written = Notification.objects.order_by("pk")[before:].values_list("kind", "object_id", "state")
    assert list(written) == [(f"complaints.{kind}", complaint.pk, "pending") for kind in kinds]
    assert len(callbacks) == (1 if kinds else 0), "one dispatch after the commit"
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == len(kinds)
    for kind, message in zip(kinds, mailoutbox, strict=True):
        # Approval requests go to the approvers; every other message to the assignee.
        expected = people.manager if kind == "for_approval" else people.engineer
        assert expected.email in message.to


def test_nothing_is_sent_when_the_step_fails(make_complaint, people, mailoutbox, django_capture_on_commit_callbacks):
    complaint = make_complaint(state=S.AWAITING_APPROVAL, analysed=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(PermissionDenied):
        send_back(people.engineer, complaint)
    assert callbacks == []
    assert mailoutbox == []
