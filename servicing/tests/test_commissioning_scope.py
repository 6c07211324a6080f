"""The scope walk over the commissioning pages alone (the project-wide walk waits for the move of service work).

Salesperson ``sales`` opens every commissioning page filled with their own records and with the
other salesperson's: no name, number or serial of the other's customers may appear.
"""

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.tests.scope_data import build_world
from aftersales.tests.scope_registry import REGISTRY

NAMES = [n for n in REGISTRY if n.startswith("servicing:") and ("commissioning" in n or "checklist" in n)]


@pytest.mark.django_db
def test_sales_never_see_the_other_salespersons_commissioning_records():
    world = build_world()
    client = Client()
    client.force_login(world.sales)
    assert len(NAMES) == 9
    seen_own = False
    for name in NAMES:
        fill = REGISTRY[name]
        for records in (world.mine, world.theirs):
            response = client.get(reverse(name, kwargs=fill.kwargs(records)), fill.query(records))
            text = response.content.decode(errors="replace")
            leaked = [marker for marker in world.theirs.markers if marker in text]
            assert leaked == [], (name, leaked)
            seen_own |= world.mine.commissioning.customer_acceptance_name in text
    assert seen_own
    tab = client.get(reverse("customers:deliveries", args=[world.mine.customer.pk])).content.decode()
    assert world.mine.commissioning.get_absolute_url() in tab
