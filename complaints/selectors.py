"""Reads for the complaint pages, scoped to what the user may see."""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.shortcuts import get_object_or_404
from django.utils import timezone

# Long lists page by keyset (a page after the first starts where the last ended): aftersales.keyset.
from aftersales.keyset import paginate  # noqa: F401

from .filters import ComplaintFilter
from .models import Complaint, Severity

PAGE_SIZE = 50
TAB_PAGE_SIZE = 20
OPEN = Complaint.OPEN_STATES


# The columns a list row shows and its service-level badge reads: a complaint has some
# sixty, and building each row's model from all of them cost more than the query.
LIST_COLUMNS = (
    "number",
    "state",
    "severity",
    "title",
    "received_at",
    "serial_number",
    "batch_number",
    "customer__name",
    "product_model__code",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "first_response_due_at",
    "first_response_risk_at",
    "first_responded_at",
    "resolution_due_at",
    "resolution_risk_at",
    "paused_since",
    "closed_at",
)


def complaint_list(*, user, filters):
    """Return the filter (for the form) and the scoped, filtered complaints, newest first."""
    base = Complaint.objects.visible_to(user).for_list().only(*LIST_COLUMNS)
    complaint_filter = ComplaintFilter(filters, queryset=base, user=user)
    return complaint_filter, complaint_filter.qs


def complaint_get(*, user, number: str) -> Complaint:
    """Return the complaint with everything its detail page shows in one row, or 404."""
    queryset = Complaint.objects.visible_to(user).select_related(
        "customer",
        "customer__salesperson",
        "contact",
        "delivery",
        "product_model",
        "received_by",
        "assignee",
        "manager_approved_by",
        "gm_approved_by",
        "repeat_of",
    )
    return get_object_or_404(queryset, number=number)


@dataclass(frozen=True)
class ComplaintRecords:
    events: list
    attachments: list


def complaint_records(complaint: Complaint) -> ComplaintRecords:
    """Return the rows hanging off a complaint, one query each."""
    return ComplaintRecords(
        events=list(complaint.events.select_related("actor")),
        attachments=list(complaint.attachments.select_related("uploaded_by")),
    )


def _signature_wanted(user) -> Q | None:
    """Return the complaints waiting for this user's approval signature, if they sign any."""
    awaiting = Q(state=Complaint.State.AWAITING_APPROVAL, responsibility=Complaint.Responsibility.CUSTOMER)
    wanted = None
    if user.has_perm("complaints.approve_complaint"):
        wanted = awaiting & Q(manager_approved_at__isnull=True)
    if user.has_perm("complaints.approve_major_complaint"):
        gm = awaiting & Q(severity=Severity.MAJOR, gm_approved_at__isnull=True)
        wanted = gm if wanted is None else wanted | gm
    return wanted


def _my_work_q(user) -> Q:
    """Return the condition of "my work" for this user's roles, among open complaints.

    Handlers get what is assigned to them; managers also what nobody holds yet; those
    who sign approvals what waits for their signature; sales staff, who answer their
    own customers, what still needs the first reply or the closing.
    """
    condition = Q(assignee=user)
    if user.has_perm("complaints.approve_complaint"):
        # Nobody holds it yet. Said as COALESCE(assignee, 0) = 0, the condition has no index of
        # its own: PostgreSQL, which counts few unassigned complaints among a million, would
        # otherwise fetch and sort the whole queue instead of reading it in deadline order off
        # complaint_open_resolution_due and stopping after a page.
        condition |= Q(Exact(Coalesce("assignee", 0), 0))
    signature = _signature_wanted(user)
    if signature is not None:
        condition |= signature
    if user.has_perm("complaints.close_complaint") and not user.has_perm("complaints.handle_complaint"):
        condition |= Q(customer__salesperson=user) & (
            Q(first_responded_at__isnull=True) | Q(state=Complaint.State.RECTIFYING)
        )
    return condition


def _my_work_rows(user):
    # Every branch is of an open complaint, said once: repeated in each branch, PostgreSQL
    # would count its selectivity twice and misjudge the size of the queue.
    return Complaint.objects.visible_to(user).open().filter(_my_work_q(user))


