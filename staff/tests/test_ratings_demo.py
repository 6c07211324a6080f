"""The demo's quarter of six-hearts ratings, seeded through the services."""

import io

import pytest
from django.contrib.auth.models import Group

from aftersales.tests.factories import UserFactory

from .. import demo_ratings
from ..models import RatingCorrection, SixHeartsRating, StaffProfile
from ..periods import MONTH, Period

pytestmark = pytest.mark.django_db

ROLES = {
    "sales": "sales",
    "sales2": "sales",
    "aftersales_engineer": "aftersales_engineer",
    "aftersales_manager": "aftersales_manager",
    "general_manager": "general_manager",
}


def test_the_demo_seeds_a_quarter_of_ratings_once():
    users = {}
    for username, role in ROLES.items():
        users[username] = UserFactory(username=username)
        users[username].groups.add(Group.objects.get(name=role))
    for username in ("sales", "sales2", "aftersales_engineer"):
        StaffProfile.objects.create(user=users[username], supervisor=users["aftersales_manager"])
    StaffProfile.objects.create(user=users["aftersales_manager"], supervisor=users["general_manager"])
    demo_ratings.seed(stdout=io.StringIO(), style=None)
    ratings = SixHeartsRating.objects.all()
    assert ratings.count() == 12
    last = Period.last_completed(MONTH)
    assert {r.period_start for r in ratings} == {last.start, last.previous().start, last.previous().previous().start}
    assert {r.rated_by.username for r in ratings.filter(person__username="aftersales_manager")} == {"general_manager"}
    assert {r.rated_by.username for r in ratings.exclude(person__username="aftersales_manager")} == {
        "aftersales_manager"
    }
    assert all(r.rated_at.date() > r.period_start for r in ratings)
    assert len({r.score for r in ratings}) > 3 and all(r.remarks for r in ratings)
    correction = RatingCorrection.objects.get()
    assert correction.reason and correction.rating.corrections_count == 1
    assert ratings.filter(acknowledged_at__isnull=False).count() >= 9
    demo_ratings.seed(stdout=io.StringIO(), style=None)
    assert SixHeartsRating.objects.count() == 12
