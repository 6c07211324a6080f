"""A complaint's working resolution time: set on closing, less paused working time, cleared on reopening."""

import datetime

import pytest
import time_machine

from aftersales import roles
from complaints import services
from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import CustomerFactory

from .factories_scorecards import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(role_user):
    return role_user(roles.SALES), role_user(roles.AFTERSALES_ENGINEER)


def _rectifying(sales, engineer, received):
    return ComplaintFactory(
        customer=CustomerFactory(salesperson=sales),
        assignee=engineer,
        received_at=received,
        state=Complaint.State.RECTIFYING,
        analysed=True,
    )


def _close(sales, complaint, moment):
    with time_machine.travel(moment, tick=False):
        return services.complaint_close(
            actor=sales,
            complaint=complaint,
            acceptance_name="王工",
            acceptance_date=moment.date(),
            reply_to_customer="已处理完毕",
        )


def test_a_complaint_over_a_weekend_counts_only_working_time(people):
    sales, engineer = people
    # Friday 16:30 to Monday 10:30: Friday 16:30–17:30 (60) + Monday 08:30–10:30 (120).
    complaint = _rectifying(sales, engineer, at("2026-11-06", "16:30"))
    closed = _close(sales, complaint, at("2026-11-09", "10:30"))
    assert closed.resolution_working_minutes == 180


def test_the_working_time_paused_for_the_customer_is_taken_off_and_reopening_clears_it(people):
    sales, engineer = people
    complaint = _rectifying(sales, engineer, at("2026-11-10", "09:00"))
    with time_machine.travel(at("2026-11-10", "14:00"), tick=False):
        services.complaint_pause(actor=engineer, complaint=complaint, reason="等待客户停电窗口")
    with time_machine.travel(at("2026-11-11", "10:00"), tick=False):
        services.complaint_resume(actor=engineer, complaint=complaint)
    closed = _close(sales, complaint, at("2026-11-12", "12:00"))
    # Tue 09:00–17:30 (510) + Wed 08:30–17:30 (540) + Thu 08:30–12:00 (210) = 1,260,
    # less the pause: Tue 14:00–17:30 (210) + Wed 08:30–10:00 (90) = 300.
    assert closed.resolution_working_minutes == 960
    with time_machine.travel(at("2026-11-13", "09:00"), tick=False):
        reopened = services.complaint_reopen(actor=sales, complaint=closed, reason="客户反映仍有异响")
    assert reopened.resolution_working_minutes is None
    assert Complaint.objects.get(pk=complaint.pk).resolution_working_minutes is None


def test_the_migration_backfills_closed_complaints(people):
    from importlib import import_module

    from django.apps import apps

    sales, engineer = people
    complaint = _rectifying(sales, engineer, at("2026-11-06", "16:30"))
    Complaint.objects.filter(pk=complaint.pk).update(state="closed", closed_at=at("2026-11-09", "10:30"))
    open_one = _rectifying(sales, engineer, at("2026-11-06", "16:30"))
    migration = import_module("complaints.migrations.0015_backfill_resolution_working_minutes")
    migration.backfill(apps, None)
    assert Complaint.objects.get(pk=complaint.pk).resolution_working_minutes == 180
    assert Complaint.objects.get(pk=open_one.pk).resolution_working_minutes is None
    assert datetime.timedelta(0) == Complaint.objects.get(pk=complaint.pk).paused_total
