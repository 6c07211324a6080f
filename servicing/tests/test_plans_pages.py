"""Service plan pages: who sees and changes plans, completion rates, findings that open a complaint or a sheet."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aftersales.tests.pages import english, waiting_line
from complaints.models import Complaint
from customers.tests.factories import CustomerFactory, DeliveryFactory
from quality.models import QualitySheet
from servicing.history import unit_history
from servicing.models import Finding, ServicePlan
from servicing.selectors import engineer_rates, plan_list

from .factories import PlanVisitFactory, ServicePlanFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2027, 3, 10, 15, 0, tzinfo=BEIJING)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=BEIJING)


def _done(visit, day):
    visit.actual_start, visit.actual_end = _at(day, 9), _at(day, 11)
    visit.save()
    return visit


@pytest.fixture
def plan(people, customer):
    return ServicePlanFactory(name="MINE-PLAN", customer=customer, engineer=people.engineer, created_by=people.manager)


@pytest.fixture
def other_plan(people):
    theirs = CustomerFactory(salesperson=people.other_sales, name="OTHER-CUSTOMER")
    return ServicePlanFactory(name="OTHER-PLAN", customer=theirs, engineer=people.engineer)


# --- completion rates ------------------------------------------------------------------------


@pytest.fixture
def history(plan):
    """Three dates due so far (one done on time, one done late, one overdue) and one to come."""
    day = TODAY - datetime.timedelta(days=60)
    _done(PlanVisitFactory(plan=plan, occurrence=day), day + datetime.timedelta(days=2))
    day = TODAY - datetime.timedelta(days=30)
    _done(PlanVisitFactory(plan=plan, occurrence=day), day + datetime.timedelta(days=12))
    PlanVisitFactory(plan=plan, occurrence=TODAY - datetime.timedelta(days=1))
    PlanVisitFactory(plan=plan, occurrence=TODAY + datetime.timedelta(days=5))
    return plan


def test_completion_counts_due_done_on_time_late_and_overdue_per_plan_and_engineer(history, people):
    row = plan_list(user=people.manager).get(pk=history.pk)
    counts = (row.due_count, row.done_count, row.on_time_count, row.late_count, row.overdue_count)
    assert counts == (3, 2, 1, 1, 1)
    [engineer] = engineer_rates(user=people.manager)
    assert (engineer["due_count"], engineer["done_count"], engineer["rate"]) == (3, 2, 67)


def test_plan_list_shows_the_rates_and_the_engineer_table(history, people, client_for, django_assert_max_num_queries):
    client = english(client_for(people.manager))
    with django_assert_max_num_queries(12):
        page = client.get(reverse("servicing:plan_list")).content.decode()
    row = page.split(f'data-testid="plan-{history.pk}"')[1].split("</tr>")[0]
    assert "MINE-PLAN" in row and '<td class="text-end" data-testid="rate">67%</td>' in row
    assert str(people.engineer) in page.split('data-testid="engineer-rates"')[1]


def test_plan_detail_lists_the_generated_visits_with_the_overdue_one_flagged(history, people, client_for):
    page = english(client_for(people.engineer)).get(history.get_absolute_url()).content.decode()
    table = page.split('data-testid="plan-visits"')[1]
    assert table.count("<tr>") == 5 and table.count('data-testid="overdue"') == 1
    assert "Pause" not in page  # engineers do not change plans


# --- who sees and changes plans ----------------------------------------------------------------


def test_sales_see_the_plans_of_their_own_customers_only(plan, other_plan, people, client_for):
    page = client_for(people.sales).get(reverse("servicing:plan_list")).content.decode()
    assert "MINE-PLAN" in page and "OTHER-PLAN" not in page
    assert client_for(people.sales).get(other_plan.get_absolute_url()).status_code == 404
    other = client_for(people.other_sales).get(reverse("servicing:plan_list")).content.decode()
    assert "OTHER-PLAN" in other and "MINE-PLAN" not in other


def test_sales_see_a_region_plan_of_their_region_but_only_their_customers_visits(people, client_for):
    mine = CustomerFactory(salesperson=people.sales, region="华东", name="MINE-EAST")
    theirs = CustomerFactory(salesperson=people.other_sales, region="华东", name="THEIRS-EAST")
    plan = ServicePlanFactory(customer=None, region="华东", name="华东巡检", engineer=people.engineer)
    PlanVisitFactory(plan=plan, customer=mine, occurrence=TODAY)
    PlanVisitFactory(plan=plan, customer=theirs, occurrence=TODAY)
    page = client_for(people.sales).get(plan.get_absolute_url()).content.decode()
    assert "MINE-EAST" in page and "THEIRS-EAST" not in page
    assert plan_list(user=people.sales).get().due_count == 1


def test_only_the_aftersales_manager_creates_a_plan(people, customer, client_for):
    url = reverse("servicing:plan_create")
    for user in (people.sales, people.engineer, people.leader):
        assert client_for(user).get(url).status_code == 403
    data = {
        "name": "年度保养",
        "kind": "maintenance",
        "customer": customer.pk,
        "frequency": "annual",
        "first_date": "2027-04-01",
        "engineer": people.engineer.pk,
    }
    response = client_for(people.manager).post(url, data)
    plan = ServicePlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert (plan.created_by, plan.kind, plan.customer) == (people.manager, "maintenance", customer)


def test_the_plan_form_refuses_a_wrong_scope_and_dates_all_at_once(people, customer, client_for):
    data = {
        "name": "x",
        "kind": "inspection",
        "customer": customer.pk,
        "region": "华东",
        "serial_number": "NO-SUCH",
        "frequency": "monthly",
        "first_date": "2027-04-01",
        "end_date": "2027-03-01",
        "engineer": people.sales.pk,
    }
    page = english(client_for(people.manager)).post(reverse("servicing:plan_create"), data).content.decode()
    assert "Give a customer or a region, not both." in page
    assert "This customer has no delivered unit with this serial number." in page
    assert "The end date (2027-03-01) cannot be before the first date (2027-04-01)." in page
    assert "Select a valid choice" in page  # a salesperson is not an engineer
    assert not ServicePlan.objects.exists()


def test_the_manager_pauses_resumes_and_ends_a_plan(plan, people, client_for):
    client = client_for(people.manager)
    client.post(reverse("servicing:plan_pause", args=[plan.pk]))
    plan.refresh_from_db()
    assert not plan.active
    client.post(reverse("servicing:plan_resume", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.active
    client.post(reverse("servicing:plan_end", args=[plan.pk]), {"end_date": "2027-06-30"})
    plan.refresh_from_db()
    assert plan.end_date == datetime.date(2027, 6, 30)
    assert client_for(people.engineer).post(reverse("servicing:plan_pause", args=[plan.pk])).status_code == 403


def test_the_manager_edits_a_plan_and_ties_it_to_a_unit(plan, people, customer, client_for):
    unit = DeliveryFactory(customer=customer, serial_number="KYN-7")
    data = {
        "name": "MINE-PLAN",
        "kind": "inspection",
        "customer": customer.pk,
        "serial_number": "KYN-7",
        "frequency": "quarterly",
        "first_date": plan.first_date.isoformat(),
        "engineer": people.engineer.pk,
    }
    client_for(people.manager).post(reverse("servicing:plan_edit", args=[plan.pk]), data)
    plan.refresh_from_db()
    assert (plan.delivery, plan.frequency) == (unit, "quarterly")


# --- the plan visit: waiting on its engineer, in "my work", in the visit list ----------------


def test_a_planned_visit_waits_on_its_engineer_and_is_in_their_work(plan, people, client_for):
    visit = PlanVisitFactory(plan=plan, occurrence=TODAY + datetime.timedelta(days=3))
    page = english(client_for(people.sales)).get(visit.get_absolute_url()).content.decode()
    assert waiting_line(page) == (
        f"Waiting for: After-sales engineer ({people.engineer}) to carry out the Inspection of "
        f"{visit.occurrence:%Y-%m-%d}"
    )
    mine = client_for(people.engineer).get(reverse("complaints:my_work")).content.decode()
    assert visit.get_absolute_url() in mine.split('data-testid="my-planned-visits"')[1]
    other = client_for(people.other_engineer).get(reverse("complaints:my_work")).content.decode()
    assert 'data-testid="my-planned-visits"' not in other
    listed = client_for(people.manager).get(reverse("servicing:visit_list")).content.decode()
    assert visit.get_absolute_url() in listed


# --- findings -----------------------------------------------------------------------------------


def _finding(client, visit, opens, **extra):
    data = {"opens": opens, "title": "柜门锁扣松动", "description": "巡检发现柜门锁扣松动", "severity": "serious"}
    return client.post(reverse("servicing:finding_create", args=[visit.pk]), {**data, **extra})


def test_an_engineer_opens_a_complaint_from_a_finding_in_one_step(plan, people, customer, client_for):
    unit = DeliveryFactory(customer=customer, serial_number="KYN-9")
    plan.delivery = unit
    plan.save()
    visit = PlanVisitFactory(plan=plan, occurrence=TODAY)
    response = _finding(client_for(people.engineer), visit, "complaint")
    assert response.status_code == 302
    finding = Finding.objects.get()
    complaint = finding.complaint
    assert (complaint.customer, complaint.channel, complaint.serial_number) == (customer, "visit", "KYN-9")
    assert (complaint.severity, complaint.delivery, complaint.received_by) == ("serious", unit, people.engineer)
    visit_page = client_for(people.engineer).get(visit.get_absolute_url()).content.decode()
    assert complaint.number in visit_page.split('data-testid="findings"')[1]
    complaint_page = english(client_for(people.sales)).get(complaint.get_absolute_url()).content.decode()
    panel = complaint_page.split('data-testid="from-inspection"')[1]
    assert "Opened from an inspection" in complaint_page and "MINE-PLAN" in panel
    [entry] = unit_history(user=people.sales, serial="KYN-9")[:1]
    assert complaint.number in entry.title
    assert unit_history(user=people.other_sales, serial="KYN-9") == []


def test_the_manager_raises_a_quality_sheet_from_a_finding(plan, people, customer, client_for):
    visit = PlanVisitFactory(plan=plan, occurrence=TODAY)
    _finding(client_for(people.manager), visit, "sheet")
    sheet = Finding.objects.get().sheet
    assert (sheet.customer, sheet.source, sheet.raised_by) == (customer, QualitySheet.Source.FIELD, people.manager)
    assert "巡检发现柜门锁扣松动" in sheet.description
    assert not Complaint.objects.exists()


def test_who_may_record_a_finding_and_what_it_may_open(plan, people, client_for):
    visit = PlanVisitFactory(plan=plan, occurrence=TODAY)
    # An engineer may open a complaint but not raise a quality sheet.
    page = english(client_for(people.engineer)).get(reverse("servicing:finding_create", args=[visit.pk]))
    assert 'value="sheet"' not in page.content.decode()
    assert _finding(client_for(people.engineer), visit, "sheet").status_code == 200
    for user in (people.sales, people.leader):
        assert _finding(client_for(user), visit, "complaint").status_code == 403
    assert not Finding.objects.exists()
    # A visit not made for a plan has no findings.
    repair = PlanVisitFactory(plan=plan, occurrence=TODAY + datetime.timedelta(days=1))
    repair.plan, repair.occurrence = None, None
    repair.save()
    assert _finding(client_for(people.engineer), repair, "complaint").status_code == 302
    assert not Finding.objects.exists()


def test_another_salespersons_visit_is_not_found(other_plan, people, client_for, make_user):
    visit = PlanVisitFactory(plan=other_plan, occurrence=TODAY)
    assert client_for(people.sales).get(visit.get_absolute_url()).status_code == 404
    assert "OTHER-CUSTOMER" not in client_for(people.sales).get(reverse("servicing:plan_list")).content.decode()
    assert timezone.localdate() == TODAY
