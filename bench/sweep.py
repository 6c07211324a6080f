"""Time the service-level sweep: a burst of breaches, and the idle sweep after many alerts.

On a scratch PostgreSQL database (DATABASE_URL), fills ``--open`` open complaints whose
deadlines are days away (the background every sweep has to skip) and ``--alerts`` answered
complaints whose resolution breach is armed on demand (deadline one second ago, not yet
announced). Then:

1. the idle sweep on a freshly vacuumed table ("clean"), median of several runs;
2. a burst: ``--burst`` breaches armed, vacuumed, one ``sla.sweep()`` timed → rows/s
   (every alert claimed and written to the outbox within that one call);
3. ``--alerts`` breaches armed and swept, then the idle sweep again with autovacuum off
   for the complaint table and no VACUUM in between ("after alerts").

Target (issue 9): ≥ 5,000 rows/s for the burst; the idle sweep after the alerts within
1.2× of the clean one.
"""

import argparse
import datetime as dt
import os
import statistics
import time

from _common import setup

os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("DEBUG", "false")

PREFIX = "SW-209912-"


def fill(open_count: int, alerts: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from complaints.models import Complaint
    from customers.models import Customer

    bench = Complaint.objects.filter(number__startswith=PREFIX)
    if bench.count() == open_count + alerts:
        return
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE complaints_complaint RESTART IDENTITY CASCADE")
    user, _created = get_user_model().objects.get_or_create(
        username="bench-sweep-engineer", defaults={"email": "engineer@bench.example.com"}
    )
    customer, _created = Customer.objects.get_or_create(
        code="SWK001", defaults={"name": "基准客户有限公司", "region": "江苏"}
    )
    now = timezone.now()
    started = time.perf_counter()
    total = open_count + alerts
    for start in range(0, total, 2000):
        rows = []
        for i in range(start, min(start + 2000, total)):
            # The background: received a few hours ago, every deadline still ahead.
            received = now - dt.timedelta(hours=4) if i < open_count else now - dt.timedelta(hours=60)
            rows.append(
                Complaint(
                    number=f"{PREFIX}{i:06d}",
                    state=Complaint.State.RECTIFYING if i % 3 else Complaint.State.ANALYSING,
                    customer_id=customer.pk,
                    title="断路器拒合",
                    description="断路器拒合，客户要求尽快处理。" * 8,
                    received_at=received,
                    received_by_id=user.pk,
                    assignee_id=user.pk,
                    first_response_risk_at=received + dt.timedelta(hours=18),
                    first_response_due_at=received + dt.timedelta(hours=24),
                    first_responded_at=received + dt.timedelta(hours=2) if i >= open_count else None,
                    resolution_risk_at=received + dt.timedelta(hours=36),
                    resolution_due_at=received + dt.timedelta(hours=48) + dt.timedelta(days=30),
                    resolution_risk_notified_at=received + dt.timedelta(hours=36) if i >= open_count else None,
                )
            )
        Complaint.objects.bulk_create(rows)
    # As if entered long ago (QuerySet.update writes the value given, not auto_now).
    bench.update(updated_at=now - dt.timedelta(hours=60))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE complaints_complaint")
    print(f"filled {open_count} open + {alerts} answered complaints in {time.perf_counter() - started:.1f} s")


def arm(count: int) -> list[int]:
    """Make ``count`` answered complaints' resolution breach fall due one second ago, unannounced."""
    from django.utils import timezone

    from complaints.models import Complaint

    pks = list(
        Complaint.objects.filter(number__startswith=PREFIX, first_responded_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    Complaint.objects.filter(pk__in=pks).update(
        resolution_due_at=timezone.now() - dt.timedelta(seconds=1), resolution_breach_notified_at=None
    )
    return pks


def clear(vacuum: bool = True) -> None:
    """Forget the bench's alerts and push every deadline back out; vacuum unless told not to."""
    from django.db import connection
    from django.utils import timezone

    from aftersales.models import Notification
    from complaints.models import Complaint, ComplaintEvent

    Notification.objects.filter(kind__startswith="complaints.").delete()
    ComplaintEvent.objects.filter(action=ComplaintEvent.Action.ALERT).delete()
    Complaint.objects.filter(number__startswith=PREFIX, first_responded_at__isnull=False).update(
        resolution_due_at=timezone.now() + dt.timedelta(days=30)
    )
    if vacuum:
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                if table.startswith(("complaints_", "aftersales_notification")):
                    cursor.execute(f'VACUUM ANALYZE "{table}"')


def idle(runs: int = 15) -> tuple[float, float]:
    """Return the first idle sweep's time and the median of ``runs`` (ms)."""
    from complaints import sla

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        sent = sla.sweep()
        times.append((time.perf_counter() - started) * 1000)
        assert not any(sent.values()), sent
    return times[0], statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=50_000, help="open complaints with every deadline ahead")
    parser.add_argument("--alerts", type=int, default=20_000, help="alerts before the second idle sweep")
    parser.add_argument("--burst", type=int, default=5_000)
    args = parser.parse_args()
    setup()
    fill(args.open, max(args.alerts, args.burst))

    from django.db import connection
    from django.db.models import Count

    from aftersales.models import Notification
    from complaints import sla

    clear()
    sla.sweep()  # whatever the sweeper keeps about earlier runs is in place
    clean_first, clean = idle()
    print(f"idle sweep, clean table: first {clean_first:.1f} ms, median {clean:.1f} ms")

    rates = []
    for _ in range(3):
        clear()
        armed = arm(args.burst)
        started = time.perf_counter()
        sent = sla.sweep()
        seconds = time.perf_counter() - started
        assert sent["resolution_breached"] == len(armed), sent
        rates.append(len(armed) / seconds)
        print(f"burst of {len(armed)}: {seconds * 1000:.0f} ms, {len(armed) / seconds:,.0f} rows/s")
    dupes = Notification.objects.values("key").annotate(n=Count("id")).filter(n__gt=1).count()
    print(f"burst median {statistics.median(rates):,.0f} rows/s (target ≥ 5,000); duplicate keys: {dupes}")

    clear()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE complaints_complaint SET (autovacuum_enabled = false)")
    try:
        armed = arm(args.alerts)
        sent = sla.sweep()
        assert sent["resolution_breached"] == len(armed), sent
        after_first, after = idle()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE complaints_complaint RESET (autovacuum_enabled)")
    print(
        f"idle sweep after {len(armed)} alerts, no vacuum: first {after_first:.1f} ms = {after_first / clean:.2f}× "
        f"clean, median {after:.1f} ms = {after / clean:.2f}× clean (target ≤ 1.2×)"
    )


if __name__ == "__main__":
    main()
