"""The ledger's pages run the same number of queries for 3 rows as for 60."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales import roles as r
from aftersales.tests.factories import UserFactory

from .factories import ContactFactory, CustomerFactory, DeliveryFactory, InteractionFactory, ProductModelFactory

# Session, user, two for permissions, role labels, then the page's own reads (at most five).
MAX_QUERIES = 10


def _queries(client, url):
    client.get(url)  # warm the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _records(customer, n):
    for _ in range(n):
        contact = ContactFactory(customer=customer)
        DeliveryFactory(customer=customer, product_model=ProductModelFactory())
        InteractionFactory(customer=customer, contact=contact, handled_by=UserFactory())


@pytest.mark.parametrize("role", [r.AFTERSALES_MANAGER, r.SALES])
def test_customer_list_queries_do_not_grow_with_the_rows(client_for, role_user, role, django_assert_max_num_queries):
    client = client_for(role)
    url = reverse("customers:list")

    def add(n):
        for _ in range(n):
            owner = role_user(r.SALES) if role == r.SALES else UserFactory()
            CustomerFactory(salesperson=owner, tier_id="A")

    add(3)
    few = _queries(client, url)
    add(57)
    many = _queries(client, url)

    assert few == many
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)


@pytest.mark.parametrize("page", ["detail", "contacts", "deliveries", "interactions"])
def test_customer_page_queries_do_not_grow_with_the_rows(ledger, client_for, page, django_assert_max_num_queries):
    client = client_for(r.AFTERSALES_MANAGER)
    url = reverse(f"customers:{page}", args=[ledger.customer.pk])

    _records(ledger.customer, 2)
    few = _queries(client, url)
    _records(ledger.customer, 57)
    many = _queries(client, url)

    assert few == many
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url)
