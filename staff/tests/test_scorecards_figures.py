"""Scorecard figures against the hand-counted November 2026 (see factories_scorecards)."""

from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint
from staff.periods import Period
from staff.selectors.scorecards import scorecards, totals

from .factories import member
from .factories_scorecards import at, november

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    with time_machine.travel(at("2026-12-03", "10:00"), tick=False):
        return november()


def _rows(user, code, **kw):
    with time_machine.travel(at("2026-12-03", "10:00"), tick=False):
        return {row.person.username: row for row in scorecards(user=user, period=Period.parse(code), **kw)}


def test_the_follow_up_reopened_the_unsatisfied_complaint(world):
    reopened = Complaint.objects.get(pk=world.complaints.reopened.pk)
    assert reopened.state == Complaint.State.ANALYSING
    assert reopened.reopen_count == 1
    assert reopened.closed_at is None
    assert reopened.resolution_working_minutes is None


def test_engineers_november_matches_the_hand_count(world):
    row = _rows(world.manager, "2026-11")["sc_engineer"]
    assert (row.handled, row.closed) == (4, 3)
    assert (row.response_on_time, row.response_counted, row.response_percent) == (3, 4, Decimal("75.0"))
    assert (row.resolution_on_time, row.resolution_counted, row.resolution_percent) == (2, 4, Decimal("50.0"))
    assert row.mean_resolution_hours == Decimal("16.33")  # (600 + 1440 + 900) / 3 / 60
    assert row.repeats == 2
    assert (row.visits_done, row.visits_planned, row.visits_percent) == (1, 2, Decimal("50.0"))
    assert (row.follow_up_mean, row.follow_up_calls) == (Decimal("3.50"), 2)
    assert row.attitude_mean is None and row.attitude_responses == 0
    assert row.hearts_score == Decimal("4.20")
    assert row.training_hours == Decimal("3.5")
    assert (row.exams_taken, row.exams_passed, row.exam_mean) == (1, 1, Decimal("85.00"))


def test_salespersons_survey_attitude_and_empty_figures(world):
    row = _rows(world.manager, "2026-11")["sc_sales"]
    assert (row.attitude_mean, row.attitude_responses) == (Decimal("4.50"), 1)
    assert row.handled == 0 and row.response_percent is None and row.mean_resolution_hours is None
    assert row.hearts_score is None and row.visits_percent is None and row.exam_mean is None


def test_quarter_takes_the_mean_of_the_monthly_ratings_and_a_month_without_one_shows_none(world):
    assert _rows(world.manager, "2026-Q4")["sc_engineer"].hearts_score == Decimal("4.00")
    assert _rows(world.manager, "2026-09")["sc_engineer"].hearts_score is None


def test_the_cancelled_complaint_counts_nowhere(world):
    before = _rows(world.manager, "2026-11")["sc_engineer"]
    # The same complaint, not cancelled, would count as handled, a repeat and a follow-up call.
    Complaint.objects.filter(pk=world.complaints.cancelled.pk).update(state=Complaint.State.ANALYSING)
    after = _rows(world.manager, "2026-11")["sc_engineer"]
    assert (before.handled, before.repeats, before.follow_up_calls) == (4, 2, 2)
    assert (after.handled, after.repeats, after.follow_up_calls) == (5, 3, 3)


def test_team_totals_sum_the_counts_and_share_over_them(world):
    rows = list(_rows(world.manager, "2026-11").values())
    total = totals(rows)
    assert total.handled == 4 and total.attitude_responses == 1
    assert total.resolution_percent == Decimal("50.0")
    assert total.hearts_score == Decimal("4.20")


def test_scorecards_take_the_same_queries_for_a_team_of_3_and_of_12(world):
    def count():
        with CaptureQueriesContext(connection) as queries:
            _rows(world.manager, "2026-11")
        return len(queries)

    small = count()
    for n in range(9):
        member(f"extra{n}", "sales", supervisor=world.manager)
    assert len(_rows(world.manager, "2026-11")) == 12
    assert count() == small
