"""The counts of "my work" are links to the queue narrowed to what they count."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from .. import selectors, services

pytestmark = pytest.mark.django_db


def _receive(actor, customer, **data):
    return services.complaint_create(actor=actor, customer=customer, title="开关柜异响", description="运行异响", **data)


def _count_link(page: str, name: str) -> tuple[str, str]:
    match = re.search(rf'<a [^>]*href="([^"]+)"[^>]*>[^<]*<strong data-count="{name}">(\d+)</strong></a>', page)
    assert match, f"the {name} count is not a link"
    return match.group(1), match.group(2)


def test_each_count_links_to_the_queue_showing_exactly_what_it_counts(people, customer, client_for):
    late = _receive(
        people.manager, customer, assignee=people.engineer, received_at=timezone.now() - datetime.timedelta(days=3)
    )
    fresh = _receive(people.manager, customer, assignee=people.engineer)
    nobodys = _receive(people.manager, customer)
    engineer, manager = client_for(people.engineer), client_for(people.manager)

    for client, name, expected in [(engineer, "breached", {late}), (manager, "unassigned", {nobodys})]:
        page = client.get(reverse("complaints:my_work")).content.decode()
        href, count = _count_link(page, name)
        narrowed = client.get(href)
        numbers = {c.number for c in narrowed.context["page"]}
        assert numbers == {c.number for c in expected}
        assert int(count) == len(numbers)
        assert 'aria-current="page"' in narrowed.content.decode()
    breached = engineer.get(reverse("complaints:my_work") + "?only=breached").content.decode()
    assert late.number in breached and fresh.number not in breached


def test_home_page_counts_link_to_the_queue(people, customer, client_for):
    _receive(people.manager, customer, assignee=people.engineer)
    page = client_for(people.engineer).get(reverse("home")).content.decode()
    href, count = _count_link(page, "mine")
    assert (href, count) == (reverse("complaints:my_work") + "?only=mine", "1")
    assert _count_link(page, "total")[0] == reverse("complaints:my_work")


def test_an_unknown_narrowing_shows_the_whole_queue(people, customer, client_for):
    complaint = _receive(people.manager, customer, assignee=people.engineer)
    response = client_for(people.engineer).get(reverse("complaints:my_work"), {"only": "<script>"})
    assert {c.number for c in response.context["page"]} == {complaint.number}
    assert "&lt;script" not in response.content.decode() and "<script>&" not in response.content.decode()


def test_a_count_past_the_cap_shows_the_cap_and_a_plus(people, customer, client_for, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    for _ in range(3):
        _receive(people.manager, customer)
    _receive(people.manager, customer, assignee=people.manager)

    for url in (reverse("home"), reverse("complaints:my_work")):
        page = client_for(people.manager).get(url).content.decode()
        assert '<strong data-count="total">2+</strong>' in page
        assert '<strong data-count="unassigned">2+</strong>' in page
        assert '<strong data-count="mine">1</strong>' in page


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_the_start_page_takes_the_same_queries_for_a_longer_queue(people, customer, client_for):
    client = client_for(people.manager)
    _receive(people.manager, customer)
    _home_queries(client)
    few = _home_queries(client)
    for _ in range(5):
        _receive(people.manager, customer, assignee=people.manager)
        _receive(people.manager, customer, received_at=timezone.now() - datetime.timedelta(days=3))
    assert _home_queries(client) == few