def my_work(*, user, only: str = "", now=None):
    """Return the user's queue of open complaints, the most urgent deadline first.

    ``only`` narrows it to one of the counts of :func:`my_work_counts` (its links).
    """
    rows = _my_work_rows(user)
    part = _queue_parts(user, now or timezone.now()).get(only)
    if part is not None:
        rows = rows.filter(part)
    return rows.for_list().order_by("resolution_due_at", "id")


# The counts of "my work" besides the total; each links to the queue narrowed to it.
QUEUE_COUNTS = ("mine", "unassigned", "to_sign", "at_risk", "breached")


def _queue_parts(user, now) -> dict:
    """Return the condition of each count of the queue that the user has."""
    parts = {"mine": Q(assignee=user), "at_risk": _at_risk(now), "breached": _breached(now)}
    if user.has_perm("complaints.approve_complaint"):
        parts["unassigned"] = Q(assignee__isnull=True)
    signature = _signature_wanted(user)
    if signature is not None:
        parts["to_sign"] = signature
    return parts


def waiting_in_quality(*, user, limit: int = 20) -> list:
    """Return the company-caused complaints an after-sales manager follows while the quality department acts.

    Their approval is the quality information sheet's: nothing waits for the manager, but
    the manager answers for the complaint and the customer, so "my work" shows where it stands.
    """
    if not user.has_perm("complaints.approve_complaint"):
        return []
    rows = (
        Complaint.objects.visible_to(user)
        .filter(state=Complaint.State.AWAITING_APPROVAL, responsibility=Complaint.Responsibility.COMPANY)
        .for_list()
        .order_by("resolution_due_at", "id")
    )
    return list(rows[:limit])


def _breached(now) -> Q:
    return Q(paused_since__isnull=True) & (
        Q(first_responded_at__isnull=True, first_response_due_at__lt=now) | Q(resolution_due_at__lt=now)
    )


def _at_risk(now) -> Q:
    risky = Q(first_responded_at__isnull=True, first_response_risk_at__lte=now) | Q(resolution_risk_at__lte=now)
    return Q(paused_since__isnull=True) & risky & ~_breached(now)


# The counts of "my work" say how much waits up to this many and "more" past it (COUNT_CAP + 1
# comes back, shown as "99+"): each reads at most that many rows, however long the queue.
COUNT_CAP = 99


def my_work_counts(*, user, now=None) -> dict:
    """Count the user's queue for the start page in one query, each count capped (see COUNT_CAP)."""
    now = now or timezone.now()
    rows = _my_work_rows(user).order_by()
    parts = {name: rows.filter(part) for name, part in _queue_parts(user, now).items()}
    # A complaint at risk is not yet due (or has no deadline): saying so lets its count read
    # the few complaints not yet due instead of the whole queue.
    at_risk = parts.pop("at_risk")
    parts["at_risk"] = at_risk.filter(resolution_due_at__gte=now)
    parts["at_risk_undated"] = at_risk.filter(resolution_due_at__isnull=True)
    counts = capped_counts({"total": rows, **parts}, COUNT_CAP)
    counts["at_risk"] = min(counts["at_risk"] + counts.pop("at_risk_undated"), COUNT_CAP + 1)
    return counts


def capped_counts(querysets: dict, cap: int) -> dict:
    """Count each queryset up to ``cap + 1`` rows, all in one query: ``{name: min(count, cap + 1)}``.

    Each count is ``COUNT(*)`` over its rows with a LIMIT, so it stops at the row past the cap
    instead of reading every row that matches.
    """
    if not querysets:
        return {}
    selects, params = [], []
    for n, queryset in enumerate(querysets.values()):
        try:
            sql, part_params = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
        except EmptyResultSet:  # a queryset.none()
            selects.append("0")
            continue
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{n})")
        params.extend(part_params)
    alias = next(iter(querysets.values())).db
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        return dict(zip(querysets, cursor.fetchone(), strict=True))


def customer_complaints(*, user, customer):
    """Return the complaints of one customer for its page's tab, newest first."""
    rows = Complaint.objects.visible_to(user).filter(customer=customer).select_related("assignee", "product_model")
    return rows.only(*(name for name in LIST_COLUMNS if not name.startswith("customer__")))
