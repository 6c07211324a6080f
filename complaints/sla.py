"""The service-level sweeper: each alert is claimed in the database with its outbox message.

Two sweepers running at once, or a rerun after a crash, cannot send an alert twice:
only the sweeper that finds the flag still empty sets it, and the database decides
which one that is (Healthchecks' ``sendalerts`` does the same). The claim and its
outbox row commit together, so a crash cannot leave an alert marked but never sent.
In PostgreSQL a batch is claimed at once: the due rows are locked, so a second sweeper
waits and then finds them flagged; elsewhere each row is claimed by its own UPDATE.
"""

import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from aftersales import outbox

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


def sweep(now=None, *, budget_seconds: float = 45.0) -> dict[str, int]:
    """Claim every alert that has fallen due and write it to the outbox; return the count per kind.

    Works through the due rows in batches, each claimed and written in one transaction,
    until none is left or the time budget is spent (the next minute's sweep goes on), so
    a burst of breaches is announced within the minute it fell due.
    """
    now = now or timezone.now()
    started = time.monotonic()
    sent = {alert.kind: 0 for alert in ALERTS}
    for alert in ALERTS:
        while time.monotonic() - started < budget_seconds:
            due = list(
                Complaint.objects.filter(
                    _OPEN, alert.pending, **{f"{alert.flag}__isnull": True, f"{alert.moment}__lte": now}
                )
                .order_by(alert.moment)
                .values_list("pk", flat=True)[:BATCH]
            )
            if not due:
                break
            sent[alert.kind] += _claim_and_write(alert, due, now)
    return sent


def _claim(alert: Alert, pks: list[int], now) -> list[tuple[int, object]]:
    """Set the alert's flag on those of ``pks`` still unflagged; return (pk, deadline) of the ones this call set."""
    pending = Complaint.objects.filter(_OPEN, alert.pending, pk__in=pks, **{f"{alert.flag}__isnull": True})
    if connection.features.has_select_for_update:
        # Locked in primary-key order; a concurrent sweeper re-checks the flag after the wait.
        claimed = list(pending.order_by("pk").select_for_update().values_list("pk", alert.moment))
        Complaint.objects.filter(pk__in=[pk for pk, _moment in claimed]).update(**{alert.flag: now})
        return claimed
    moments = dict(pending.values_list("pk", alert.moment))
    return [(pk, moments[pk]) for pk in pks if pk in moments and pending.filter(pk=pk).update(**{alert.flag: now})]


def _claim_and_write(alert: Alert, pks: list[int], now) -> int:
    with transaction.atomic():
        claimed = _claim(alert, pks, now)
        superseded = set()
        if alert.superseded_by and claimed:
            # Flagged, but once the deadline itself has passed the breach alert says it better.
            superseded = set(
                Complaint.objects.filter(
                    pk__in=[pk for pk, _m in claimed], **{f"{alert.superseded_by}__lte": now}
                ).values_list("pk", flat=True)
            )
        send = [(pk, moment) for pk, moment in claimed if pk not in superseded]
        ComplaintEvent.objects.bulk_create(
            ComplaintEvent(complaint_id=pk, action=ComplaintEvent.Action.ALERT, at=now, note=alert.kind)
            for pk, _m in send
        )
        # The claim and its message commit together: a claim without its message cannot exist.
        # The key names the deadline, so a complaint reopened with a new deadline is alerted anew.
        outbox.enqueue_many(
            (f"complaints.{alert.kind}", pk, f"complaints.{alert.kind}:{pk}:{moment.isoformat()}", {})
            for pk, moment in send
        )
    return len(send)
