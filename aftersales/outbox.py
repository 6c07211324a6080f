"""The notification outbox: messages written with the change that causes them, sent after.

A service calls :func:`enqueue` inside its transaction, so the message exists exactly
when the change does: a rollback takes both away, a commit keeps both. After the commit
the dispatcher is kicked (best effort: a broker that is down is logged and the change
still succeeds), and a beat task sweeps every minute for whatever a kick missed.

:func:`dispatch` leases a small batch of due rows at a time: it picks them with
``SELECT … FOR UPDATE SKIP LOCKED`` and marks them taken until the lease ends, so any
number of dispatchers work side by side without taking a row twice. It then sends each
row and records it sent at once (one UPDATE, committed). A dispatcher that dies leaves
its unsent rows pending; they are taken up again when the lease ends (at least once).
The one window left is a mail server that accepted a message just before the worker
died, before the row was marked: that message goes out again, with the same Message-ID,
so mail clients and servers that de-duplicate show it once. Sending outside the claim's
transaction keeps a slow mail server from holding row locks, and commits each outcome.
A failure is retried with back-off and after the last attempt the row is kept as dead,
listed in the admin with a resend action.
"""

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import emails
from .models import Notification

logger = logging.getLogger(__name__)

# kind prefix ("complaints") → function(kind without prefix, object id, extra) → count sent
Handler = Callable[[str, int, dict], int]
_HANDLERS: dict[str, Handler] = {}

MAX_ATTEMPTS = 8
# A dispatcher leases this many due rows at a time, for this long; rows of a dispatcher
# that died are taken up again when its lease ends.
CLAIM_BATCH = 20
LEASE_SECONDS = 120
BACKOFF_SECONDS = 60
BACKOFF_MAX_SECONDS = 3600


def register(prefix: str, handler: Handler) -> None:
    """Send notifications whose kind starts with ``prefix.`` through ``handler``."""
    _HANDLERS[prefix] = handler


def enqueue(kind: str, object_id: int, *, key: str = "", extra: dict | None = None, kick_after: bool = True) -> None:
    """Write one notification in the current transaction; dispatch it after the commit.

    ``key`` makes the message unique: a second write with the same key is ignored, so an
    alert claimed twice cannot be sent twice. Without a key each call is a new message.
    A caller writing many messages in many transactions passes ``kick_after=False`` and
    calls :func:`kick` once at the end.
    """
    enqueue_many([(kind, object_id, key, extra or {})], kick_after=kick_after)


def enqueue_many(rows: Iterable[tuple[str, int, str, dict]], *, kick_after: bool = True) -> None:
    """Write many notifications at once (kind, object id, key, extra); see :func:`enqueue`."""
    now = timezone.now()
    rows = [
        (kind, object_id, key or f"{kind}:{object_id}:{uuid.uuid4().hex}", extra)
        for kind, object_id, key, extra in rows
    ]
    if not rows:
        return
    if transaction.get_connection().vendor == "postgresql":
        _insert_postgresql(rows, now)
    else:
        objs = [
            Notification(kind=kind, object_id=object_id, key=key, extra=extra, created_at=now, due_at=now)
            for kind, object_id, key, extra in rows
        ]
        Notification.objects.bulk_create(objs, ignore_conflicts=True, batch_size=500)
    if kick_after:
        kick()


def _insert_postgresql(rows: list[tuple[str, int, str, dict]], now) -> None:
    """One INSERT from arrays, a duplicate key skipped: the SLA sweep writes thousands at once.

    ``bulk_create`` built a model instance and prepared ten values through their fields for
    every row, which took longer than the database's own work.
    """
    db = transaction.get_connection()
    table = db.ops.quote_name(Notification._meta.db_table)
    kinds, ids, keys, extras = zip(*rows, strict=True)
    encoder = Notification._meta.get_field("extra").encoder  # as the field would write them
    with db.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, kind, object_id, extra, state, created_at, due_at, attempts, last_error, "
            "recipients) SELECT k, t, o, e::jsonb, %s, %s, %s, 0, '', '' "
            "FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::text[]) AS r(k, t, o, e) "
            "ON CONFLICT (key) DO NOTHING",
            [
                Notification.State.PENDING,
                now,
                now,
                list(keys),
                list(kinds),
                list(ids),
                [json.dumps(extra or {}, cls=encoder) for extra in extras],
            ],
        )


