"""The demo rewards and greetings: a quarter of entries by the managers, festivals, greetings due; once."""

import io

import pytest
import time_machine
from django.core.management.base import OutputWrapper
from django.core.management.color import no_style

from aftersales.demo import seed as seed_users
from customers.demo import seed as seed_customers

from .. import demo_care, demo_rewards
from ..demo import seed as seed_staff
from ..models import Festival, Greeting, RewardPenalty

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-03 07:00 +0800", tick=False)
def test_demo_seeds_rewards_festivals_and_greetings_once(mailoutbox):
    out = OutputWrapper(io.StringIO())
    seed_users(stdout=out, style=no_style())
    seed_customers(stdout=out, style=no_style())
    seed_staff(stdout=out, style=no_style())

    entries = RewardPenalty.objects.select_related("recorded_by", "person")
    assert entries.count() == 8
    assert {e.recorded_by.username for e in entries} == {"aftersales_manager", "general_manager"}
    assert {e.kind for e in entries} == {"reward", "penalty"}
    assert {"commendation", "bonus", "warning", "fine"} <= {e.category for e in entries}
    assert all(e.person != e.recorded_by for e in entries)
    assert set(Festival.objects.dates("date", "year").values_list("date__year", flat=True)) == {2026, 2027}
    due = Greeting.objects.filter(outcome="due", occasion="birthday")
    assert {g.salesperson.username for g in due} == {"sales", "sales2"}

    demo_rewards.seed(stdout=out, style=no_style())
    demo_care.seed(stdout=out, style=no_style())
    assert RewardPenalty.objects.count() == 8 and Greeting.objects.count() == due.count()
