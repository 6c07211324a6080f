"""Notifications of complaints survive a broker that is down, a worker killed mid-run and a
refusing mail server: afterwards every alert is sent, none twice, and no page answered 500.

The tests marked ``postgres`` run real processes: a Redis server of their own (stopped on
purpose), an SMTP sink (aiosmtpd) that counts messages by Message-ID, and a dispatcher in a
subprocess killed with SIGKILL.
"""

import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from aftersales import outbox
from aftersales.models import Notification
from aftersales.tests.smtp_sink import SmtpSink
from complaints import sla
from complaints.models import Complaint
from customers.tests.factories import ContactFactory

H = datetime.timedelta(hours=1)


def _intake(customer, contact, engineer, **overrides):
    return {
        "customer": customer.pk,
        "contact": contact.pk,
        "channel": "phone",
        "serial_number": "",
        "batch_number": "",
        "product_model": "",
        "delivery_date": "",
        "warranty_status": "unknown",
        "severity": "major",
        "category": "quality",
        "title": "断路器无法合闸",
        "description": "客户来电：3 号柜断路器无法合闸。",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "assignee": engineer.pk,
        **overrides,
    }


def _breached(customer, user, count: int, *, start: int = 1) -> list[int]:
    """Write ``count`` open complaints whose first response and resolution are overdue."""
    received = timezone.now() - 60 * H
    rows = [
        Complaint(
            number=f"TS-209901-{start + i:05d}",
            customer=customer,
            received_by=user,
            assignee=user,
            title=f"批量故障 {i}",
            description="合闸失败",
            received_at=received,
            first_response_risk_at=received + 18 * H,
            first_response_due_at=received + 24 * H,
            resolution_risk_at=received + 36 * H,
            resolution_due_at=received + 48 * H,
        )
        for i in range(count)
    ]
    return [c.pk for c in Complaint.objects.bulk_create(rows)]


# --- any database ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_intake_with_the_broker_down_saves_the_complaint_and_sends_its_mail_later(
    people, customer, client_for, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    from aftersales.tasks import dispatch_outbox

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(dispatch_outbox, "apply_async", broker_down)
    contact = ContactFactory(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people.engineer).post(
            reverse("complaints:create"), _intake(customer, contact, people.engineer)
        )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == complaint.get_absolute_url()
    assert mailoutbox == []
    pending = set(Notification.objects.filter(state="pending").values_list("kind", flat=True))
    assert pending == {"complaints.major_received", "complaints.assigned"}

    assert outbox.dispatch()["sent"] == 2
    assert sorted(sorted(m.to) for m in mailoutbox) == sorted(
        [[people.engineer.email], sorted([people.head.email, people.deputy_head.email])]
    )


