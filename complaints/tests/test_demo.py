"""The demo complaints: every stage, every clock status, made through the services, added once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from ..models import Complaint, ComplaintEvent, PausePeriod, Severity, SlaStatus

pytestmark = pytest.mark.django_db

MODELS = [Complaint, ComplaintEvent, PausePeriod]


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


def test_about_forty_complaints_in_every_stage(output):
    assert 35 <= Complaint.objects.count() <= 45
    states = set(Complaint.objects.values_list("state", flat=True))
    assert states == set(Complaint.State.values)
    for state in Complaint.State.values:
        assert Complaint.objects.filter(state=state).count() >= 3, state


def test_awaiting_approval_holds_both_kinds_of_wait(output):
    waiting = Complaint.objects.filter(state=Complaint.State.AWAITING_APPROVAL)
    customer_caused = waiting.filter(responsibility=Complaint.Responsibility.CUSTOMER)
    assert customer_caused.filter(manager_approved_at=None).exists()
    assert customer_caused.filter(severity=Severity.MAJOR, manager_approved_at__isnull=False, gm_approved_at=None)
    assert waiting.filter(responsibility=Complaint.Responsibility.COMPANY, quality_approved_at=None).exists()


def test_closed_complaints_have_acceptance_and_reply(output):
    closed = Complaint.objects.filter(state=Complaint.State.CLOSED)
    assert closed.exists()
    for complaint in closed:
        assert complaint.acceptance_name and complaint.acceptance_date and complaint.reply_to_customer


def test_clocks_show_at_risk_breached_paused_and_met_now(output):
    now = timezone.now()
    statuses = [complaint.sla_status(now) for complaint in Complaint.objects.all()]
    for status in (SlaStatus.AT_RISK, SlaStatus.BREACHED, SlaStatus.PAUSED, SlaStatus.MET, SlaStatus.RUNNING):
        assert statuses.count(status) >= 2, status
    assert Complaint.objects.filter(paused_since__isnull=False).count() == PausePeriod.objects.count() >= 2


def test_complaints_are_major_and_serious_and_linked_to_demo_deliveries(output):
    assert Complaint.objects.filter(severity=Severity.MAJOR).count() >= 3
    assert Complaint.objects.filter(severity=Severity.SERIOUS).exists()
    assert not Complaint.objects.filter(delivery=None).exists()
    assert not Complaint.objects.exclude(customer__code__startswith="KH").exists()
    assert Complaint.objects.values("customer").distinct().count() >= 20


def test_every_stage_change_is_on_the_timeline(output):
    for complaint in Complaint.objects.exclude(state=Complaint.State.RECEIVED):
        moves = complaint.events.filter(action=ComplaintEvent.Action.TRANSITION)
        assert moves.filter(to_state=complaint.state).exists(), complaint.number


def test_a_department_head_receives_escalations(output):
    heads = get_user_model().objects.filter(is_department_head=True, is_active=True).exclude(email="")
    assert heads.exists()


def test_second_run_adds_nothing(output):
    assert output["counts_after"] == output["counts"]
    assert "40 created" in output["first"]
    assert "nothing added" in output["second"]
