"""The demo service work: visits, returns, case summaries and follow-up calls, made through the services, added once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max

from complaints.models import Complaint, ComplaintEvent
from servicing import dates

from ..models import CaseSummary, FollowUp, ReturnRecord, ServiceVisit
from ..services.records import last_visit_end

pytestmark = pytest.mark.django_db

MODELS = [ServiceVisit, ReturnRecord, FollowUp, CaseSummary]


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


def test_closed_complaints_have_a_case_summary_and_follow_up_calls(output):
    closed = Complaint.objects.filter(state=Complaint.State.CLOSED)
    assert closed.exists()
    for complaint in closed:
        assert CaseSummary.objects.filter(complaint=complaint).exists()
    # Company-caused complaints close only after their quality sheets (quality/demo.py).
    assert FollowUp.objects.filter(complaint__in=closed).count() >= 2


def test_complaints_closed_by_their_quality_sheet_have_its_summary_and_a_call(output):
    closed = Complaint.objects.filter(state=Complaint.State.CLOSED, quality_link__isnull=False)
    assert closed.exists()
    for complaint in closed:
        summary = complaint.case_summary
        assert summary.cause == complaint.quality_link.sheet.analysis
        assert summary.keywords == "SF6 密封圈 泄漏"
        call = complaint.follow_ups.get()
        assert call.satisfaction == 4 and call.remarks == "更换密封圈后气压稳定"


def test_an_unsatisfied_follow_up_reopened_its_complaint(output):
    follow_up = FollowUp.objects.get(reopened=True)
    assert follow_up.is_unsatisfied
    assert follow_up.complaint.state == Complaint.State.ANALYSING
    assert follow_up.complaint.reopen_count == 1
    # Written while the complaint stood closed, before the call reopened it.
    assert CaseSummary.objects.filter(complaint=follow_up.complaint).exists()


def test_follow_up_calls_come_after_closing_and_the_last_visit(output):
    for call in FollowUp.objects.select_related("complaint"):
        # A reopened complaint has no closing time left; its closing is on the timeline.
        closings = call.complaint.events.filter(
            action=ComplaintEvent.Action.TRANSITION, to_state=Complaint.State.CLOSED
        )
        closed_at = closings.filter(at__lte=call.called_at).aggregate(last=Max("at"))["last"]
        problems = dates.follow_up_problems(
            called_at=call.called_at, closed_at=closed_at, visit_end=last_visit_end(call.complaint)
        )
        assert closed_at is not None and not problems, call


def test_visits_and_returns(output):
    assert ServiceVisit.objects.count() >= 10
    assert ServiceVisit.objects.filter(internal_accepted_at__isnull=False).count() >= 3
    assert ServiceVisit.objects.filter(actual_start=None).exists()  # still planned
    assert ServiceVisit.objects.filter(complaint=None).exists()
    assert ReturnRecord.objects.count() >= 8
    outcomes = set(ReturnRecord.objects.values_list("outcome", flat=True))
    assert {ReturnRecord.Outcome.SCRAP, ReturnRecord.Outcome.REWORK, ReturnRecord.Outcome.RESTOCK} <= outcomes


def test_second_run_adds_nothing(output):
    assert output["counts_after"] == output["counts"]
    assert "Service work: 11 service visits, 8 returns" in output["first"]
    assert "Service work: demo service visits already there, nothing added." in output["second"]
