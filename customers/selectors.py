"""Reads for the ledger's pages, scoped to what the user may see."""

from django.shortcuts import get_object_or_404

from aftersales.keyset import paginate  # noqa: F401  (the ledger's lists page by keyset)
from aftersales.rows import fast_rows

from .filters import CustomerFilter
from .models import Customer

PAGE_SIZE = 50
TAB_PAGE_SIZE = 20


def customer_list(*, user, params):
    """Return the filter (for the form) and the scoped, filtered customers."""
    base = fast_rows(Customer.objects.visible_to(user).for_list())  # read-only rows (aftersales.rows)
    customer_filter = CustomerFilter(params, queryset=base, user=user)
    return customer_filter, customer_filter.qs


def customer_get(*, user, pk: int) -> Customer:
    return get_object_or_404(Customer.objects.visible_to(user).for_list(), pk=pk)


def customer_contacts(customer):
    return customer.contacts.all()


def customer_deliveries(customer):
    return customer.deliveries.select_related("product_model")


def customer_interactions(customer):
    return customer.interactions.select_related("contact", "handled_by")
