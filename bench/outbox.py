"""Time a burst of resolution breaches from the sweep to the mail server (see bench/README.md).

Fills N open complaints whose resolution deadline has just passed (first response given,
the at-risk alert already sent, so each has exactly one alert due: ``resolution_breached``,
which goes to the department heads). Then, for each dispatcher count in turn (1, 2 and 4
unless ``--dispatchers`` says otherwise, and OUTBOX_DISPATCHERS always): re-arm the alerts,
time ``complaints.sla.sweep()`` (the claim and the outbox rows), then time the drain with
that many dispatcher processes running ``aftersales.outbox.dispatch()`` at once
against an SMTP sink on localhost, which counts the messages by Message-ID.

Target: the sweep plus the drain with OUTBOX_DISPATCHERS dispatchers within a minute,
every message accepted exactly once.
"""

import argparse
import asyncio
import cProfile
import datetime as dt
import json
import logging
import math
import os
import pstats
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path

from _common import ROOT, setup

# The sweep's after-commit kicks go to an in-process broker, not to the filesystem queue under var/.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
# As in production: no query log kept per connection, no debug cursor wrappers.
os.environ.setdefault("DEBUG", "false")

PREFIX = "OB-209912-"  # complaint numbers of this bench (the URLs want two letters, six digits, four or more)
KIND = "complaints.resolution_breached"
OLD_CAP = 500  # alerts per kind per minute the sweep queued before the outbox
MINUTE = 60.0
BATCH = 1000
HEADS = 3  # department heads: each message goes to all of them


class Sink:
    """An SMTP server on localhost (aiosmtpd) that counts the messages it accepts by Message-ID."""

    def __init__(self, delay: float):
        from aiosmtpd.controller import Controller

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.delay = delay
        self._ids: Counter = Counter()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        if self.delay:
            await asyncio.sleep(self.delay)  # a real server's time to accept; connections overlap
        message_id = BytesHeaderParser().parsebytes(envelope.content)["Message-ID"]  # headers only: cheap
        with self._lock:
            self._ids[message_id] += 1
        return "250 OK"

    def start(self):
        self._controller.start()

    def stop(self):
        self._controller.stop()

    def reset(self):
        with self._lock:
            self._ids.clear()

    def tally(self) -> tuple[int, int, int]:
        """Return messages received, distinct Message-IDs, and Message-IDs received more than once."""
        with self._lock:
            return sum(self._ids.values()), len(self._ids), sum(1 for n in self._ids.values() if n > 1)


