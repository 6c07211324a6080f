"""The sources of the unit history (``servicing.history``) that service work knows of.

Each reads its rows for one serial number with one query, scoped to the user: sales see
only the records of their own customers, even where another page would show them more
(a quality sheet they reach through a linked complaint of theirs stays out when it is of
another salesperson's customer).
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from complaints.models import Complaint
from customers.models import Delivery
from quality.models import QualitySheet

from .history import HistoryEntry
from .selectors import follow_ups_visible_to, property_visible_to, returns_visible_to, visits_visible_to


def _serials(serial: str) -> set[str]:
    return {serial, serial.upper()}


def _sees_every_customer(user) -> bool:
    return user.has_perm("complaints.view_all_complaints") or user.has_perm("customers.view_all_customers")


def deliveries(user, serial):
    if not user.has_perm("customers.view_delivery"):
        return []
    rows = Delivery.objects.filter(serial_number__in=_serials(serial)).select_related("customer", "product_model")
    if not user.has_perm("customers.view_all_customers"):
        rows = rows.filter(customer__salesperson=user)
    return [
        HistoryEntry(
            when=row.delivery_date,
            kind=_("Delivery"),
            title=f"{row.product_model.code} · {row.customer.name}",
            detail=_("warranty until %(date)s") % {"date": f"{row.warranty_end:%Y-%m-%d}"},
            url=row.customer.get_absolute_url(),
        )
        for row in rows
    ]


def complaints(user, serial):
    rows = Complaint.objects.visible_to(user).filter(serial_number__in=_serials(serial)).select_related("customer")
    return [
        HistoryEntry(
            when=row.received_at,
            kind=_("Complaint"),
            title=f"{row.number} {row.title}",
            detail=row.get_state_display(),
            url=row.get_absolute_url(),
        )
        for row in rows
    ]


def visits(user, serial):
    rows = visits_visible_to(user).filter(complaint__serial_number__in=_serials(serial)).select_related("complaint")
    return [
        HistoryEntry(
            when=row.actual_start or row.planned_start,
            kind=_("Service visit"),
            title=f"{row.complaint.number} · {row.place}",
            detail=row.get_result_display(),
            url=row.get_absolute_url(),
        )
        for row in rows
    ]


def returns(user, serial):
    rows = returns_visible_to(user).filter(serial_number__in=_serials(serial))
    rows = rows.select_related("product_model", "customer")
    url = reverse("servicing:return_list")
    return [
        HistoryEntry(
            when=row.requested_on,
            kind=_("Return"),
            title=f"{row.product_model.code} ×{row.quantity} · {row.reason[:60]}",
            detail=f"{row.get_decision_display()} · {row.get_outcome_display()}",
            url=f"{url}?customer={row.customer.code}",
        )
        for row in rows
    ]


def follow_ups(user, serial):
    rows = follow_ups_visible_to(user).filter(complaint__serial_number__in=_serials(serial)).select_related("complaint")
    return [
        HistoryEntry(
            when=row.called_at,
            kind=_("Follow-up call"),
            title=row.complaint.number,
            detail=f"{row.satisfaction}/5",
            url=row.complaint.get_absolute_url(),
        )
        for row in rows
    ]


def quality_sheets(user, serial):
    if not user.has_perm("quality.view_qualitysheet"):
        return []
    serials = _serials(serial)
    matching = QualitySheet.objects.filter(
        Q(serial_number__in=serials) | Q(complaint_links__complaint__serial_number__in=serials)
    ).values("pk")
    rows = QualitySheet.objects.visible_to(user).filter(pk__in=matching)
    if not _sees_every_customer(user):
        rows = rows.filter(customer__salesperson=user)
    return [
        HistoryEntry(
            when=row.raised_at,
            kind=_("Quality information sheet"),
            title=f"{row.number} {row.title}",
            detail=row.get_state_display(),
            url=row.get_absolute_url(),
        )
        for row in rows
    ]


def customer_property(user, serial):
    rows = property_visible_to(user).filter(serial_number__in=_serials(serial))
    return [
        HistoryEntry(
            when=row.received_at,
            kind=_("Customer property"),
            title=f"{row.number} {row.description[:60]}",
            detail=f"{row.get_state_display()} · {row.storage_place}",
            url=row.get_absolute_url(),
        )
        for row in rows
    ]


SOURCES = [deliveries, complaints, visits, returns, follow_ups, quality_sheets, customer_property]
