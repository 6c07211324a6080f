"""Service plans: their upkeep, the daily generation of planned visits, the overdue chase, findings."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales import outbox
from complaints.models import Complaint
from complaints.services import complaint_create
from customers.models import Customer
from customers.permissions import can_see as can_see_customer
from quality.services import sheet_raise

from ..models import Finding, ServicePlan, ServiceVisit, VisitChase

__all__ = [
    "plan_save",
    "plan_pause",
    "plan_resume",
    "plan_end",
    "plan_visits_generate",
    "plan_visits_chase",
    "finding_record",
]

# A planned visit is created this many days before its date, so the engineer can arrange it.
LOOKAHEAD_DAYS = 14
# A date a missed beat skipped (a worker down for a few days) is still generated up to this far back.
CATCH_UP_DAYS = 7
# A planned visit starts at this local hour of its date.
VISIT_HOUR = 9


def _check_scope(actor, plan: ServicePlan) -> None:
    if plan.customer_id and not can_see_customer(actor, plan.customer):
        raise PermissionDenied
    if plan.delivery_id and plan.delivery.customer_id != plan.customer_id:
        raise ValidationError({"delivery": _("The delivered unit belongs to another customer.")})
    if not plan.engineer.has_perm("complaints.handle_complaint"):
        raise ValidationError(
            {"engineer": _("%(name)s is not an after-sales engineer.") % {"name": plan.engineer}}, code="engineer"
        )


@transaction.atomic
def plan_save(*, actor, plan: ServicePlan | None = None, **data) -> ServicePlan:
    """Create a service plan or change it; dates already generated keep their visits."""
    adding = plan is None
    if not actor.has_perm("servicing.add_serviceplan" if adding else "servicing.change_serviceplan"):
        raise PermissionDenied
    if adding:
        plan = ServicePlan(created_by=actor)
    else:
        from ..selectors import plans_visible_to

        if not plans_visible_to(actor).filter(pk=plan.pk).exists():
            raise PermissionDenied
        plan = ServicePlan.objects.select_for_update().get(pk=plan.pk)
    data["region"] = "" if data.get("customer") else data.get("region", "").strip()
    for name, value in data.items():
        setattr(plan, name, value)
    _check_scope(actor, plan)
    plan.full_clean()
    plan.save()
    return plan


def _locked_plan(actor, plan: ServicePlan) -> ServicePlan:
    from ..selectors import plans_visible_to

    if not actor.has_perm("servicing.change_serviceplan") or not plans_visible_to(actor).filter(pk=plan.pk).exists():
        raise PermissionDenied
    return ServicePlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_pause(*, actor, plan: ServicePlan) -> ServicePlan:
    """Stop generating visits until the plan is resumed; visits already planned stay."""
    plan = _locked_plan(actor, plan)
    plan.active = False
    plan.save(update_fields=["active", "updated_at"])
    return plan


@transaction.atomic
def plan_resume(*, actor, plan: ServicePlan) -> ServicePlan:
    plan = _locked_plan(actor, plan)
    if plan.end_date and plan.end_date < timezone.localdate():
        raise ValidationError(_("This plan has ended; change its end date to resume it."), code="ended")
    plan.active = True
    plan.save(update_fields=["active", "updated_at"])
    return plan


@transaction.atomic
def plan_end(*, actor, plan: ServicePlan, end_date: datetime.date | None = None) -> ServicePlan:
    """End the plan on ``end_date`` (today by default): no date after it is generated."""
    plan = _locked_plan(actor, plan)
    end_date = end_date or timezone.localdate()
    if end_date < plan.first_date:
        raise ValidationError(_("A plan cannot end before its first date."), code="end_date")
    plan.end_date = end_date
    plan.save(update_fields=["end_date", "updated_at"])
    return plan


# --- the daily generation --------------------------------------------------------------


def _customers_of(plan: ServicePlan) -> list[Customer]:
    """Return who is visited: the plan's customer, or every customer of its region (one visit each)."""
    if plan.customer_id:
        return [plan.customer]
    return list(Customer.objects.filter(region=plan.region).order_by("pk"))


def _visit_for(plan: ServicePlan, customer: Customer, day: datetime.date) -> ServiceVisit:
    start = datetime.datetime.combine(day, datetime.time(VISIT_HOUR), tzinfo=timezone.get_current_timezone())
    place = customer.address
    if plan.delivery_id:
        place = f"{place} ({plan.delivery.serial_number})".strip()
    return ServiceVisit(
        plan=plan,
        occurrence=day,
        customer=customer,
        engineer=plan.engineer,
        dispatched_by=plan.created_by,
        purpose=plan.kind,
        planned_start=start,
        place=place[:200],
    )


