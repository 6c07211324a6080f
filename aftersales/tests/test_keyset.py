"""Keyset pages: every row once, forwards and back, no OFFSET, nothing outside the user's sight."""

import datetime
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales import keyset
from aftersales import roles as r
from complaints import selectors
from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from customers.models import Customer
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def complaints():
    """Nine complaints, three received at the very same instant (ties broken by the id)."""
    customer = CustomerFactory()
    times = [NOW - datetime.timedelta(hours=h) for h in (1, 2, 2, 2, 3, 5, 8, 13, 21)]
    return [ComplaintFactory(customer=customer, received_at=at) for at in times]


def _walk(queryset, per_page, direction="next_query", params=None):
    pages, params = [], params or {}
    while True:
        page = keyset.paginate(queryset, params, per_page)
        pages.append(page)
        if not (page.has_next if direction == "next_query" else page.has_previous):
            return pages
        params = dict(re.findall(r"([^&=]+)=([^&]*)", getattr(page, direction)))


def test_walking_the_pages_forwards_and_back_shows_every_row_once_in_order(complaints):
    rows = Complaint.objects.order_by("-received_at", "-id")
    expected = list(rows.values_list("pk", flat=True))

    forwards = _walk(rows, per_page=2)
    assert [p.number for p in forwards] == [1, 2, 3, 4, 5]
    assert [c.pk for p in forwards for c in p] == expected
    assert [p.start_index for p in forwards] == [1, 3, 5, 7, 9]
    assert forwards[-1].end_index == 9 and not forwards[-1].has_next

    last = dict(re.findall(r"([^&=]+)=([^&]*)", forwards[-2].next_query))
    backwards = _walk(rows, per_page=2, direction="previous_query", params=last)
    assert [p.number for p in backwards] == [5, 4, 3, 2, 1]
    assert [[c.pk for c in p] for p in backwards] == [[c.pk for c in p] for p in reversed(forwards)]
    assert not backwards[-1].has_previous and backwards[-1].has_next


def test_a_page_after_the_first_is_read_from_its_cursor_without_offset(complaints):
    rows = Complaint.objects.order_by("-received_at", "-id")
    first = keyset.paginate(rows, {}, 4)
    params = dict(re.findall(r"([^&=]+)=([^&]*)", first.next_query))
    with CaptureQueriesContext(connection) as queries:
        second = keyset.paginate(rows, params, 4)
    assert [c.pk for c in second] == list(rows.values_list("pk", flat=True)[4:8])
    assert len(queries) == 1 and "OFFSET" not in queries[0]["sql"].upper()


def test_a_cursor_that_is_not_ours_falls_back_to_the_page_number(complaints):
    rows = Complaint.objects.order_by("-received_at", "-id")
    expected = list(rows.values_list("pk", flat=True))
    for junk in ("%%%", "bm90IGpzb24", "WzFd", "WyJ4IiwieSJd", ""):
        page = keyset.paginate(rows, {"page": "2", "after": junk}, 4)
        assert page.number == 2 and [c.pk for c in page] == expected[4:8], junk
    assert [c.pk for c in keyset.paginate(rows, {"page": "x", "before": "zz"}, 4)] == expected[:4]


def test_a_page_number_past_the_end_shows_the_last_page(complaints):
    page = keyset.paginate(Complaint.objects.order_by("-received_at", "-id"), {"page": "99"}, 4)
    assert page.number == 3 and len(page) == 1 and page.has_previous and not page.has_next


def test_orders_that_cannot_be_cut_by_key_page_by_offset(complaints):
    rows = Complaint.objects.order_by("received_at")  # no unique column at the end
    page = keyset.paginate(rows, {"page": "2"}, 4)
    assert page.next_query == "page=3" and page.previous_query == "page=1"
    assert [c.pk for c in page] == list(rows.values_list("pk", flat=True)[4:8])


def test_the_complaint_list_links_to_its_next_page_by_cursor_and_keeps_the_filters(client_for, make_user):
    sales = make_user(r.SALES, username="keyset_sales")
    customer = CustomerFactory(salesperson=sales)
    made = [
        ComplaintFactory(customer=customer, received_at=NOW - datetime.timedelta(minutes=n))
        for n in range(selectors.PAGE_SIZE + 3)
    ]
    client = client_for(sales)
    url = reverse("complaints:list")
    first = client.get(url, {"state": "received"}).content.decode()
    link = unescape(re.search(r'href="([^"]*after=[^"]*)"', first).group(1))
    assert "state=received" in link and "page=2" in link

    with CaptureQueriesContext(connection) as queries:
        second = client.get(link).content.decode()
    shown = re.findall(r'<tr data-number="([^"]+)"', second)
    assert shown == [c.number for c in made[selectors.PAGE_SIZE :]]
    assert not any("OFFSET" in q["sql"].upper() for q in queries if "complaints_complaint" in q["sql"])
    assert 'data-testid="next-page"' not in second and 'data-testid="previous-page"' in second

    back = unescape(re.search(r'href="([^"]*)"[^>]*data-testid="previous-page"', second).group(1))
    assert "state=received" in back and "page=1" in back  # the first page needs no cursor
    again = re.findall(r'<tr data-number="([^"]+)"', client.get(back).content.decode())
    assert again == [c.number for c in made[: selectors.PAGE_SIZE]]


def test_a_cursor_never_shows_another_salespersons_complaints(client_for, make_user):
    mine, theirs = make_user(r.SALES, username="keyset_a"), make_user(r.SALES, username="keyset_b")
    own = [ComplaintFactory(customer=CustomerFactory(salesperson=mine)) for _ in range(2)]
    other = ComplaintFactory(customer=CustomerFactory(salesperson=theirs), received_at=NOW - datetime.timedelta(days=9))
    # A cursor made from the other salesperson's complaint, pointing just after it and before it.
    cursor = keyset._encode([other.received_at + datetime.timedelta(seconds=1), other.pk])
    for name in ("after", "before"):
        body = client_for(mine).get(reverse("complaints:list"), {"page": "2", name: cursor}).content.decode()
        assert other.number not in body
    body = client_for(mine).get(reverse("complaints:list")).content.decode()
    assert all(c.number in body for c in own) and other.number not in body


def test_the_customer_list_walks_its_pages_by_code(client_for, make_user):
    manager = make_user(r.AFTERSALES_MANAGER, username="keyset_manager")
    for n in range(55):
        CustomerFactory(code=f"KS{n:04d}", region="江苏")
    client = client_for(manager)
    first = client.get(reverse("customers:list"), {"region": "江苏"}).content.decode()
    link = unescape(re.search(r'href="([^"]*after=[^"]*)"', first).group(1))
    assert "region=" in link and "page=2" in link
    second = client.get(link).content.decode()
    codes = re.findall(r"KS\d{4}", second)
    assert codes and set(codes) == {f"KS{n:04d}" for n in range(50, 55)}
    assert Customer.objects.filter(region="江苏").count() == 55
