"""Reads of customer property: scoped like every record of a customer (sales: their own customers)."""

from django.shortcuts import get_object_or_404

from ..forms.property import PropertyFilter
from ..models import CustomerProperty, PropertyMovement

LIST_PAGE_SIZE = 50
TAB_PAGE_SIZE = 20


def property_visible_to(user):
    """Return the property ``user`` may see: all with view_all_customerproperty, else their customers'."""
    rows = CustomerProperty.objects.all()
    if not user.is_authenticated or not user.has_perm("servicing.view_customerproperty"):
        return rows.none()
    if user.has_perm("servicing.view_all_customerproperty"):
        return rows
    return rows.filter(customer__salesperson=user)


def property_rows(queryset):
    return queryset.select_related("customer", "product_model", "custodian", "received_by")


def property_list(*, user, params):
    """Return the filter (for the form) and the property the user may see, filtered, newest first."""
    property_filter = PropertyFilter(params, queryset=property_visible_to(user))
    return property_filter, property_rows(property_filter.qs).order_by("-received_at", "-id")


def property_get(*, user, pk: int) -> CustomerProperty:
    rows = property_rows(property_visible_to(user)).select_related(
        "complaint", "visit", "returned_by", "loss_recorded_by", "reported_by", "closed_by"
    )
    return get_object_or_404(rows, pk=pk)


def property_movements(record) -> list[PropertyMovement]:
    return list(record.movements.select_related("to_holder", "recorded_by"))


def customer_property(*, user, customer, everything: bool = False):
    """Return the customer's property in the company's hands (everything: their whole history)."""
    rows = property_visible_to(user).filter(customer=customer)
    if not everything:
        rows = rows.exclude(state=CustomerProperty.State.CLOSED).exclude(state=CustomerProperty.State.RETURNED)
    return property_rows(rows).order_by("-received_at", "-id")


def property_waiting_on(user):
    """Return the open property whose next step is ``user``'s, in one query (for "my work")."""
    from django.db.models import Q

    State = CustomerProperty.State
    mine = (
        Q(state=State.IN_CUSTODY, custodian=user)
        | Q(state=State.IN_CUSTODY, custodian__isnull=True, received_by=user)
        | Q(state=State.LOST, reported_at__isnull=True, loss_recorded_by=user)
        | (Q(state=State.RETURNED) | Q(state=State.LOST, reported_at__isnull=False)) & Q(received_by=user)
    )
    return property_rows(property_visible_to(user).filter(mine)).order_by("received_at", "id")
