"""The unit history: every app's records of one serial number, scoped, at a constant query count."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.tests.scope_data import build_world
from aftersales.tests.scope_registry import REGISTRY
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import CustomerFactory, DeliveryFactory
from quality.tests.factories import QualitySheetFactory

from ..models import FollowUp
from .factories import CustomerPropertyFactory, FollowUpFactory, ReturnRecordFactory, ServiceVisitFactory

SERIAL = "KYN-2026-0042"


def _records_of(customer, serial, n=1):
    """Create ``n`` records of every kind for ``serial`` of ``customer``."""
    for i in range(n):
        complaint = ComplaintFactory(customer=customer, serial_number=serial, title=f"异响{i}")
        ServiceVisitFactory(complaint=complaint, place=f"现场{i}")
        ReturnRecordFactory(complaint=complaint, serial_number=serial, reason=f"退货{i}")
        FollowUpFactory(complaint=ComplaintFactory(customer=customer, serial_number=serial, state="closed"))
        QualitySheetFactory(customer=customer, serial_number=serial, title=f"信息单{i}")
        CustomerPropertyFactory(customer=customer, serial_number=serial, description=f"手车{i}")


def _get(client, serial=SERIAL):
    return client.get(reverse("servicing:unit_history", args=[serial]))


def test_the_history_shows_every_kind_of_record_newest_first(people, customer, client_for):
    DeliveryFactory(customer=customer, serial_number=SERIAL)
    _records_of(customer, SERIAL)
    page = _get(client_for(people.manager)).content.decode()
    follow_up = FollowUp.objects.get()
    for text in ("2026-01-15", "异响0", "现场0", "退货0", follow_up.complaint.number, "信息单0", "手车0"):
        assert text in page, text
    assert page.index("2026-01-15") > page.index("手车0")  # the delivery is the oldest


def test_the_history_costs_the_same_for_one_record_of_each_kind_or_many(people, customer, client_for):
    client = client_for(people.manager)
    DeliveryFactory(customer=customer, serial_number=SERIAL)
    _records_of(customer, SERIAL, 1)
    _get(client)
    with CaptureQueriesContext(connection) as one:
        assert _get(client).status_code == 200
    _records_of(customer, SERIAL, 4)
    with CaptureQueriesContext(connection) as many:
        page = _get(client).content.decode()
    assert page.count("手车") == 5
    assert len(many) == len(one)


def test_sales_see_none_of_another_salespersons_records_of_the_same_serial(people, customer, client_for):
    theirs = CustomerFactory(salesperson=people.other_sales, name="OTHER-CUSTOMER")
    DeliveryFactory(customer=theirs, serial_number=SERIAL)
    ComplaintFactory(customer=theirs, serial_number=SERIAL, title="OTHER-COMPLAINT")
    CustomerPropertyFactory(customer=theirs, serial_number=SERIAL, description="OTHER-PROPERTY")
    QualitySheetFactory(customer=theirs, serial_number=SERIAL, title="OTHER-SHEET")
    ComplaintFactory(customer=customer, serial_number=SERIAL, title="MINE-COMPLAINT")
    page = _get(client_for(people.sales)).content.decode()
    assert "MINE-COMPLAINT" in page
    assert not [marker for marker in ("OTHER-", "2026-01-15") if marker in page]
    other = _get(client_for(people.other_sales)).content.decode()
    assert "OTHER-COMPLAINT" in other and "OTHER-PROPERTY" in other and "MINE-COMPLAINT" not in other


def test_a_serial_the_user_sees_nothing_of_is_not_echoed(people, client_for):
    ComplaintFactory(customer=CustomerFactory(salesperson=people.other_sales), serial_number="SECRET-42")
    response = _get(client_for(people.sales), "SECRET-42")
    assert response.url == reverse("servicing:unit_search")
    assert "SECRET-42" not in str(response.headers) + response.content.decode()


def test_the_search_box_leads_to_the_history(people, client_for):
    response = client_for(people.manager).get(reverse("servicing:unit_search"), {"serial": " kyn-2026-0042 "})
    assert response.url == reverse("servicing:unit_history", args=[SERIAL])


def test_the_complaint_page_links_to_the_history_of_its_unit(people, customer, client_for):
    complaint = ComplaintFactory(customer=customer, serial_number=SERIAL)
    page = client_for(people.engineer).get(complaint.get_absolute_url()).content.decode()
    assert reverse("servicing:unit_history", args=[SERIAL]) in page
    bare = ComplaintFactory(customer=customer, serial_number="")
    assert (
        'data-testid="unit-history-link"'
        not in client_for(people.engineer).get(bare.get_absolute_url()).content.decode()
    )


def test_a_ledger_search_by_serial_offers_the_unit_history(people, customer, client_for):
    DeliveryFactory(customer=customer, serial_number=SERIAL)
    client = client_for(people.sales)
    page = client.get(reverse("customers:list"), {"q": SERIAL}).content.decode()
    assert reverse("servicing:unit_history", args=[SERIAL]) in page
    other = client_for(people.other_sales).get(reverse("customers:list"), {"q": SERIAL}).content.decode()
    assert 'data-testid="serial-links"' not in other


@pytest.mark.django_db
def test_sales_never_see_another_salespersons_property_or_history_in_the_scope_world(private_media):
    """Walk this feature's pages of the project's scope world as ``sales``: no marker of ``sales2``'s."""
    world = build_world()
    client = Client()
    client.force_login(world.sales)
    names = [
        name for name in REGISTRY if name.startswith(("servicing:property", "servicing:unit", "servicing:customer_p"))
    ]
    texts = []
    for name in names:
        fill = REGISTRY[name]
        for side in ("mine", "theirs"):
            records = getattr(world, side)
            response = client.get(reverse(name, kwargs=fill.kwargs(records)), fill.query(records))
            body = b"".join(response.streaming_content) if response.streaming else response.content
            texts.append((name, side, response.status_code, body.decode(errors="replace")))
    leaks = [(name, m) for name, _side, _s, text in texts for m in world.theirs.markers if m in text]
    assert not leaks
    assert all(status < 500 for _n, _s, status, _t in texts)
    mine = {(n, s): t for n, s, _st, t in texts}
    assert world.mine.customer_property.number in mine[("servicing:unit_history", "mine")]
    assert world.mine.complaint.number in mine[("servicing:unit_history", "mine")]
    assert world.mine.property_photo.original_name in mine[("servicing:property_detail", "mine")]
    assert timezone.now()
