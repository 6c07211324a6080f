"""Fixtures of the ledger's tests: a customer of the sales user and one of another salesperson."""

from types import SimpleNamespace

import pytest

from aftersales import roles

from .factories import ContactFactory, CustomerFactory, DeliveryFactory, InteractionFactory


def _customer_with_records(salesperson, **kwargs):
    customer = CustomerFactory(salesperson=salesperson, **kwargs)
    ContactFactory(customer=customer, is_primary=True)
    DeliveryFactory(customer=customer)
    InteractionFactory(customer=customer, handled_by=salesperson)
    return customer


@pytest.fixture
def other_sales_user(make_user):
    return make_user(roles.SALES, username="other_sales_user")


@pytest.fixture
def ledger(sales_user, other_sales_user):
    """Return the sales user's customer and another salesperson's, each with one contact, delivery and call."""
    return SimpleNamespace(
        sales=sales_user,
        other_sales=other_sales_user,
        customer=_customer_with_records(sales_user, name="华东电力设备有限公司"),
        others_customer=_customer_with_records(other_sales_user, name="西北轨道交通集团"),
    )
