"""Reads of service plans: who sees which plan, their visits, completion rates in SQL."""

import datetime

from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from customers.models import Customer

from ..models import Finding, ServicePlan, ServiceVisit

# A planned visit finished within this many days after its date counts as on time.
ON_TIME_DAYS = 7
MY_WORK_LIMIT = 20


def plans_visible_to(user):
    """Return the plans ``user`` may see: sales, those of their customers and of their customers' regions."""
    plans = ServicePlan.objects.all()
    if not user.is_authenticated or not user.has_perm("servicing.view_serviceplan"):
        return plans.none()
    if user.has_perm("complaints.view_all_complaints"):
        return plans
    regions = Customer.objects.filter(salesperson=user).exclude(region="").values("region")
    return plans.filter(Q(customer__salesperson=user) | Q(customer__isnull=True, region__in=regions))


def _visits_of_plans(user, prefix: str = "") -> Q:
    """Return the condition on (``prefix``) visits that ``user`` may see: sales, their customers' only."""
    if user.has_perm("complaints.view_all_complaints"):
        return Q()
    return Q(**{f"{prefix}customer__salesperson": user})


def _rate_counts(prefix: str, scope: Q, today: datetime.date, now) -> dict:
    """Return the Count annotations of completion over the visits at ``prefix`` within ``scope``."""
    done = Q(**{f"{prefix}actual_end__isnull": False})
    due = scope & (Q(**{f"{prefix}occurrence__lte": today}) | done)
    late_after = F(f"{prefix}occurrence") + datetime.timedelta(days=ON_TIME_DAYS)
    on_time = Q(**{f"{prefix}actual_end__date__lte": late_after})
    pk = f"{prefix}pk" if prefix else "pk"
    return {
        "due_count": Count(pk, filter=due),
        "done_count": Count(pk, filter=due & done),
        "on_time_count": Count(pk, filter=due & done & on_time),
        "late_count": Count(pk, filter=due & done & ~on_time),
        "overdue_count": Count(
            pk, filter=scope & Q(**{f"{prefix}actual_end__isnull": True, f"{prefix}planned_start__lt": now})
        ),
    }


def _with_rates(rows) -> list:
    rows = list(rows)
    for row in rows:
        get = row.get if isinstance(row, dict) else row.__dict__.get
        due, done = get("due_count") or 0, get("done_count") or 0
        rate = round(100 * done / due) if due else None
        if isinstance(row, dict):
            row["rate"] = rate
        else:
            row.rate = rate
    return rows


def plan_list(*, user, params=None, now=None):
    """Return the plans the user may see with their completion counts (one query)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = plans_visible_to(user).select_related("customer", "delivery", "engineer")
    state = (params or {}).get("state", "")
    if state == "active":
        rows = rows.filter(active=True).exclude(end_date__lt=today)
    elif state == "stopped":
        rows = rows.filter(Q(active=False) | Q(end_date__lt=today))
    return rows.annotate(**_rate_counts("visits__", _visits_of_plans(user, "visits__"), today, now))


def engineer_rates(*, user, now=None) -> list[dict]:
    """Return each engineer's planned visits due so far, done, on time and late (one query)."""
    now = now or timezone.now()
    from . import visits_visible_to

    visits = visits_visible_to(user).filter(plan__isnull=False)
    rows = (
        visits.values("engineer", "engineer__username", "engineer__last_name", "engineer__first_name")
        .annotate(**_rate_counts("", Q(), timezone.localdate(now), now))
        .order_by("engineer__username")
    )
    rows = _with_rates(rows)
    for row in rows:
        name = f"{row['engineer__last_name']}{row['engineer__first_name']}".strip()
        row["name"] = name or row["engineer__username"]
    return rows


def plan_get(*, user, pk: int) -> ServicePlan:
    rows = plan_list(user=user).select_related("created_by")
    return get_object_or_404(rows, pk=pk)


def plan_visits(*, user, plan: ServicePlan):
    """Return the plan's generated visits the user may see, the latest date first, with their findings."""
    from . import visits_visible_to

    return (
        visits_visible_to(user)
        .filter(plan=plan)
        .select_related("customer", "engineer")
        .annotate(finding_count=Count("findings"))
        .order_by("-occurrence", "-pk")
    )


def visit_findings(*, user, visit: ServiceVisit) -> list[Finding]:
    """Return the findings of a visit the user already sees, with what each opened."""
    if not user.has_perm("servicing.view_finding"):
        return []
    return list(visit.findings.select_related("complaint", "sheet", "recorded_by"))


def my_planned_visits(*, user, now=None) -> list[ServiceVisit]:
    """Return the planned visits waiting on ``user`` (the engineer): not done, the earliest first."""
    from . import visits_visible_to

    now = now or timezone.now()
    soon = now + datetime.timedelta(days=14)
    rows = (
        visits_visible_to(user)
        .filter(engineer=user, plan__isnull=False, actual_end__isnull=True, planned_start__lte=soon)
        .select_related("customer", "plan")
        .order_by("planned_start", "pk")
    )
    return list(rows[:MY_WORK_LIMIT])


def complaint_finding(*, complaint) -> Finding | None:
    """Return the inspection finding that opened ``complaint``, if any (one query)."""
    return Finding.objects.filter(complaint=complaint).select_related("visit__plan", "visit__engineer").first()
