"""Reads of the campaign pages; every figure is over the responses the user may see."""

from decimal import Decimal

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, CustomerTier

from ..models import Campaign, Response

STATUSES = {
    "not_invited": _("Not invited"),
    "invited": _("Invited"),
    "reminded": _("Reminded"),
    "in_progress": _("Started, not submitted"),
    "submitted": _("Submitted"),
}
_STATUS_Q = {
    "submitted": Q(submitted_at__isnull=False),
    "in_progress": Q(submitted_at__isnull=True, started_at__isnull=False),
    "reminded": Q(submitted_at__isnull=True, started_at__isnull=True, reminded_at__isnull=False),
    "invited": Q(
        submitted_at__isnull=True, started_at__isnull=True, reminded_at__isnull=True, invited_at__isnull=False
    ),
    "not_invited": Q(submitted_at__isnull=True, started_at__isnull=True, invited_at__isnull=True),
}


def response_status(response: Response) -> str:
    """Return the status code of a response as staff read it (see STATUSES)."""
    if response.submitted_at:
        return "submitted"
    if response.started_at:
        return "in_progress"
    if response.reminded_at:
        return "reminded"
    return "invited" if response.invited_at else "not_invited"


def campaign_list(*, user):
    """Return every campaign with its sampled, invited and answered counts (visible responses only)."""
    visible = Q(responses__in=Response.objects.visible_to(user).values("pk"))
    return Campaign.objects.select_related("questionnaire").annotate(
        sampled=Count("responses", filter=visible),
        invited=Count("responses", filter=visible & Q(responses__invited_at__isnull=False)),
        answered=Count("responses", filter=visible & Q(responses__submitted_at__isnull=False)),
    )


def campaign_get(*, user, pk: int) -> Campaign:
    return get_object_or_404(campaign_list(user=user), pk=pk)


def sampling_table(*, user, campaign: Campaign) -> list[dict]:
    """Return per tier: active customers, ratio, sampled, answered and the response rate."""
    customers = dict(
        Customer.objects.visible_to(user).filter(is_active=True).values_list("tier").annotate(n=Count("pk"))
    )
    responses = {
        row["tier"]: row
        for row in Response.objects.visible_to(user)
        .filter(campaign=campaign)
        .values("tier")
        .annotate(
            sampled=Count("pk"),
            answered=Count("pk", filter=Q(submitted_at__isnull=False)),
            no_email=Count("pk", filter=Q(contact__isnull=True) | Q(contact__email="")),
        )
        .order_by()
    }
    rows = []
    for tier in CustomerTier.objects.order_by("code"):
        found = responses.get(tier.code, {})
        sampled, answered = found.get("sampled", 0), found.get("answered", 0)
        rows.append(
            {
                "tier": tier,
                "ratio": campaign.sampling.get(tier.code),
                "percent": _percent(campaign.sampling.get(tier.code)),
                "customers": customers.get(tier.code, 0),
                "sampled": sampled,
                "answered": answered,
                "no_email": found.get("no_email", 0),
                "rate": round(100 * answered / sampled) if sampled else None,
            }
        )
    return rows


def _percent(ratio) -> str | None:
    """Return a stored ratio ("0.50") as the share people read ("50 %")."""
    return None if ratio in (None, "") else f"{Decimal(str(ratio)) * 100:.0f} %"


def campaign_responses(*, user, campaign: Campaign, status: str = "", tier: str = ""):
    """Return the visible responses of ``campaign``, in customer-code order (the order of their ids)."""
    rows = Response.objects.visible_to(user).filter(campaign=campaign).select_related("customer", "contact")
    if status in _STATUS_Q:
        rows = rows.filter(_STATUS_Q[status])
    if tier:
        rows = rows.filter(tier=tier)
    return rows.order_by("pk")


def work_campaigns(user) -> dict:
    """Campaigns waiting on the quality group: drafts past their opening date, closed ones to conclude."""
    if not user.has_perm("surveys.change_campaign"):
        return {}
    today = timezone.localdate()
    late = Campaign.objects.filter(state=Campaign.State.DRAFT, opens_on__lte=today).order_by("opens_on", "pk")
    closed = Campaign.objects.filter(state=Campaign.State.CLOSED).order_by("closes_on", "pk")
    return {"late_drafts": list(late[:20]), "to_conclude": list(closed[:20])}
