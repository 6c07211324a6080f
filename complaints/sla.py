"""The service-level sweeper: each alert is claimed by a conditional update, then sent.

Two sweepers running at once, or a rerun after a crash, cannot send an alert twice:
only the UPDATE that finds the flag still empty changes a row, and the database
decides which one that is (Healthchecks' ``sendalerts`` does the same).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import Complaint, ComplaintEvent

BATCH = 500


@dataclass(frozen=True)
class Alert:
    kind: str
    flag: str
    moment: str
    pending: Q
    superseded_by: str = ""  # an at-risk alert is pointless once this deadline has passed


_OPEN = Q(state__in=Complaint.OPEN_STATES, paused_since__isnull=True)
ALERTS = [
    Alert(
        "response_at_risk",
        "response_risk_notified_at",
        "first_response_risk_at",
        Q(first_responded_at__isnull=True),
        "first_response_due_at",
    ),
    Alert(
        "response_breached", "response_breach_notified_at", "first_response_due_at", Q(first_responded_at__isnull=True)
    ),
    Alert(
        "resolution_at_risk",
        "resolution_risk_notified_at",
        "resolution_risk_at",
        Q(closed_at__isnull=True),
        "resolution_due_at",
    ),
    Alert("resolution_breached", "resolution_breach_notified_at", "resolution_due_at", Q(closed_at__isnull=True)),
]


def sweep(now=None) -> dict[str, int]:
    """Claim and queue every alert that has fallen due; return the count per kind."""
    now = now or timezone.now()
    sent = {}
    for alert in ALERTS:
        due = (
            Complaint.objects.filter(
                _OPEN, alert.pending, **{f"{alert.flag}__isnull": True, f"{alert.moment}__lte": now}
            )
            .order_by(alert.moment)
            .values_list("pk", flat=True)[:BATCH]
        )
        sent[alert.kind] = sum(_claim(alert, pk, now) for pk in list(due))
    return sent


def _claim(alert: Alert, pk: int, now) -> bool:
    from .tasks import send_complaint_email

    with transaction.atomic():
        claimed = Complaint.objects.filter(_OPEN, alert.pending, pk=pk, **{f"{alert.flag}__isnull": True}).update(
            **{alert.flag: now}
        )
        if not claimed:
            return False
        if alert.superseded_by and Complaint.objects.filter(pk=pk, **{f"{alert.superseded_by}__lte": now}).exists():
            return False  # flagged, but the breach alert says it better
        ComplaintEvent.objects.create(complaint_id=pk, action=ComplaintEvent.Action.ALERT, at=now, note=alert.kind)
        send_complaint_email.delay_on_commit(alert.kind, pk)
    return True
