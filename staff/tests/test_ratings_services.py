"""Signing, correcting and acknowledging six-hearts ratings: who may, which periods, the customer's view, the e-mail."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from aftersales import outbox
from aftersales.tests.pages import source_language  # noqa: F401

from ..models import RatingCorrection, SixHeartsRating
from ..periods import MONTH, QUARTER, Period
from ..services.ratings import rating_acknowledge, rating_correct, rating_sign
from . import factories_ratings as f
from .factories import member, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return team()


def _inside(period: Period, days: int = 3, hour: int = 10):
    start, _end = period.bounds()
    return start + datetime.timedelta(days=days, hours=hour)


def test_a_manager_rates_their_team_and_management_rates_anyone(people, role_user):
    manager, sales, sales2, engineer, boss = people
    assert f.rating(manager, sales).rated_by == manager
    general = role_user("general_manager")
    assert f.rating(general, manager).rated_by == general
    with pytest.raises(PermissionDenied):
        f.rating(sales, sales2)  # a salesperson does not rate a colleague
    with pytest.raises(PermissionDenied):
        f.rating(boss, engineer)  # management reads everyone but does not rate
    other_manager = member("other_manager", "aftersales_manager", rated=False)
    with pytest.raises(PermissionDenied):
        f.rating(other_manager, engineer)  # not their team
    with pytest.raises(PermissionDenied):
        f.rating(manager, manager)  # nobody rates themselves


def test_a_period_not_begun_and_a_year_are_refused_the_current_month_is_not(people, source_language):  # noqa: F811
    manager, sales, *_ = people
    this_month = Period.of(MONTH, timezone.localdate())
    with pytest.raises(ValidationError) as refused:
        f.rating(manager, sales, this_month.next())
    assert "has not begun" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        f.rating(manager, sales, Period.year(2025))
    assert "month or a quarter" in str(refused.value)
    assert f.rating(manager, sales, this_month).period_start == this_month.start
    assert f.rating(manager, sales, Period.last_completed(QUARTER)).period_kind == QUARTER


def test_one_rating_per_person_and_period(people, source_language):  # noqa: F811
    manager, sales, *_ = people
    f.rating(manager, sales)
    with pytest.raises(ValidationError) as refused:
        f.rating(manager, sales, remarks="again")
    assert "correct it instead" in str(refused.value)
    assert SixHeartsRating.objects.count() == 1


def test_scores_outside_one_to_five_are_all_reported(people, source_language):  # noqa: F811
    manager, sales, *_ = people
    with pytest.raises(ValidationError) as refused:
        rating_sign(actor=manager, person=sales, period=f.last_month(), scores={"confidence": 6, "warmth": 0})
    assert set(refused.value.message_dict) == {
        "confidence",
        "warmth",
        "dedication",
        "patience",
        "sincerity",
        "carefulness",
    }


def test_without_follow_up_calls_the_score_is_the_hearts_mean(people):
    manager, sales, *_ = people
    rating = f.rating(manager, sales, **f.scores(5, 4, 4, 3, 5, 4))
    assert rating.customer_attitude is None and rating.customer_attitude_calls == 0
    assert rating.hearts_mean == Decimal("4.17")  # 25 / 6
    assert rating.score == rating.hearts_mean


def test_the_customer_view_counts_the_persons_calls_in_the_period_and_blends_in(people):
    manager, sales, sales2, *_ = people
    period = f.last_month()
    f.follow_up(sales, 2, _inside(period))
    f.follow_up(sales, 5, _inside(period, days=20))
    f.follow_up(sales, None, _inside(period, days=5))  # no attitude score: not counted
    f.follow_up(sales, 1, _inside(period.previous()))  # another month: not counted
    f.follow_up(sales, 1, _inside(period.next()))  # after the period: not counted
    f.follow_up(sales2, 1, _inside(period))  # a colleague's complaint: not counted
    rating = f.rating(manager, sales, period, **f.scores(5, 4, 4, 3, 5, 3))
    assert (rating.customer_attitude, rating.customer_attitude_calls) == (Decimal("3.50"), 2)
    # hearts 24 / 6 = 4.00; 4.00 × 0.8 + 3.50 × 0.2 = 3.20 + 0.70
    assert rating.hearts_mean == Decimal("4.00")
    assert rating.score == Decimal("3.90")


def test_a_correction_keeps_the_old_values_and_reason_and_asks_for_a_new_acknowledgement(people, source_language):  # noqa: F811
    manager, sales, *_ = people
    rating = f.rating(manager, sales, remarks="第一次评定")
    rating_acknowledge(actor=sales, rating=rating, comment="已阅")
    with pytest.raises(ValidationError) as refused:
        rating_correct(actor=manager, rating=rating, scores=f.scores(5, 5, 5, 5, 5, 5), remarks="x", reason=" ")
    assert "why the rating is corrected" in str(refused.value)
    f.follow_up(sales, 3, _inside(f.last_month()))  # recorded after the signature: the correction takes it
    corrected = rating_correct(
        actor=manager, rating=rating, scores=f.scores(5, 5, 5, 5, 5, 5), remarks="更正后", reason="收到客户表扬信"
    )
    correction = RatingCorrection.objects.get(rating=rating)
    assert correction.reason == "收到客户表扬信" and correction.corrected_by == manager
    assert correction.previous == {
        **f.FOURS,
        "remarks": "第一次评定",
        "customer_attitude": None,
        "customer_attitude_calls": 0,
        "hearts_mean": "4.00",
        "score": "4.00",
    }
    assert corrected.corrections_count == 1 and corrected.remarks == "更正后"
    assert (corrected.customer_attitude, corrected.score) == (Decimal("3.00"), Decimal("4.60"))  # 4 + 0.6
    assert corrected.acknowledged_at is None and corrected.acknowledgement == ""
    with pytest.raises(PermissionDenied):
        rating_acknowledge(actor=manager, rating=corrected)
    assert rating_acknowledge(actor=sales, rating=corrected).acknowledged_at is not None
    with pytest.raises(ValidationError):
        rating_acknowledge(actor=sales, rating=corrected)


def test_only_a_rater_of_the_person_corrects(people):
    manager, sales, sales2, _engineer, boss = people
    rating = f.rating(manager, sales)
    for actor in (sales, sales2, boss):
        with pytest.raises(PermissionDenied):
            rating_correct(actor=actor, rating=rating, scores=f.scores(), reason="因为")
    assert not RatingCorrection.objects.exists()


def test_the_person_is_emailed_once_per_signature_and_correction_under_reruns(people, mailoutbox):
    manager, sales, *_ = people
    rating = f.rating(manager, sales)
    outbox.dispatch()
    outbox.dispatch()
    assert [m.to for m in mailoutbox] == [[sales.email]]
    assert "/staff/ratings/" in mailoutbox[0].body
    rating_correct(actor=manager, rating=rating, scores=f.scores(3, 3, 3, 3, 3, 3), reason="复核")
    outbox.dispatch()
    outbox.dispatch()
    assert len(mailoutbox) == 2 and mailoutbox[1].to == [sales.email]
    assert mailoutbox[0].subject != mailoutbox[1].subject