def fill_staff() -> dict[str, list[int]]:
    """Department heads (the recipients), an inactive former head, engineers and a manager."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from aftersales import roles

    user_model = get_user_model()
    people = [(f"head-{n}", roles.AFTERSALES_MANAGER, True, True) for n in range(1, HEADS + 1)]
    people += [
        ("head-former", roles.AFTERSALES_MANAGER, True, False),
        ("manager-1", roles.AFTERSALES_MANAGER, False, True),
    ]
    people += [(f"engineer-{n}", roles.AFTERSALES_ENGINEER, False, True) for n in range(1, 5)]
    ids: dict[str, list[int]] = {}
    for name, role, head, active in people:
        user, created = user_model.objects.get_or_create(
            username=f"bench-outbox-{name}",
            defaults={
                "last_name": "基准",
                "first_name": name,
                "email": f"{name}@bench.example.com",
                "is_department_head": head,
                "is_active": active,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
        ids.setdefault(role, []).append(user.pk)
    return ids


def fill(count: int) -> None:
    """Create ``count`` open, answered complaints; their resolution deadline is set by :func:`arm`."""
    from django.db import connection
    from django.utils import timezone

    from complaints.models import Complaint
    from customers.models import Customer, ProductModel

    existing = Complaint.objects.filter(number__startswith=PREFIX).count()
    if existing == count:
        return
    if existing:
        print(f"{existing} bench complaints from an earlier fill of another size; starting again.")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE complaints_complaint RESTART IDENTITY CASCADE")
    staff = fill_staff()
    engineers = staff["aftersales_engineer"]
    customers = []
    for n in range(1, 21):
        customer, _created = Customer.objects.get_or_create(
            code=f"OBK{n:03d}", defaults={"name": f"基准客户{n}有限公司", "region": "江苏"}
        )
        customers.append(customer.pk)
    model, _created = ProductModel.objects.get_or_create(
        code="OB-M1", defaults={"name": "基准型号", "warranty_months": 12}
    )
    now = timezone.now()
    received = now - dt.timedelta(hours=48)
    started = time.perf_counter()
    for start in range(0, count, BATCH):
        Complaint.objects.bulk_create(
            Complaint(
                number=f"{PREFIX}{i:05d}",
                state=Complaint.State.RECTIFYING if i % 3 else Complaint.State.ANALYSING,
                customer_id=customers[i % len(customers)],
                product_model_id=model.pk,
                serial_number=f"SN-OB-{i:06d}",
                title="断路器拒合",
                description="断路器拒合，客户要求尽快处理。",
                received_at=received,
                received_by_id=engineers[0],
                assignee_id=engineers[i % len(engineers)],
                first_response_risk_at=received + dt.timedelta(hours=18),
                first_response_due_at=received + dt.timedelta(hours=24),
                first_responded_at=received + dt.timedelta(hours=2),
                resolution_risk_at=received + dt.timedelta(hours=36),
                resolution_due_at=received + dt.timedelta(hours=48),
                resolution_risk_notified_at=received + dt.timedelta(hours=36, minutes=1),
            )
            for i in range(start, min(start + BATCH, count))
        )
    print(f"filled {count} complaints in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def arm() -> int:
    """Make every bench complaint's resolution breach fall due just now, not yet announced."""
    from django.db import connection
    from django.utils import timezone

    from aftersales.models import Notification
    from complaints.models import Complaint, ComplaintEvent

    bench = Complaint.objects.filter(number__startswith=PREFIX)
    Notification.objects.filter(kind=KIND).delete()
    ComplaintEvent.objects.filter(complaint__in=bench, action=ComplaintEvent.Action.ALERT).delete()
    armed = bench.update(resolution_due_at=timezone.now() - dt.timedelta(seconds=1), resolution_breach_notified_at=None)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE aftersales_notification")
        cursor.execute("VACUUM ANALYZE complaints_complaint")
        cursor.execute("VACUUM ANALYZE complaints_complaintevent")
    return armed


