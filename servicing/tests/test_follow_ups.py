"""Follow-up calls: an unsatisfied customer reopens the complaint, as a step of its workflow."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aftersales import roles
from aftersales.models import Notification
from complaints import services as complaint_services
from complaints.models import Complaint, ComplaintEvent
from complaints.tests.factories import ComplaintFactory

from .. import services
from ..models import FollowUp

pytestmark = pytest.mark.django_db

S = Complaint.State
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def reopen(actor, complaint):
    return services.follow_up_log(actor=actor, complaint=complaint, satisfaction=2, remarks="仍有异响")


# step: (its function, the complaint it starts from, the stage it reaches), as in complaints' test_transitions
STEPS = {
    "reopen": (reopen, {"state": S.CLOSED, "analysed": True, "accepted": True}, S.ANALYSING),
}
ALLOWED = {
    "reopen": {roles.SALES, roles.AFTERSALES_ENGINEER, roles.AFTERSALES_MANAGER},
}
ROLE_CASES = [(step, role) for step in STEPS for role in roles.ALL]

# Each step's service and the stages it starts from.
SOURCES = {
    "reopen": (reopen, {S.CLOSED}),
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


# --- who may take the step -------------------------------------------------------


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
    "reopen": "reopen",
}


@pytest.mark.parametrize(("step", "role"), ROLE_CASES)
def test_pages_offer_each_step_to_its_roles_only(step, role, make_complaint, role_user):
    complaint = make_complaint(**STEPS[step][1])
    offered = ACTION_NAMES[step] in complaint_services.available_actions(complaint, role_user(role))
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


# --- what the call records ---------------------------------------------------------


@pytest.mark.parametrize(("satisfaction", "reopens"), [(1, True), (2, True), (3, False), (4, False), (5, False)])
def test_follow_up_with_low_satisfaction_reopens_the_complaint(satisfaction, reopens, make_complaint, people):
    complaint = make_complaint(state=S.CLOSED, accepted=True, company_caused=True)
    Complaint.objects.filter(pk=complaint.pk).update(
        manager_approved_by=people.manager, manager_approved_at=timezone.now(), quality_approved_at=timezone.now()
    )
    follow_up = services.follow_up_log(
        actor=people.sales, complaint=complaint, satisfaction=satisfaction, remarks="客户意见"
    )
    complaint.refresh_from_db()
    assert follow_up.reopened is reopens
    assert FollowUp.objects.filter(complaint=complaint).count() == 1
    if reopens:
        assert complaint.state == S.ANALYSING
        assert complaint.reopen_count == 1
        assert complaint.closed_at is None
        assert complaint.manager_approved_at is None and complaint.quality_approved_at is None
        assert complaint.acceptance_name == "" and complaint.acceptance_date is None
        assert _transition_events(complaint).get().to_state == S.ANALYSING
    else:
        assert complaint.state == S.CLOSED
        assert not _transition_events(complaint).exists()


def test_unsatisfied_follow_up_without_remarks_is_refused(make_complaint, people):
    complaint = make_complaint(state=S.CLOSED, analysed=True, accepted=True)
    with pytest.raises(ValidationError) as error:
        services.follow_up_log(actor=people.sales, complaint=complaint, satisfaction=1)
    assert error.value.code == "remarks"
    complaint.refresh_from_db()
    assert complaint.state == S.CLOSED
    assert not FollowUp.objects.exists()


# --- the timeline and the mail -----------------------------------------------------

EVENT_CASES = [
    # step, actor, starting complaint, from, to, note
    ("reopen", "sales", {"state": S.CLOSED, "accepted": True}, S.CLOSED, S.ANALYSING, "仍有异响"),
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
    ("reopen", "sales", {"state": S.CLOSED, "accepted": True}, ["reopened"]),
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
