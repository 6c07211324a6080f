"""The demo service plans: three plans, one visit done, one overdue, and nothing added twice."""

import io

import pytest

from aftersales import roles
from customers.tests.factories import CustomerFactory, DeliveryFactory
from servicing.demo_plans import seed_plans
from servicing.models import ServicePlan, ServiceVisit

pytestmark = pytest.mark.django_db


def test_demo_plans_seed_once_with_a_done_and_an_overdue_visit(make_user):
    users = {
        "sales": make_user(roles.SALES, username="sales"),
        "sales2": make_user(roles.SALES, username="sales2"),
        "aftersales_engineer": make_user(roles.AFTERSALES_ENGINEER, username="aftersales_engineer"),
        "aftersales_manager": make_user(roles.AFTERSALES_MANAGER, username="aftersales_manager"),
    }
    first = CustomerFactory(salesperson=users["sales"], code="C001")
    DeliveryFactory(customer=first)
    CustomerFactory(salesperson=users["sales"], code="C002")
    CustomerFactory(salesperson=users["sales2"], code="C003")
    seed_plans(users=users, stdout=io.StringIO())
    assert ServicePlan.objects.count() == 3
    visits = ServiceVisit.objects.filter(plan__isnull=False)
    assert visits.filter(actual_end__isnull=False).count() == 1
    assert sum(visit.is_overdue for visit in visits) == 1
    count = visits.count()
    seed_plans(users=users, stdout=io.StringIO())
    assert (ServicePlan.objects.count(), visits.count()) == (3, count)