def _create_once(visit: ServiceVisit) -> bool:
    """Insert the visit unless its (plan, customer, date) exists; True when this call created it.

    The savepoint lets a losing insert fail alone: on PostgreSQL a second beat's insert waits on
    the first one's unique-index entry and fails once that commits, so only one visit is made.
    """
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        return False
    return True


def plan_visits_generate(*, today: datetime.date | None = None) -> int:
    """Create the planned visits of every active plan due within the look-ahead; return how many were new."""
    today = today or timezone.localdate()
    first, last = today - datetime.timedelta(days=CATCH_UP_DAYS), today + datetime.timedelta(days=LOOKAHEAD_DAYS)
    plans = ServicePlan.objects.filter(active=True, first_date__lte=last).exclude(end_date__lt=first)
    created = 0
    for plan in plans.select_related("customer", "delivery", "engineer", "created_by"):
        existing = set(plan.visits.filter(occurrence__gte=first).values_list("customer_id", "occurrence"))
        for day in plan.occurrences(first, last):
            for customer in _customers_of(plan):
                if (customer.pk, day) not in existing:
                    created += _create_once(_visit_for(plan, customer, day))
    return created


# --- the daily chase of overdue planned visits -------------------------------------------


def overdue_plan_visits(now=None):
    return ServiceVisit.objects.filter(
        plan__isnull=False, actual_end__isnull=True, planned_start__lt=now or timezone.now()
    )


def plan_visits_chase(*, now=None) -> int:
    """Remind the engineer (and the after-sales manager) of each overdue planned visit, once a day.

    Each reminder claims its (visit, day) row and writes its outbox message in the same
    transaction: a rerun or a second worker fails on the unique row and sends nothing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for pk in overdue_plan_visits(now).order_by("pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                VisitChase.objects.create(visit_id=pk, sent_on=today)
                outbox.enqueue(
                    "servicing.visit_overdue", pk, key=f"servicing.visit_overdue:{pk}:{today}", kick_after=False
                )
        except IntegrityError:
            continue
        sent += 1
    if sent:
        outbox.kick()
    return sent


# --- findings ----------------------------------------------------------------------------


@transaction.atomic
def finding_record(*, actor, visit: ServiceVisit, opens: str, title: str, description: str, severity: str) -> Finding:
    """Record what an inspection found and open a complaint or a quality sheet for it, at once."""
    from ..selectors import visits_visible_to

    if not actor.has_perm("servicing.add_finding") or not visits_visible_to(actor).filter(pk=visit.pk).exists():
        raise PermissionDenied
    rows = ServiceVisit.objects.select_for_update(of=("self",)).select_related("customer", "plan__delivery")
    visit = rows.get(pk=visit.pk)
    if visit.plan_id is None:
        raise ValidationError(_("Findings are recorded on the visits of a service plan."), code="plan")
    delivery = visit.plan.delivery
    finding = Finding(visit=visit, description=description, severity=severity, recorded_by=actor)
    finding.serial_number = delivery.serial_number if delivery else ""
    text = _("Found on the %(kind)s of %(date)s (plan %(plan)s):\n%(description)s") % {
        "kind": visit.get_purpose_display(),
        "date": f"{visit.occurrence:%Y-%m-%d}",
        "plan": visit.plan.name,
        "description": description,
    }
    if opens == Finding.Opens.COMPLAINT:
        if not actor.has_perm("complaints.add_complaint"):
            raise PermissionDenied
        finding.complaint = complaint_create(
            actor=actor,
            customer=visit.customer,
            channel=Complaint.Channel.VISIT,
            severity=severity,
            title=title,
            description=text,
            delivery=delivery,
        )
    elif opens == Finding.Opens.SHEET:
        if not actor.has_perm("quality.raise_qualitysheet"):
            raise PermissionDenied
        unit = {}
        if delivery is not None:
            unit = {
                "product_model": delivery.product_model,
                "batch_number": delivery.batch_number,
                "serial_number": delivery.serial_number,
            }
        finding.sheet = sheet_raise(
            actor=actor, customer=visit.customer, title=title, description=text, severity=severity, **unit
        )
    else:
        raise ValidationError(_("Choose whether the finding opens a complaint or a quality sheet."), code="opens")
    finding.full_clean()
    finding.save()
    return finding
