"""Factories of the rewards tests: manual entries and quality-sheet assessments of a person."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from aftersales.tests.factories import UserFactory

from ..models import RewardPenalty


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RewardPenalty

    number = factory.Sequence(lambda n: f"JF-2099-{n:04d}")
    person = factory.SubFactory(UserFactory)
    kind = RewardPenalty.Kind.REWARD
    category = RewardPenalty.Category.POINTS
    measure = RewardPenalty.Measure.POINTS
    value = Decimal("1")
    occurred_on = factory.LazyFunction(timezone.localdate)
    reason = "表现良好"
    recorded_by = factory.SubFactory(UserFactory)


def assessment(person, *, value, kind="points", at: datetime.datetime, remarks="考核", **fields):
    """Return a responsibility assessment of ``person`` on a quality sheet, recorded at ``at``."""
    from quality.models import Assessment
    from quality.tests.factories import AssessmentFactory

    row = AssessmentFactory(person=person, person_name="", kind=kind, value=Decimal(value), remarks=remarks, **fields)
    Assessment.objects.filter(pk=row.pk).update(recorded_at=at)  # auto_now_add: set the moment afterwards
    row.refresh_from_db()
    return row