def kick() -> None:
    """Ask a worker to dispatch once the current transaction commits (once per transaction)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        isinstance(callback, _Kick) and not callback.done for _sids, callback, *_ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_Kick())


class _Kick:
    """The after-commit callback; remembers that it ran, so the next transaction kicks anew."""

    done = False

    def __call__(self):
        self.done = True
        _kick_now()


def _kick_now() -> None:
    from .tasks import dispatch_outbox

    app = dispatch_outbox.app
    try:
        if app.conf.task_always_eager:
            dispatch_outbox.apply_async()
            return
        # One quick try, no publish retries: the user's request must not wait on a broker
        # that is away (kombu would otherwise sleep between reconnection attempts).
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            dispatch_outbox.apply_async(connection=connection, retry=False)
    except Exception:  # noqa: BLE001 — any broker failure; the sweep sends the rows later
        logger.warning("Outbox: could not reach the broker; the minute sweep will send the messages.", exc_info=True)


def backoff(attempts: int) -> timedelta:
    """Return the wait before attempt ``attempts + 1``: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(seconds=min(BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def message_id(key: str) -> str:
    """Return the Message-ID of the notification ``key``: the same for every attempt."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def dispatch(*, budget_seconds: float | None = None, now=None) -> dict[str, int]:
    """Send pending notifications until none is due or the time budget is spent.

    Return how many were sent, put back for a later attempt, and given up (dead).
    """
    budget = settings.OUTBOX_DISPATCH_SECONDS if budget_seconds is None else budget_seconds
    started = time.monotonic()
    counts = {"sent": 0, "retry": 0, "dead": 0}
    mail = _MailConnection()
    try:
        while time.monotonic() - started < budget:
            batch, lease_ends = _claim(now)
            if not batch:
                break
            for index, row in enumerate(batch):
                # Stop in time for the lease: a row still being sent when it ends could be taken twice.
                if time.monotonic() - started >= budget or time.monotonic() > lease_ends - settings.EMAIL_TIMEOUT:
                    _release(batch[index:])
                    return counts
                counts[_send_one(row, mail)] += 1
    finally:
        mail.close()
    return counts


def _claim(now=None) -> tuple[list[Notification], float]:
    """Lease a batch of due rows to this dispatcher; return them and when the lease ends (monotonic)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=Notification.State.PENDING, due_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("due_at", "id")[:CLAIM_BATCH]
        )
        if rows:
            Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
                claimed_until=now + timedelta(seconds=LEASE_SECONDS)
            )
    return rows, time.monotonic() + LEASE_SECONDS


def _handler_guard():
    """Keep a failed query of a handler from spoiling an enclosing transaction (tests, eager runs)."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def _release(rows: list[Notification]) -> None:
    Notification.objects.filter(pk__in=[row.pk for row in rows], state=Notification.State.PENDING).update(
        claimed_until=None
    )


def _send_one(row: Notification, mail: "_MailConnection") -> str:
    """Send one leased row and record the outcome at once, so a crash later resends nothing of it."""
    row.attempts += 1
    try:
        with _handler_guard():
            recipients = _send(row, mail)
    except Exception as error:  # noqa: BLE001 — every failure is recorded and retried
        mail.close()  # a fresh connection for the next message
        return _failed(row, error)
    Notification.objects.filter(pk=row.pk).update(
        state=Notification.State.SENT,
        sent_at=timezone.now(),
        recipients=", ".join(recipients),
        attempts=row.attempts,
        last_error="",
        claimed_until=None,
    )
    return "sent"


def _send(row: Notification, mail: "_MailConnection") -> list[str]:
    prefix, _dot, kind = row.kind.partition(".")
    handler = _HANDLERS.get(prefix)
    if handler is None:
        raise LookupError(f"no handler registered for notifications of kind {row.kind!r}")
    with emails.sending(message_id=message_id(row.key), connection=mail.get()) as sent:
        handler(kind, row.object_id, row.extra or {})
    return sent.recipients


def _failed(row: Notification, error: Exception) -> str:
    row.last_error = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.state = Notification.State.DEAD
        logger.error("Outbox: giving up %s after %s attempts: %s", row.key, row.attempts, row.last_error)
    else:
        row.due_at = timezone.now() + backoff(row.attempts)
        logger.warning("Outbox: %s failed (attempt %s), retrying at %s", row.key, row.attempts, row.due_at)
    row.claimed_until = None
    row.save(update_fields=["state", "due_at", "attempts", "last_error", "claimed_until"])
    return "dead" if row.state == Notification.State.DEAD else "retry"


class _MailConnection:
    """One SMTP connection for a dispatch run, opened on first use and renewed after a failure."""

    def __init__(self):
        self._connection = None

    def get(self):
        if self._connection is None:
            self._connection = get_connection()  # EMAIL_TIMEOUT bounds a hung server
            self._connection.open()
        return self._connection

    def close(self):
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001 — a broken connection is simply dropped
                logger.debug("Outbox: closing the mail connection failed", exc_info=True)
            self._connection = None


def resend(rows) -> int:
    """Put failed or sent notifications back in the queue for an immediate attempt."""
    count = rows.update(
        state=Notification.State.PENDING, due_at=timezone.now(), attempts=0, last_error="", claimed_until=None
    )
    if count:
        kick()
    return count


def backlog(now=None) -> int:
    """Return how many notifications are due and not sent yet."""
    return Notification.objects.filter(state=Notification.State.PENDING, due_at__lte=now or timezone.now()).count()
