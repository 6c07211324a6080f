"""The demo training: this year's approved plan, eight sessions held, one cancelled, two to come; once."""

import io

import pytest
import time_machine
from django.core.management.base import OutputWrapper
from django.core.management.color import no_style

from aftersales.demo import seed as seed_users
from staff import demo
from staff.models import Attendance, TrainingPlan, TrainingSession

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-03 10:00 +0800", tick=False)
def test_demo_seeds_a_year_of_training_once():
    out = OutputWrapper(io.StringIO())
    seed_users(stdout=out, style=no_style())
    demo.seed(stdout=out, style=no_style())
    plan = TrainingPlan.objects.get()
    assert (plan.year, plan.state, plan.items.count()) == (2026, "approved", 10)
    held = TrainingSession.objects.filter(state="held")
    assert held.count() == 8 and all(s.starts_at.year == 2026 for s in held)
    assert TrainingSession.objects.filter(state="cancelled").count() == 1
    assert TrainingSession.objects.filter(state="scheduled").count() == 2
    assert Attendance.objects.filter(attended=False).count() == 1
    assert Attendance.objects.filter(passed=False).count() == 1
    demo.seed(stdout=out, style=no_style())
    assert TrainingSession.objects.count() == 11
