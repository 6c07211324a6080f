"""Service plans: their dates, the daily generation of visits (once each) and the daily overdue chase."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from aftersales import outbox
from customers.tests.factories import CustomerFactory, DeliveryFactory
from servicing import tasks
from servicing.models import ServicePlan, ServiceVisit, VisitChase
from servicing.models.plans import add_months
from servicing.services import plan_visits_chase, plan_visits_generate

from .factories import PlanVisitFactory, ServicePlanFactory

BEIJING = ZoneInfo("Asia/Shanghai")
MORNING = datetime.datetime(2027, 1, 20, 6, 0, tzinfo=BEIJING)
TODAY = MORNING.date()


def _day(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


# --- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "months", "expected"),
    [
        (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2027, 1, 31), 2, datetime.date(2027, 3, 31)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2027, 12, 15), 1, datetime.date(2028, 1, 15)),
    ],
)
def test_months_are_added_with_the_day_clamped_to_the_month_end(anchor, months, expected):
    assert add_months(anchor, months) == expected


def test_a_monthly_plan_from_january_31_falls_on_the_last_of_february_then_back_on_the_31st():
    plan = ServicePlan(frequency=ServicePlan.Frequency.MONTHLY, first_date=datetime.date(2028, 1, 31))
    dates = plan.occurrences(datetime.date(2028, 1, 1), datetime.date(2028, 5, 31))
    assert dates == [datetime.date(2028, 1, 31), datetime.date(2028, 2, 29), datetime.date(2028, 3, 31),
                     datetime.date(2028, 4, 30), datetime.date(2028, 5, 31)]  # fmt: skip


def test_quarterly_and_annual_plans_step_three_and_twelve_months_and_stop_at_the_end_date():
    quarterly = ServicePlan(
        frequency=ServicePlan.Frequency.QUARTERLY,
        first_date=datetime.date(2027, 1, 15),
        end_date=datetime.date(2027, 10, 14),
    )
    assert quarterly.occurrences(datetime.date(2027, 1, 1), datetime.date(2028, 12, 31)) == [
        datetime.date(2027, 1, 15),
        datetime.date(2027, 4, 15),
        datetime.date(2027, 7, 15),
    ]
    annual = ServicePlan(frequency=ServicePlan.Frequency.ANNUAL, first_date=datetime.date(2027, 3, 1))
    assert annual.occurrences(datetime.date(2027, 3, 2), datetime.date(2029, 3, 1)) == [
        datetime.date(2028, 3, 1),
        datetime.date(2029, 3, 1),
    ]


# --- generation ----------------------------------------------------------------------------


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
def test_generation_creates_each_visit_due_within_two_weeks_once_and_a_rerun_nothing(morning, people):
    customer = CustomerFactory(address="江苏省南京市江宁区")
    plan = ServicePlanFactory(customer=customer, engineer=people.engineer, first_date=_day(3))
    assert plan_visits_generate() == 1
    assert plan_visits_generate() == 0
    assert tasks.generate_plan_visits() == 0  # the beat task runs the same generation
    visit = ServiceVisit.objects.get(plan=plan)
    assert (visit.occurrence, visit.customer, visit.engineer) == (_day(3), customer, people.engineer)
    assert visit.purpose == ServiceVisit.Purpose.INSPECTION
    assert timezone.localtime(visit.planned_start).hour == 9 and visit.place == customer.address

    # A month on, the next date has come within the look-ahead: one more, and only one.
    morning.move_to(MORNING + datetime.timedelta(days=30))
    assert plan_visits_generate() == 1
    assert plan_visits_generate() == 0
    assert list(plan.visits.order_by("occurrence").values_list("occurrence", flat=True)) == [
        _day(3),
        add_months(_day(3), 1),
    ]


@pytest.mark.django_db
def test_dates_beyond_the_look_ahead_wait_for_a_later_day(morning, people):
    ServicePlanFactory(engineer=people.engineer, first_date=_day(15))
    assert plan_visits_generate() == 0
    morning.move_to(MORNING + datetime.timedelta(days=1))
    assert plan_visits_generate() == 1


@pytest.mark.django_db
def test_paused_plans_generate_nothing_and_resume_where_they_are(morning, people):
    plan = ServicePlanFactory(engineer=people.engineer, first_date=_day(2), active=False)
    assert plan_visits_generate() == 0
    plan.active = True
    plan.save()
    assert plan_visits_generate() == 1


@pytest.mark.django_db
def test_no_date_after_the_end_date_is_generated(morning, people):
    plan = ServicePlanFactory(
        engineer=people.engineer,
        frequency=ServicePlan.Frequency.MONTHLY,
        first_date=_day(-40),
        end_date=_day(5),
    )
    # The dates before the catch-up window (40 and 9 days ago) are not made up; none after the end.
    assert plan_visits_generate() == 0
    plan.end_date = None
    plan.save()
    morning.move_to(MORNING + datetime.timedelta(days=20))
    assert plan_visits_generate() == 1
    assert plan.visits.get().occurrence == add_months(_day(-40), 2)


@pytest.mark.django_db
def test_a_region_plan_plans_one_visit_per_customer_of_the_region_per_date(morning, people):
    east = [CustomerFactory(region="华东"), CustomerFactory(region="华东")]
    CustomerFactory(region="华北")
    plan = ServicePlanFactory(customer=None, region="华东", engineer=people.engineer, first_date=_day(1))
    assert plan_visits_generate() == 2
    assert plan_visits_generate() == 0
    assert set(plan.visits.values_list("customer", flat=True)) == {c.pk for c in east}


@pytest.mark.django_db
def test_a_unit_plan_names_the_unit_in_the_visit_place(morning, people):
    unit = DeliveryFactory(serial_number="KYN-0042")
    ServicePlanFactory(customer=unit.customer, delivery=unit, engineer=people.engineer, first_date=_day(0))
    plan_visits_generate()
    assert "KYN-0042" in ServiceVisit.objects.get().place


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_create_each_visit_once(people):
    """Two generations racing on PostgreSQL: the unique (plan, customer, date) lets one insert win."""
    with time_machine.travel(MORNING, tick=False):
        plans = [ServicePlanFactory(engineer=people.engineer, first_date=_day(n)) for n in range(4)]
        barrier = threading.Barrier(2)
        outcomes = [None, None]

        def run(index):
            try:
                barrier.wait()
                outcomes[index] = plan_visits_generate()
            except Exception as error:  # inspected below
                outcomes[index] = error
            finally:
                connection.close()

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert sum(outcomes) == 4
    for plan in plans:
        assert plan.visits.count() == 1


# --- the overdue chase -----------------------------------------------------------------------


@pytest.fixture
def chase(django_capture_on_commit_callbacks):
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            sent = plan_visits_chase()
        outbox.dispatch()
        return sent

    return run


@pytest.mark.django_db
def test_an_overdue_planned_visit_is_chased_once_a_day_until_it_is_done(morning, people, chase, mailoutbox):
    visit = PlanVisitFactory(plan__engineer=people.engineer, occurrence=_day(-2))
    PlanVisitFactory(plan__engineer=people.engineer, occurrence=_day(2))  # not due yet
    assert chase() == 1
    assert [sorted(m.to) for m in mailoutbox] == [sorted([people.engineer.email, people.manager.email,
                                                          people.second_manager.email])]  # fmt: skip
    assert visit.customer.name in mailoutbox[0].subject
    assert chase() == 0  # a rerun the same day
    assert len(mailoutbox) == 1

    morning.move_to(MORNING + datetime.timedelta(days=1))
    assert chase() == 1  # still overdue the next day
    assert len(mailoutbox) == 2
    assert VisitChase.objects.filter(visit=visit).count() == 2

    visit.actual_start = visit.actual_end = timezone.now() - datetime.timedelta(hours=1)
    visit.save()
    morning.move_to(MORNING + datetime.timedelta(days=2))
    assert tasks.chase_overdue_plan_visits() == 0
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_visit_without_a_plan_is_not_chased(morning, people, chase, mailoutbox):
    from .factories import ServiceVisitFactory

    ServiceVisitFactory(planned_start=timezone.now() - datetime.timedelta(days=3))
    assert chase() == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_chase_and_the_generation_run_every_day_from_the_beat(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"servicing.tasks.generate_plan_visits", "servicing.tasks.chase_overdue_plan_visits"} <= tasks_scheduled
