"""The service-level sweeper: each alert is claimed in the database, then sent.

Two sweepers running at once, or a rerun after a crash, cannot send an alert twice:
only the sweeper that finds the flag still empty sets it, and the database decides
which one that is (Healthchecks' ``sendalerts`` does the same). In PostgreSQL a batch
is claimed at once: the due rows are locked, so a second sweeper waits and then finds
them flagged; elsewhere each row is claimed by its own conditional UPDATE.
"""

from dataclasses import dataclass

from django.db import connection, transaction
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
    """Claim and queue every alert that has fallen due; return the count sent per kind."""
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
        sent[alert.kind] = _claim_and_queue(alert, list(due), now)
    return sent


def _claim(alert: Alert, pks: list[int], now) -> list[int]:
    """Set the alert's flag on those of ``pks`` still unflagged; return the ones this call set."""
    pending = Complaint.objects.filter(_OPEN, alert.pending, pk__in=pks, **{f"{alert.flag}__isnull": True})
    if connection.features.has_select_for_update:
        # Locked in primary-key order; a concurrent sweeper re-checks the flag after the wait.
        claimed = list(pending.order_by("pk").select_for_update().values_list("pk", flat=True))
        Complaint.objects.filter(pk__in=claimed).update(**{alert.flag: now})
        return claimed
    return [pk for pk in pks if pending.filter(pk=pk).update(**{alert.flag: now})]


def _claim_and_queue(alert: Alert, pks: list[int], now) -> int:
    from .tasks import send_complaint_email

    if not pks:
        return 0
    with transaction.atomic():
        claimed = _claim(alert, pks, now)
        superseded = set()
        if alert.superseded_by and claimed:
            # Flagged, but once the deadline itself has passed the breach alert says it better.
            superseded = set(
                Complaint.objects.filter(pk__in=claimed, **{f"{alert.superseded_by}__lte": now}).values_list(
                    "pk", flat=True
                )
            )
        send = [pk for pk in claimed if pk not in superseded]
        ComplaintEvent.objects.bulk_create(
            ComplaintEvent(complaint_id=pk, action=ComplaintEvent.Action.ALERT, at=now, note=alert.kind) for pk in send
        )
        for pk in send:
            send_complaint_email.delay_on_commit(alert.kind, pk)
    return len(send)
