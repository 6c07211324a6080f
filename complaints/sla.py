"""The service-level sweeper: each alert is claimed by a row of its own, with its outbox message.

**Claims.** An alert is a :class:`ServiceLevelAlert` row, unique on (complaint, kind,
deadline). A batch of due alerts is inserted with ``ON CONFLICT DO NOTHING``, and only the
rows that were actually inserted are announced (PostgreSQL says which through
``RETURNING``; on SQLite each row is inserted under its own savepoint and a unique-key
error means another sweeper has it). So two sweepers at once, or a rerun after a crash,
never send an alert twice, and the claim, its timeline event and its outbox message
(:func:`aftersales.outbox.enqueue_many`) commit together or not at all. The key names the
deadline: a deadline moved later (a resumed clock) is a new alert.

**The complaint row is left alone by the claim.** The four ``*_notified_at`` columns stay
(tests and the admin read them: "when was this last alerted"), and the claim still sets
them, but they are no longer in any index: the sweeper's partial indexes cover open,
running clocks by deadline, and the complaint table keeps free space on each page
(``fillfactor``), so setting a flag is a HOT update that writes no index entry and leaves
no dead one behind. Before, each claim was a non-HOT update through every index of the
table, and an idle sweep after many alerts walked their dead entries.

**Finding due work** is bounded by what is newly due, not by how many complaints were
alerted before: a :class:`ServiceLevelSweep` row per kind holds the moment up to which
every deadline has been claimed ("swept to"). A sweep reads (a) the deadlines after that
mark and up to now, off the partial index, and (b) running clocks *changed* since the
mark less :data:`CHANGED_LOOKBACK` whose deadline has already passed (a complaint entered
back-dated, reopened, or resumed with its deadline still behind it; the look-back covers
a transaction that saved before the last sweep and committed after it). With no mark yet
(the first sweep) it reads every passed deadline. Either way a complaint whose flag shows
it was alerted at or after its current deadline is skipped, as before.

The two reads are one UNION statement per kind, each half on its own index range.

**Throughput.** Batches of :data:`BATCH` rows, each read after the last one's (deadline,
id), looping per kind until nothing is due (or the time budget is spent; the next
minute's sweep goes on), so a burst of thousands of breaches is written out in one run.
The claims, timeline events and outbox rows of a batch are each one statement.
``bench/sweep.py`` and ``bench/run.py`` (figure 4) measure it on PostgreSQL.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, Value
from django.utils import timezone

from aftersales import outbox
from aftersales.bulk import insert_rows

from .models import Complaint, ComplaintEvent
from .models.complaint import ServiceLevelAlert, ServiceLevelSweep

BATCH = 1000
# Changes saved this long before the last sweep are read again: a request or an import that
# saved a running clock before the last sweep and committed after it is not missed.
CHANGED_LOOKBACK = timedelta(minutes=10)


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
    marks = dict(ServiceLevelSweep.objects.values_list("kind", "swept_to"))
    drained = []
    for alert in ALERTS:
        ways = [
            due.order_by().values_list("pk", alert.moment, "superseded")
            for due in _due(alert, now, marks.get(alert.kind))
        ]
        last = None
        while time.monotonic() - started < budget_seconds:
            # Each batch starts after the last one's (deadline, id): the rows behind it are
            # claimed (by this sweep or another), so they are not read again and a burst costs
            # its size, not its size squared over the batch.
            parts = ways if last is None else [way.filter(_after(alert, *last)) for way in ways]
            # One statement: the two ways after a mark are a UNION, each reading its own index range.
            due = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
            batch = list(due.order_by(alert.moment, "id")[:BATCH])
            if not batch:
                drained.append(alert.kind)
                break
            sent[alert.kind] += _claim_and_write(alert, batch, now)
            last = batch[-1][1], batch[-1][0]
    _advance(drained, now)
    return sent


def _after(alert: Alert, moment, pk) -> Q:
    """The rows after (deadline, id) in the order a sweep reads them."""
    return Q(**{f"{alert.moment}__gt": moment}) | Q(**{alert.moment: moment, "pk__gt": pk})


def _due(alert: Alert, now, mark) -> list:
    """The querysets of the alert's due rows not yet claimed: one, or after a mark two.

    After a mark: the deadlines that fell due since, and the running clocks changed since
    (less the look-back) whose deadline is already behind them. Two queries, not one with
    an OR, so each reads its own index range.
    """
    claimed = ServiceLevelAlert.objects.filter(
        complaint=OuterRef("pk"), kind=alert.kind, deadline=OuterRef(alert.moment)
    )
    due = Complaint.objects.filter(
        _OPEN,
        alert.pending,
        Q(**{f"{alert.flag}__isnull": True}) | Q(**{f"{alert.flag}__lt": F(alert.moment)}),
        ~Exists(claimed),
        **{f"{alert.moment}__lte": now},
    ).annotate(superseded=_superseded(alert, now))
    if mark is None or mark > now:  # the first sweep, or one "in the past" (tests): read everything
        return [due]
    return [due.filter(**{f"{alert.moment}__gt": mark}), due.filter(updated_at__gte=mark - CHANGED_LOOKBACK)]


def _superseded(alert: Alert, now):
    if not alert.superseded_by:
        return Value(False)
    return ExpressionWrapper(Q(**{f"{alert.superseded_by}__lte": now}), output_field=BooleanField())


def _advance(kinds: list[str], now) -> None:
    """Move the marks of the drained ``kinds`` to ``now``, never back (a concurrent sweeper may be later)."""
    if not kinds:
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Losing this write in a crash only means the next sweep reads a little more.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        if ServiceLevelSweep.objects.filter(kind__in=kinds, swept_to__lt=now).update(swept_to=now) == len(kinds):
            return
        missing = set(kinds) - set(ServiceLevelSweep.objects.filter(kind__in=kinds).values_list("kind", flat=True))
        if missing:
            ServiceLevelSweep.objects.bulk_create(
                [ServiceLevelSweep(kind=kind, swept_to=now) for kind in sorted(missing)], ignore_conflicts=True
            )


def _insert_claims(alert: Alert, rows: list[tuple[int, object]], now) -> set[int]:
    """Insert claim rows for (pk, deadline); return the pks whose claim this call inserted."""
    if connection.vendor == "postgresql":
        table = ServiceLevelAlert._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (complaint_id, kind, deadline, claimed_at) "
                "SELECT c, %s, d, %s FROM unnest(%s::bigint[], %s::timestamptz[]) AS t(c, d) "
                "ON CONFLICT (complaint_id, kind, deadline) DO NOTHING RETURNING complaint_id",
                [alert.kind, now, [pk for pk, _d in rows], [d for _pk, d in rows]],
            )
            return {pk for (pk,) in cursor.fetchall()}
    inserted = set()
    for pk, deadline in rows:
        try:
            with transaction.atomic():
                ServiceLevelAlert.objects.create(complaint_id=pk, kind=alert.kind, deadline=deadline, claimed_at=now)
        except IntegrityError:  # claimed by another sweeper
            continue
        inserted.add(pk)
    return inserted


def _claim_and_write(alert: Alert, batch: list[tuple[int, object, bool]], now) -> int:
    with transaction.atomic():
        claimed = _insert_claims(alert, [(pk, moment) for pk, moment, _s in batch], now)
        if not claimed:
            return 0
        # The flag says when it was last alerted; it is in no index, so this is a HOT update.
        Complaint.objects.filter(pk__in=claimed).update(**{alert.flag: now})
        # Claimed, but once the deadline itself has passed the breach alert says it better.
        send = [(pk, moment) for pk, moment, superseded in batch if pk in claimed and not superseded]
        # Rows as tuples (COPY on PostgreSQL): a model instance per event cost more than the insert.
        at = ComplaintEvent._meta.get_field("at").get_db_prep_value(now, connection)  # as the field stores it
        insert_rows(
            ComplaintEvent,
            ["complaint", "action", "from_state", "to_state", "actor", "at", "note", "changes"],
            [(pk, ComplaintEvent.Action.ALERT.value, "", "", None, at, alert.kind, "[]") for pk, _m in send],
        )
        # The claim and its message commit together: a claim without its message cannot exist.
        # The key names the deadline, so a complaint whose deadline moved is alerted anew.
        outbox.enqueue_many(
            (f"complaints.{alert.kind}", pk, f"complaints.{alert.kind}:{pk}:{moment.isoformat()}", {})
            for pk, moment in send
        )
    return len(send)
