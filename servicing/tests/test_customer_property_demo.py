"""The demo seed of customer property: three records in three states, and a rerun adds nothing."""

import io

import pytest

from aftersales import roles
from customers.tests.factories import DeliveryFactory

from ..demo_property import seed_property
from ..models import CustomerProperty

ROLES = (roles.AFTERSALES_ENGINEER, roles.AFTERSALES_MANAGER, roles.QUALITY_LEADER, roles.WAREHOUSE_KEEPER)


@pytest.mark.django_db
def test_demo_seeds_one_at_the_lab_one_returned_one_damaged_and_reported_once(make_user):
    users = {code: make_user(code, username=code) for code in ROLES}
    DeliveryFactory.create_batch(3)
    seed_property(users=users, stdout=io.StringIO())
    seed_property(users=users, stdout=io.StringIO())
    records = {r.state: r for r in CustomerProperty.objects.all()}
    assert sorted(records) == ["in_custody", "lost", "returned"]
    assert records["in_custody"].storage_place == "试验室" and records["lost"].reported_at is not None