def start_dispatchers(count: int, port: int) -> list[subprocess.Popen]:
    """Start ``count`` dispatcher processes and wait until each has Django and its database connection up."""
    workers = [
        subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--worker", "--smtp-port", str(port)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    for worker in workers:
        line = worker.stdout.readline().strip()
        if line != "ready":
            raise SystemExit(f"a dispatcher did not start: {line!r}")
    return workers


def drain(count: int, sink: Sink) -> tuple[float, dict]:
    """Run ``count`` dispatchers at once until the outbox is empty; return seconds and summed outcomes."""
    workers = start_dispatchers(count, sink.port)
    started, sink_cpu = time.perf_counter(), time.process_time()
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    totals = {"sent": 0, "retry": 0, "dead": 0, "cpu": 0.0}
    for worker in workers:
        out, _err = worker.communicate()
        for name, value in json.loads(out.strip().splitlines()[-1]).items():
            totals[name] += value
        if worker.returncode:
            raise SystemExit(f"a dispatcher failed with exit code {worker.returncode}")
    totals["sink_cpu"] = time.process_time() - sink_cpu  # this process does nothing else meanwhile
    return time.perf_counter() - started, totals


def worker(port: int) -> None:
    """One dispatcher process: connect, wait for the start, dispatch until nothing is due."""
    import django

    os.chdir(ROOT)
    django.setup()
    from django.conf import settings
    from django.db import connection

    from aftersales import outbox

    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    connection.ensure_connection()
    print("ready", flush=True)
    sys.stdin.readline()
    cpu = time.process_time()
    counts = outbox.dispatch(budget_seconds=600)
    print(json.dumps({**counts, "cpu": time.process_time() - cpu}), flush=True)


def profile(sink: Sink, top: int, seconds: float = 30.0) -> None:
    """Dispatch for ``seconds`` in this process under cProfile; print where the time per message goes.

    The sink runs in this process too, so the waits on its replies include its own work.
    """
    from django.conf import settings

    from aftersales import outbox
    from complaints import sla

    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    arm()
    sla.sweep()
    sink.reset()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    counts = outbox.dispatch(budget_seconds=seconds)
    profiler.disable()
    elapsed = time.perf_counter() - started
    sent = max(counts["sent"], 1)
    print(
        f"\nProfile, 1 dispatcher in process: {counts['sent']} sent in {elapsed:.1f} s, "
        f"{elapsed / sent * 1000:.2f} ms each"
    )
    stats = pstats.Stats(profiler)
    rows = [
        (cumulative, own, calls, f"{Path(filename).name}:{line}({name})")
        for (filename, line, name), (_cc, calls, own, cumulative, _callers) in stats.stats.items()
    ]
    for title, key in (("cumulative", 0), ("own time", 1)):
        print(f"\n{'function, by ' + title:<70} {'calls/msg':>9} {'cum ms':>7} {'own ms':>7}")
        for cumulative, own, calls, label in sorted(rows, key=lambda row: row[key], reverse=True)[:top]:
            print(f"{label[:70]:<70} {calls / sent:9.1f} {cumulative / sent * 1000:7.2f} {own / sent * 1000:7.2f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--breaches", type=int, default=3000)
    parser.add_argument("--smtp-delay-ms", type=float, default=5.0)
    parser.add_argument(
        "--dispatchers", default="1,2,4", help="dispatcher counts to time, comma-separated (OUTBOX_DISPATCHERS always)"
    )
    parser.add_argument("--profile", action="store_true", help="also profile one dispatcher in process")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--smtp-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.smtp_port)
        return
    # Celery imports with the working directory first on sys.path; work from the project root.
    os.chdir(ROOT)
    setup()
    fill(args.breaches)

    from django.conf import settings

    from aftersales.models import Notification
    from complaints import sla

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every connection
    sink = Sink(args.smtp_delay_ms / 1000)
    sink.start()
    default = settings.OUTBOX_DISPATCHERS
    counts = sorted({*(int(n) for n in args.dispatchers.split(",")), default})
    print(
        f"{args.breaches} resolution breaches, each to {HEADS} department heads; "
        f"SMTP sink accepting after {args.smtp_delay_ms:g} ms per message; OUTBOX_DISPATCHERS = {default}"
    )
    print(
        f"{'breaches':>8} {'dispatchers':>11} {'sweep':>9} {'drain':>8} {'msg/s':>7} {'(sweep+drain)/60s':>18} "
        f"{'CPU/msg':>8} {'sink CPU':>8} {'received':>8} {'distinct':>8} {'dupes':>5}"
    )
    ok = True
    try:
        for dispatchers in counts:
            armed = arm()
            sink.reset()
            started = time.perf_counter()
            swept = sla.sweep()
            sweep_s = time.perf_counter() - started
            claimed = swept["resolution_breached"]
            drain_s, outcomes = drain(dispatchers, sink)
            received, distinct, dupes = sink.tally()
            left = Notification.objects.filter(kind=KIND).exclude(state=Notification.State.SENT).count()
            ratio = (sweep_s + drain_s) / MINUTE
            complete = (
                claimed == armed == args.breaches
                and outcomes.get("sent") == args.breaches
                and received == distinct == args.breaches
                and not dupes
                and not left
            )
            verdict = "" if complete else "  MISSING/DUPLICATED"
            if dispatchers == default:
                verdict += "  ok" if ratio < 1 else "  SLOW (> 1 minute)"
                ok = ok and ratio < 1
            ok = ok and complete
            print(
                f"{args.breaches:>8} {dispatchers:>11} {sweep_s * 1000:>6.0f} ms {drain_s:>6.1f} s "
                f"{args.breaches / drain_s:>7.0f} {ratio:>18.2f} {outcomes['cpu'] / args.breaches * 1000:>5.1f} ms "
                f"{outcomes['sink_cpu'] / args.breaches * 1000:>5.1f} ms "
                f"{received:>8} {distinct:>8} {dupes:>5}{verdict}",
                flush=True,
            )
            if not complete:
                print(f"    claimed {claimed} of {armed}, dispatch outcomes {outcomes}, {left} not sent")
        old = math.ceil(args.breaches / OLD_CAP)
        print(f"Before the outbox (at most {OLD_CAP} per alert kind per minute): {old} minutes for {args.breaches}.")
        if args.profile:
            profile(sink, top=25)
    finally:
        sink.stop()
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
