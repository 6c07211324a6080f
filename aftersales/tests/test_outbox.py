"""The notification outbox: written with the change, sent after it, retried, never lost, never twice."""

import datetime
import smtplib
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from aftersales import outbox, roles
from aftersales.models import Notification

pytestmark = pytest.mark.django_db

FAILURES = []  # set by a test: each entry is raised by the next send


def _handler(kind, object_id, extra):
    from aftersales import emails

    if FAILURES:
        raise FAILURES.pop(0)
    return emails.send("outbox_test", [f"user{object_id}@example.com"], {"kind": kind, "n": object_id, **extra})


@pytest.fixture(autouse=True)
def test_kind(settings, tmp_path):
    """Register a handler for kind "outboxtest.*" that mails user<id>@example.com."""
    folder = tmp_path / "emails"
    folder.mkdir()
    (folder / "outbox_test_subject.txt").write_text("Test {{ kind }} {{ n }}")
    (folder / "outbox_test_body.txt").write_text("Body {{ n }} {{ note }}")
    (folder / "outbox_test_body.html").write_text("<p>Body {{ n }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    outbox.register("outboxtest", _handler)
    FAILURES.clear()
    yield
    FAILURES.clear()


def _pending():
    return Notification.objects.filter(state=Notification.State.PENDING)


def test_a_message_is_written_with_the_change_and_sent_after_the_commit(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue("outboxtest.hello", 7, extra={"note": "hi"})
            assert _pending().count() == 1
            assert mailoutbox == [], "nothing is sent before the commit"
    assert [m.to for m in mailoutbox] == [["user7@example.com"]]
    assert mailoutbox[0].body == "Body 7 hi"
    row = Notification.objects.get()
    assert row.state == Notification.State.SENT
    assert row.recipients == "user7@example.com"
    assert row.attempts == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == outbox.message_id(row.key)


def test_a_rolled_back_change_leaves_no_message(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue("outboxtest.hello", 7)
            raise RuntimeError("the change failed")
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_the_same_key_is_written_once(mailoutbox):
    for _ in range(3):
        outbox.enqueue("outboxtest.alert", 3, key="alert-3-deadline-1")
    assert Notification.objects.count() == 1
    outbox.dispatch()
    assert len(mailoutbox) == 1


def test_one_kick_per_transaction(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            for n in range(5):
                outbox.enqueue("outboxtest.hello", n)
    assert len(callbacks) == 1


def test_a_broker_that_is_down_delays_the_message_without_an_error(
    monkeypatch, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    from aftersales.tasks import dispatch_outbox

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(dispatch_outbox, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            outbox.enqueue("outboxtest.hello", 1)
    assert mailoutbox == []
    assert _pending().count() == 1
    assert "could not reach the broker" in caplog.text
    # The minute sweep, once a worker runs again:
    assert outbox.dispatch() == {"sent": 1, "retry": 0, "dead": 0}
    assert len(mailoutbox) == 1


def test_a_refusing_mail_server_is_retried_with_back_off_until_it_accepts(mailoutbox):
    FAILURES.extend([smtplib.SMTPServerDisconnected("gone"), smtplib.SMTPDataError(451, b"try later")])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        outbox.enqueue("outboxtest.hello", 1)
        assert outbox.dispatch() == {"sent": 0, "retry": 1, "dead": 0}
        row = Notification.objects.get()
        assert (row.state, row.attempts) == (Notification.State.PENDING, 1)
        assert row.due_at == start + datetime.timedelta(minutes=1)
        assert "SMTPServerDisconnected" in row.last_error
        assert outbox.dispatch() == {"sent": 0, "retry": 0, "dead": 0}, "not due yet"
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        assert outbox.dispatch() == {"sent": 0, "retry": 1, "dead": 0}
        row.refresh_from_db()
        assert row.due_at == start + datetime.timedelta(minutes=3), "the second wait is twice as long"
    with time_machine.travel(start + datetime.timedelta(minutes=3), tick=False):
        assert outbox.dispatch() == {"sent": 1, "retry": 0, "dead": 0}
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (Notification.State.SENT, 3, "")
    assert len(mailoutbox) == 1


def test_back_off_doubles_up_to_an_hour():
    waits = [outbox.backoff(n).total_seconds() / 60 for n in range(1, 10)]
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_after_the_last_attempt_the_message_is_kept_as_dead_and_can_be_resent(mailoutbox):
    FAILURES.extend(
        [smtplib.SMTPRecipientsRefused({"user1@example.com": (550, b"no such user")})] * outbox.MAX_ATTEMPTS
    )
    outbox.enqueue("outboxtest.hello", 1)
    outbox.dispatch()
    moment = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        moment += datetime.timedelta(hours=1)
        with time_machine.travel(moment, tick=False):
            outbox.dispatch()
    row = Notification.objects.get()
    assert (row.state, row.attempts) == (Notification.State.DEAD, outbox.MAX_ATTEMPTS)
    assert "no such user" in row.last_error
    with time_machine.travel(moment + datetime.timedelta(days=1), tick=False):
        assert outbox.dispatch() == {"sent": 0, "retry": 0, "dead": 0}, "a dead message is not retried by itself"
    assert mailoutbox == []
    assert outbox.resend(Notification.objects.all()) == 1
    outbox.dispatch()
    row.refresh_from_db()
    assert row.state == Notification.State.SENT
    assert len(mailoutbox) == 1


def test_a_message_with_nobody_to_tell_is_marked_sent_with_no_recipients(monkeypatch, mailoutbox):
    outbox.register("nobody", lambda kind, object_id, extra: 0)
    outbox.enqueue("nobody.hello", 1)
    outbox.dispatch()
    row = Notification.objects.get()
    assert (row.state, row.recipients) == (Notification.State.SENT, "")


def test_an_unknown_kind_is_retried_not_lost():
    outbox.enqueue("unregistered.kind", 1)
    outbox.dispatch()
    row = Notification.objects.get()
    assert row.state == Notification.State.PENDING
    assert "no handler" in row.last_error


def test_a_handler_whose_query_fails_does_not_lose_the_claim(mailoutbox):
    def broken(kind, object_id, extra):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    outbox.register("broken", broken)
    outbox.enqueue("broken.hello", 1)
    outbox.dispatch()
    row = Notification.objects.get()
    assert (row.state, row.attempts) == (Notification.State.PENDING, 1)
    assert row.last_error


def test_the_sweep_sends_what_the_kicks_missed(monkeypatch, mailoutbox, settings):
    from aftersales import tasks

    monkeypatch.setattr(outbox, "kick", lambda: None)
    for n in range(5):
        outbox.enqueue("outboxtest.hello", n)
    assert mailoutbox == []
    result = tasks.sweep_outbox()
    assert result["backlog"] == 5 and result["sent"] == 5
    assert len(mailoutbox) == 5
    assert tasks.sweep_outbox() == {"backlog": 0}


def test_rows_leased_by_a_dispatcher_that_died_are_taken_up_when_the_lease_ends(monkeypatch, mailoutbox):
    monkeypatch.setattr(outbox, "kick", lambda: None)
    outbox.enqueue("outboxtest.hello", 1)
    rows, _ends = outbox._claim()  # a dispatcher leases the row, then dies before sending
    assert [row.object_id for row in rows] == [1]
    assert outbox.dispatch() == {"sent": 0, "retry": 0, "dead": 0}, "another dispatcher leaves it alone"
    later = timezone.now() + datetime.timedelta(seconds=outbox.LEASE_SECONDS + 1)
    with time_machine.travel(later):
        assert outbox.dispatch() == {"sent": 1, "retry": 0, "dead": 0}
    assert Notification.objects.get().claimed_until is None
    assert len(mailoutbox) == 1


def test_a_dispatch_run_stops_at_its_time_budget(monkeypatch, mailoutbox):
    monkeypatch.setattr(outbox, "kick", lambda: None)
    for n in range(3):
        outbox.enqueue("outboxtest.hello", n)
    assert outbox.dispatch(budget_seconds=0) == {"sent": 0, "retry": 0, "dead": 0}
    assert outbox.dispatch() == {"sent": 3, "retry": 0, "dead": 0}


# --- the admin ---------------------------------------------------------------------------


@pytest.fixture
def dead_row():
    return Notification.objects.create(
        key="k-dead", kind="outboxtest.hello", object_id=9, state=Notification.State.DEAD, attempts=8, last_error="550"
    )


@pytest.mark.parametrize("role", [roles.QUALITY_LEADER, roles.AFTERSALES_MANAGER])
def test_administrators_see_dead_messages_and_resend_them(
    role, make_user, client, dead_row, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "en"
    user = make_user(role, is_staff=True)
    client.force_login(user)
    url = reverse("admin:aftersales_notification_changelist")
    page = client.get(url).content.decode()
    assert "outboxtest.hello" in page
    assert "1 notifications could not be delivered after every attempt" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "resend", "_selected_action": [dead_row.pk]}, follow=True)
    assert response.status_code == 200
    dead_row.refresh_from_db()
    assert dead_row.state == Notification.State.SENT
    assert [m.to for m in mailoutbox] == [["user9@example.com"]]


def test_staff_without_the_permission_cannot_open_the_outbox(make_user, client, dead_row):
    client.force_login(make_user(roles.QUALITY_ENGINEER, is_staff=True))
    assert client.get(reverse("admin:aftersales_notification_changelist")).status_code == 403


# --- PostgreSQL: dispatchers side by side ----------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_send_every_message_exactly_once(monkeypatch):
    monkeypatch.setattr(outbox, "kick", lambda: None)
    outbox.enqueue_many(("outboxtest.hello", n, f"k{n}", {}) for n in range(400))
    mail.outbox = []
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(outbox.dispatch())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == 400
    assert len(set(ids)) == 400
    assert sum(r["sent"] for r in results) == 400
    assert all(r["sent"] > 0 for r in results), "both dispatchers took a share"
    assert not _pending().exists()
