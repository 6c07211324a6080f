"""The notification outbox: messages written with the change that causes them, sent after.

A service calls :func:`enqueue` inside its transaction, so the message exists exactly
when the change does: a rollback takes both away, a commit keeps both. After the commit
the dispatcher is kicked (best effort: a broker that is down is logged and the change
still succeeds), and a beat task sweeps every minute for whatever a kick missed.

:func:`dispatch` claims one pending row at a time with ``SELECT … FOR UPDATE SKIP
LOCKED``, so any number of dispatchers work side by side without sending a row twice,
sends it while holding the lock, and marks it sent in the same transaction. A worker
killed before that commit leaves the row pending and it is sent again (at least once);
the one window left is a mail server that accepted the message just before the worker
died, and the message then carries the same Message-ID both times, so mail clients and
servers that de-duplicate show it once. A failure is retried with back-off and after the
last attempt the row is kept as dead, listed in the admin with a resend action.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from . import emails
from .models import Notification

logger = logging.getLogger(__name__)

# kind prefix ("complaints") → function(kind without prefix, object id, extra) → count sent
Handler = Callable[[str, int, dict], int]
_HANDLERS: dict[str, Handler] = {}

MAX_ATTEMPTS = 8
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
    objs = [
        Notification(
            kind=kind,
            object_id=object_id,
            key=key or f"{kind}:{object_id}:{uuid.uuid4().hex}",
            extra=extra,
            created_at=now,
            due_at=now,
        )
        for kind, object_id, key, extra in rows
    ]
    if not objs:
        return
    Notification.objects.bulk_create(objs, ignore_conflicts=True, batch_size=500)
    if kick_after:
        kick()


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
            outcome = _dispatch_one(mail, now)
            if outcome is None:
                break
            counts[outcome] += 1
    finally:
        mail.close()
    return counts


def _dispatch_one(mail: "_MailConnection", now=None) -> str | None:
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(state=Notification.State.PENDING, due_at__lte=now or timezone.now())
            .order_by("due_at", "id")
            .first()
        )
        if row is None:
            return None
        row.attempts += 1
        try:
            with transaction.atomic():  # a failed query in the handler must not spoil the claim
                recipients = _send(row, mail)
        except Exception as error:  # noqa: BLE001 — every failure is recorded and retried
            mail.reset()
            return _failed(row, error)
        row.state = Notification.State.SENT
        row.sent_at = timezone.now()
        row.recipients = ", ".join(recipients)
        row.last_error = ""
        row.save(update_fields=["state", "sent_at", "recipients", "attempts", "last_error"])
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
    row.save(update_fields=["state", "due_at", "attempts", "last_error"])
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

    def reset(self):
        self.close()

    def close(self):
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001 — a broken connection is simply dropped
                logger.debug("Outbox: closing the mail connection failed", exc_info=True)
            self._connection = None


def resend(rows) -> int:
    """Put failed or sent notifications back in the queue for an immediate attempt."""
    count = rows.update(state=Notification.State.PENDING, due_at=timezone.now(), attempts=0, last_error="")
    if count:
        kick()
    return count


def backlog(now=None) -> int:
    """Return how many notifications are due and not sent yet."""
    return Notification.objects.filter(state=Notification.State.PENDING, due_at__lte=now or timezone.now()).count()
