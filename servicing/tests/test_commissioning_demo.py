"""The demo seed of commissioning: two checklists, one accepted and one draft report, idempotent."""

import io

import pytest

from customers.tests.factories import DeliveryFactory, ProductModelFactory
from servicing.demo_commissioning import seed_commissioning
from servicing.models import CommissioningChecklist, CommissioningReport


@pytest.mark.django_db
def test_the_demo_seeds_two_checklists_and_two_reports_once(people, customer):
    for code in ("KYN28A-12", "XGN15-12"):
        DeliveryFactory(customer=customer, product_model=ProductModelFactory(code=code))
    users = {"aftersales_manager": people.manager, "aftersales_engineer": people.engineer}
    seed_commissioning(users=users, stdout=io.StringIO())
    seed_commissioning(users=users, stdout=io.StringIO())
    assert CommissioningChecklist.objects.count() == 2
    states = sorted(CommissioningReport.objects.values_list("state", flat=True))
    assert states == [CommissioningReport.State.ACCEPTED, CommissioningReport.State.DRAFT]
