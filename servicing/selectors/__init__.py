"""Reads for the pages around a complaint: visits, returns, follow-up calls, the knowledge base.

Every list starts from a ``*_visible_to(user)`` helper. Sales staff see only the records
of their own customers; whoever holds ``complaints.view_all_complaints`` sees them all.
A record the user may not see is simply not in the queryset, so a lookup of it is a 404.
"""

import datetime
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from complaints.models import Complaint
from customers.models import Customer, Delivery, ProductModel
from customers.selectors import paginate  # noqa: F401  (the lists of service work page by keyset)

from ..forms import CaseFilter, FollowUpFilter, ReturnFilter, VisitFilter, day_bounds
from ..models import CaseSummary, ClaimCost, CommissioningReport, FollowUp, Quote, ReturnRecord, ServiceVisit

LIST_PAGE_SIZE = 50
TAB_PAGE_SIZE = 20
EXPORT_CHUNK = 500


def _scoped(queryset, user, customer_path: str, perm: str):
    """Return ``queryset`` cut down to what ``user`` may see, given the path to the customer."""
    if not user.is_authenticated or not user.has_perm(perm):
        return queryset.none()
    if user.has_perm("complaints.view_all_complaints"):
        return queryset
    return queryset.filter(**{f"{customer_path}__salesperson": user})


def visits_visible_to(user):
    return _scoped(ServiceVisit.objects.all(), user, "customer", "servicing.view_servicevisit")


def returns_visible_to(user):
    return _scoped(ReturnRecord.objects.all(), user, "customer", "servicing.view_returnrecord")


def follow_ups_visible_to(user):
    return _scoped(FollowUp.objects.all(), user, "complaint__customer", "servicing.view_followup")


def cases_visible_to(user):
    return _scoped(CaseSummary.objects.all(), user, "complaint__customer", "servicing.view_casesummary")


def complaint_get(*, user, number: str) -> Complaint:
    """Return the complaint numbered ``number`` if the user may see it, else 404."""
    return get_object_or_404(Complaint.objects.visible_to(user).select_related("customer"), number=number)


def complaint_for_customer(*, user, number: str, customer=None) -> Complaint | None:
    """Return the visible complaint numbered ``number`` (of ``customer`` if given), or None."""
    complaints = Complaint.objects.visible_to(user).select_related("customer", "product_model")
    if customer is not None:
        complaints = complaints.filter(customer=customer)
    return complaints.filter(number=number.strip().upper()).first()


# --- visits -------------------------------------------------------------------


def visit_rows(queryset):
    return queryset.select_related("customer", "engineer", "complaint")


def visit_list(*, user, params):
    """Return the filter (for the form) and the visits the user may see, filtered."""
    visit_filter = VisitFilter(params, queryset=visits_visible_to(user), user=user)
    return visit_filter, visit_rows(visit_filter.qs)


def visit_get(*, user, pk: int) -> ServiceVisit:
    rows = visit_rows(visits_visible_to(user)).select_related(
        "dispatched_by", "internal_accepted_by", "delivery__product_model"
    )
    return get_object_or_404(rows, pk=pk)


# --- returns ------------------------------------------------------------------


def return_rows(queryset):
    return queryset.select_related("customer", "product_model", "complaint", "recorded_by")


def return_list(*, user, params):
    return_filter = ReturnFilter(params, queryset=returns_visible_to(user))
    return return_filter, return_rows(return_filter.qs)


def return_get(*, user, pk: int) -> ReturnRecord:
    return get_object_or_404(return_rows(returns_visible_to(user)), pk=pk)


def return_export_rows(*, user, params):
    """Yield the filtered returns one by one, fetched in chunks, for a streamed export."""
    _filter, rows = return_list(user=user, params=params)
    return rows.iterator(chunk_size=EXPORT_CHUNK)


# --- follow-up calls ----------------------------------------------------------


def follow_up_list(*, user, params):
    follow_up_filter = FollowUpFilter(params, queryset=follow_ups_visible_to(user))
    return follow_up_filter, follow_up_filter.qs.select_related("complaint", "complaint__customer", "called_by")


def satisfaction_summary(queryset) -> dict:
    """Return the count, the mean satisfaction and the unsatisfied calls, computed in SQL."""
    return queryset.aggregate(
        count=Count("pk"),
        average=Avg("satisfaction"),
        unsatisfied=Count("pk", filter=Q(satisfaction__lt=FollowUp.UNSATISFIED_BELOW)),
        reopened=Count("pk", filter=Q(reopened=True)),
    )