@pytest.mark.django_db
def test_a_transition_with_the_broker_down_answers_with_the_saved_page(
    people, customer, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from aftersales.tasks import dispatch_outbox

    from .factories import ComplaintFactory

    monkeypatch.setattr(dispatch_outbox, "apply_async", lambda *a, **k: (_ for _ in ()).throw(OSError("down")))
    complaint = ComplaintFactory(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people.manager).post(
            reverse("complaints:assign", args=[complaint.number]), {"assign-assignee": people.engineer.pk}
        )
    assert response.status_code == 302
    assert response["Location"] == complaint.get_absolute_url()
    complaint.refresh_from_db()
    assert complaint.assignee == people.engineer
    assert Notification.objects.filter(kind="complaints.assigned", state="pending", object_id=complaint.pk).exists()


@pytest.mark.django_db
def test_a_burst_of_breaches_is_claimed_in_one_sweep_not_500_per_minute(people, customer, mailoutbox):
    _breached(customer, people.engineer, sla.BATCH * 2 + 37)
    sent = sla.sweep()
    assert sent["response_breached"] == sla.BATCH * 2 + 37
    assert sent["resolution_breached"] == sla.BATCH * 2 + 37
    assert sent["response_at_risk"] == sent["resolution_at_risk"] == 0, "past the deadline, the breach says it"
    assert Notification.objects.count() == 2 * (sla.BATCH * 2 + 37)
    assert sla.sweep() == {
        "response_at_risk": 0,
        "response_breached": 0,
        "resolution_at_risk": 0,
        "resolution_breached": 0,
    }


@pytest.mark.django_db
def test_a_reopened_complaint_with_a_new_deadline_is_alerted_again(people, customer, mailoutbox):
    [pk] = _breached(customer, people.engineer, 1)
    sla.sweep()
    later = timezone.now() + 100 * H
    Complaint.objects.filter(pk=pk).update(
        resolution_breach_notified_at=None, resolution_due_at=timezone.now() + 90 * H, resolution_risk_at=later
    )
    with time_machine.travel(later + H, tick=False):
        assert sla.sweep()["resolution_breached"] == 1
    assert Notification.objects.filter(kind="complaints.resolution_breached", object_id=pk).count() == 2


# --- PostgreSQL and real processes ----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sink(settings):
    """Point e-mail at an SMTP sink on localhost; return the sink."""
    server = SmtpSink()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


class RedisServer:
    """A Redis server of the test's own, so that stopping it disturbs nothing else."""

    def __init__(self):
        self.port = _free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def queue_length(self) -> int:
        import redis

        return redis.Redis(port=self.port).llen("celery")


@pytest.fixture
def redis_broker(settings, monkeypatch):
    """Send tasks to a real Redis server of the test's own instead of running them in-process."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server (apt-get install redis-server)")
    from aftersales.celery import app

    server = RedisServer()
    server.start()
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "broker_transport_options")}
    url = f"redis://127.0.0.1:{server.port}/0"
    app.conf.broker_url = url
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads the variable before its settings
    app.conf.task_always_eager = False
    app.conf.broker_transport_options = django_settings.NETWORK_BROKER_OPTIONS
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield server
    finally:
        server.stop()
        for key, value in saved.items():
            app.conf[key] = value
        app._pool = None
        app.amqp._producer_pool = None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_broker_stopped_during_intake_and_sweep_loses_nothing_and_shows_no_error(
    people, customer, client_for, redis_broker, sink
):
    contact = ContactFactory(customer=customer)
    engineer = client_for(people.engineer)

    first = engineer.post(reverse("complaints:create"), _intake(customer, contact, people.engineer))
    assert first.status_code == 302
    assert redis_broker.queue_length() == 1, "the dispatcher was kicked through the broker"

    redis_broker.stop()
    started = time.monotonic()
    second = engineer.post(reverse("complaints:create"), _intake(customer, contact, people.engineer, title="第二单"))
    assert second.status_code == 302, "a saved change never turns into an error page"
    assert time.monotonic() - started < 15, "the request does not hang on the broker"
    _breached(customer, people.engineer, 30)
    started = time.monotonic()
    swept = sla.sweep()
    assert swept["response_breached"] == 30
    assert time.monotonic() - started < 15, "the sweep does not hang on the broker"

    assert Complaint.objects.count() == 32
    assert sink.count() == 0, "nothing was sent while no worker could be reached"
    # The broker is back and the minute sweep runs on a worker:
    from aftersales.tasks import sweep_outbox

    redis_broker.start()
    result = sweep_outbox()
    total = Notification.objects.count()
    assert result["sent"] == total == 2 * 2 + 30 * 2
    assert sink.count() == total and sink.distinct() == total, "every alert sent, none twice"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_and_two_dispatchers_at_once_send_each_alert_once(people, customer, monkeypatch):
    monkeypatch.setattr(outbox, "kick", lambda: None)
    count = 300
    _breached(customer, people.engineer, count)
    mail.outbox = []

    def in_threads(target):
        barrier = threading.Barrier(2)
        results = []

        def run():
            try:
                barrier.wait()
                results.append(target())
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return results

    swept = in_threads(sla.sweep)
    assert sum(r["response_breached"] for r in swept) == count
    assert sum(r["resolution_breached"] for r in swept) == count
    dispatched = in_threads(outbox.dispatch)
    assert sum(r["sent"] for r in dispatched) == 2 * count
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(ids) == len(set(ids)) == 2 * count
    assert not Notification.objects.exclude(state="sent").exists()


DISPATCHER = """
import os, sys
import django
django.setup()
from django.conf import settings
settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(sys.argv[1])
settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
from aftersales import outbox
from aftersales.tests.smtp_sink import SmtpSink
print(outbox.dispatch(budget_seconds=300), flush=True)
"""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_killed_mid_run_loses_nothing(people, customer, sink, monkeypatch):
    monkeypatch.setattr(outbox, "kick", lambda: None)
    sink.delay = 0.01
    _breached(customer, people.engineer, 150)
    sla.sweep()
    keys = set(Notification.objects.values_list("key", flat=True))
    assert len(keys) == 300

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "aftersales.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": "memory://",
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", DISPATCHER, str(sink.port)],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        # 50 is inside the third batch of 20: the kill lands with rows leased and unsent.
        assert sink.wait_for(50, timeout=60), worker.stderr.read().decode()[-2000:] if worker.poll() else "no mail"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    sent_before = sink.count()
    assert sent_before < 300, "killed mid-run"
    _wait_for_backends_to_end(db["NAME"])
    assert Notification.objects.filter(state="pending", claimed_until__isnull=False).exists(), "its lease holds"

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=outbox.LEASE_SECONDS + 1)):
        assert outbox.dispatch()["sent"] >= 300 - sent_before - 1
    assert not Notification.objects.exclude(state="sent").exists()
    expected = {outbox.message_id(key) for key in keys}
    assert set(sink.message_ids()) == expected, "every alert was sent"
    # At least once: the message in flight at the kill may go out again, with the same Message-ID.
    assert sink.count() - sink.distinct() <= 1


def _wait_for_backends_to_end(name):
    """Wait until PostgreSQL has noticed the killed worker and released its row lock."""
    deadline = time.monotonic() + 20
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name]
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refusing_mail_server_gets_every_alert_once_when_it_accepts_again(people, customer, sink, monkeypatch):
    monkeypatch.setattr(outbox, "kick", lambda: None)
    _breached(customer, people.engineer, 20)
    sla.sweep()
    sink.refuse = 10**6  # "451 try again later" for everything
    result = outbox.dispatch()
    assert result == {"sent": 0, "retry": 40, "dead": 0}
    assert sink.count() == 0
    sink.refuse = 0
    with time_machine.travel(timezone.now() + 2 * H, tick=False):
        assert outbox.dispatch()["sent"] == 40
    assert sink.count() == sink.distinct() == 40