def attitude_by_engineer(queryset) -> list[dict]:
    """Return the mean service attitude per engineer over ``queryset``, computed in SQL.

    The engineer rated is the complaint's assignee: the one who handled the case and spoke
    with the customer, whether or not a visit was made (a case may have several visits or none).
    Calls logged before attitude was asked (null) are left out.
    """
    return list(
        queryset.filter(attitude__isnull=False, complaint__assignee__isnull=False)
        .values(
            "complaint__assignee",
            "complaint__assignee__username",
            "complaint__assignee__last_name",
            "complaint__assignee__first_name",
        )
        .annotate(calls=Count("pk"), average=Avg("attitude"))
        .order_by("-average", "complaint__assignee__username")
    )


# --- knowledge base -----------------------------------------------------------


def case_rows(queryset):
    return queryset.select_related("complaint", "complaint__customer", "product_model", "written_by")


def case_list(*, user, params):
    case_filter = CaseFilter(params, queryset=cases_visible_to(user))
    return case_filter, case_rows(case_filter.qs)


def case_get(*, user, pk: int) -> CaseSummary:
    return get_object_or_404(case_rows(cases_visible_to(user)), pk=pk)


# --- customer tabs ------------------------------------------------------------


def customer_visits(*, user, customer):
    return visit_rows(visits_visible_to(user).filter(customer=customer))


def customer_returns(*, user, customer):
    return return_rows(returns_visible_to(user).filter(customer=customer))


# --- service plans ------------------------------------------------------------

from .plans import (  # noqa: E402, F401
    ON_TIME_DAYS,
    complaint_finding,
    engineer_rates,
    my_planned_visits,
    plan_get,
    plan_list,
    plan_visits,
    plans_visible_to,
    visit_findings,
)

# --- customer property (its own module) ---------------------------------------
from .property import customer_property as customer_property  # noqa: E402
from .property import property_get as property_get  # noqa: E402
from .property import property_list as property_list  # noqa: E402
from .property import property_movements as property_movements  # noqa: E402
from .property import property_rows as property_rows  # noqa: E402
from .property import property_visible_to as property_visible_to  # noqa: E402
from .property import property_waiting_on as property_waiting_on  # noqa: E402

# --- installation and commissioning -------------------------------------------


def commissioning_reports_visible_to(user):
    return _scoped(CommissioningReport.objects.all(), user, "visit__customer", "servicing.view_commissioningreport")


def commissioning_rows(queryset):
    return queryset.select_related("visit__customer", "visit__engineer", "visit__delivery__product_model")


def commissioning_list(*, user):
    return commissioning_rows(commissioning_reports_visible_to(user))


def commissioning_get(*, user, pk: int) -> CommissioningReport:
    rows = commissioning_rows(commissioning_reports_visible_to(user)).select_related(
        "signed_by", "created_by", "acceptance_recorded_by"
    )
    return get_object_or_404(rows, pk=pk)


def commissioning_for_visit(*, user, visit) -> CommissioningReport | None:
    """Return the report of ``visit`` with its lines (two queries), or None."""
    report = commissioning_reports_visible_to(user).select_related("signed_by").filter(visit=visit).first()
    if report is not None:
        report.visit = visit
        report.line_list = list(report.lines.all())
    return report


def checklists():
    """Return the product models with the item count of their checklist (one query)."""
    return ProductModel.objects.annotate(
        item_count=Count("commissioning_checklist__items"),
    ).order_by("-is_active", "code")


def delivery_get(*, user, pk: int):
    return get_object_or_404(deliveries_visible_to(user).select_related("customer", "product_model"), pk=pk)


def deliveries_visible_to(user):
    return Delivery.objects.filter(customer__in=Customer.objects.visible_to(user))


# --- repair quotes and claim costs ----------------------------------------------


def quotes_visible_to(user):
    return _scoped(Quote.objects.all(), user, "complaint__customer", "servicing.view_quote")


def costs_visible_to(user):
    return _scoped(ClaimCost.objects.all(), user, "complaint__customer", "servicing.view_claimcost")


def quote_get(*, user, pk: int) -> Quote:
    rows = quotes_visible_to(user).select_related(
        "complaint__customer",
        "complaint__contact",
        "complaint__product_model",
        "created_by",
        "sent_by",
        "answer_recorded_by",
    )
    return get_object_or_404(rows.prefetch_related("lines"), pk=pk)


def cost_list(*, user, month=None):
    """Return the claim costs the user may see, of complaints received in ``month`` when given."""
    rows = costs_visible_to(user).select_related("complaint", "complaint__customer", "updated_by")
    if month is not None:
        following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        low, high = day_bounds(month, following - datetime.timedelta(days=1))
        rows = rows.filter(complaint__received_at__gte=low, complaint__received_at__lt=high)
    return rows.order_by("-created_at", "-id")


def cost_totals(queryset) -> dict:
    """Return the count and the sums of the claim costs, computed in SQL."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
    sums = {name: Coalesce(Sum(name), zero) for name in ("parts", "labour", "travel", "other", "total")}
    return queryset.order_by().aggregate(count=Count("pk"), hours=Coalesce(Sum("labour_hours"), zero), **sums)
