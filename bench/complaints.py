"""Time the complaint list, the my-work queue and the SLA sweep on a million complaints (see bench/README.md).

The rows are synthetic but shaped like the real flow over three years: the clock runs
24 h to the first response and 48 h to the resolution, most complaints close within a
few days, a tail stays open for weeks or months (some of it paused, waiting for the
customer), a few per cent are cancelled early. The alert flags are set as the sweeper
would have set them, so a sweep right after filling finds nothing due.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import time
from collections import Counter
from zoneinfo import ZoneInfo

from _common import ROOT, setup, timed

# Alerts the sweep queues go to an in-process broker, not to the filesystem queue under var/.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

YEARS = 3
CUSTOMERS = 20_000
BATCH = 10_000
HOUR = 3600.0
DAY = 24 * HOUR
ARMED = 1000  # rows the sweep with work to do finds due
PAGE_MS = 200
SWEEP_MS = 1000

# Role group -> how many bench users hold it.
STAFF = {
    "aftersales_engineer": 12,
    "aftersales_manager": 3,
    "general_manager": 1,
    "sales": 20,
    "quality_engineer": 4,
    "management": 1,
}
TITLES = ["开关柜柜门变形", "断路器拒合", "变压器温升异常", "交付资料缺少合格证", "储能电机不停转", "SF6 气压偏低"]


def fill_staff() -> dict[str, list[int]]:
    """Create the bench users with their role groups; return their ids per role."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    ids = {}
    for role, count in STAFF.items():
        group = Group.objects.get(name=role)
        ids[role] = []
        for n in range(1, count + 1):
            user, created = user_model.objects.get_or_create(
                username=f"bench-{role}-{n:02d}", defaults={"last_name": "基准", "first_name": f"{role}{n}"}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                user.groups.add(group)
            ids[role].append(user.pk)
    return ids


def fill_customers(sales: list[int]) -> list[int]:
    """Create CUSTOMERS customers shared among the sales staff; return their ids in code order."""
    from customers.models import Customer, ProductModel

    existing = Customer.objects.filter(code__startswith="K").count()
    regions = ["江苏", "浙江", "广东", "山东", "四川", "湖北", "河南", "北京"]
    if existing < CUSTOMERS:
        Customer.objects.bulk_create(
            (
                Customer(
                    code=f"K{i:05d}",
                    name=f"{regions[i % len(regions)]}基准客户{i}有限公司",
                    region=regions[i % len(regions)],
                    tier_id="ABC"[i % 3],
                    salesperson_id=sales[i % len(sales)],
                )
                for i in range(existing, CUSTOMERS)
            ),
            batch_size=BATCH,
        )
    for n in range(1, 21):
        ProductModel.objects.get_or_create(code=f"BM-{n:02d}", defaults={"name": f"基准型号{n}", "warranty_months": 12})
    return list(Customer.objects.filter(code__startswith="K").order_by("code").values_list("pk", flat=True))


def _arrivals(count: int, now: float, zone: ZoneInfo, rng: random.Random) -> list[float]:
    """Return ``count`` sorted receipt times (epoch seconds) over the last YEARS years, mostly in office hours."""
    local_midnight = dt.datetime.fromtimestamp(now, zone).replace(hour=0, minute=0, second=0, microsecond=0)
    days = YEARS * 365
    start = local_midnight.timestamp() - (days - 1) * DAY
    times = []
    while len(times) < count:
        moment = start + rng.randrange(days) * DAY + min(max(rng.gauss(12.5, 3.0), 0.0), 23.99) * HOUR
        if moment < now - 60:
            times.append(moment)
    times.sort()
    return times


class Maker:
    """Turn a receipt time into a complaint whose stage, clock and alert flags fit it at ``now``."""

    def __init__(self, now: float, zone: ZoneInfo, staff: dict[str, list[int]], customers: list[int], models):
        from complaints.models import Complaint

        self.C = Complaint
        self.now = now
        self.engineers = staff["aftersales_engineer"]
        self.managers = staff["aftersales_manager"]
        self.receivers = staff["sales"] + self.engineers
        self.customers = customers
        self.models = models
        self.zone = zone
        self.months = Counter()

    def at(self, seconds: float | None):
        return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)

    def make(self, i: int, received: float, rng: random.Random):
        C, now = self.C, self.now
        age = now - received
        responded = received + rng.expovariate(1 / (10 * HOUR))
        tail = rng.random()
        if tail < 0.88:
            closing = rng.expovariate(1 / (30 * HOUR))
        elif tail < 0.98:
            closing = rng.expovariate(1 / (60 * DAY))
        else:
            closing = rng.expovariate(1 / (730 * DAY))
        closing = received + max(closing, responded - received + 0.5 * HOUR)
        cancelling = received + rng.expovariate(1 / (8 * HOUR)) if rng.random() < 0.025 else None

        closed_at = paused_since = None
        responsibility, manager_ok, gm_ok = C.Responsibility.UNDETERMINED, None, None
        severity = rng.choices(["general", "serious", "major"], weights=[80, 17, 3])[0]
        assignee = rng.choice(self.managers) if rng.random() < 0.1 else rng.choice(self.engineers)
        if cancelling is not None and cancelling <= now:
            state, end = C.State.CANCELLED, cancelling
            first_response = responded if responded <= cancelling else None
        elif closing <= now:
            state, end, closed_at, first_response = C.State.CLOSED, closing, closing, responded
            responsibility = rng.choice([C.Responsibility.CUSTOMER, C.Responsibility.COMPANY])
            manager_ok = gm_ok = received + 30 * HOUR
        else:
            first_response = responded if responded <= now else None
            if first_response is None:
                state = C.State.RECEIVED if rng.random() < 0.6 else C.State.ANALYSING
                if state == C.State.RECEIVED and rng.random() < 0.5:
                    assignee = None
            elif age < DAY:
                state = C.State.ANALYSING
            else:
                state = rng.choices(
                    [C.State.ANALYSING, C.State.AWAITING_APPROVAL, C.State.RECTIFYING], weights=[40, 20, 40]
                )[0]
            if state in (C.State.AWAITING_APPROVAL, C.State.RECTIFYING):
                responsibility = rng.choices([C.Responsibility.CUSTOMER, C.Responsibility.COMPANY], weights=[6, 4])[0]
                waiting = state == C.State.AWAITING_APPROVAL and rng.random() < 0.7
                manager_ok = None if waiting else received + 30 * HOUR
                gm_ok = None if waiting else manager_ok
            if age > 2 * DAY and rng.random() < 0.25:
                paused_since = rng.uniform(received + HOUR, now)
            end = paused_since or now

        def flag(moment: float, done: float | None):
            # The sweeper flags a moment that passed while the complaint was open, unpaused and undone.
            if moment < end and (done is None or done > moment):
                return self.at(min(moment + 60, now))
            return None

        month = dt.datetime.fromtimestamp(received, self.zone).strftime("%Y%m")
        self.months[month] += 1
        has_serial = rng.random() < 0.7
        title = rng.choice(TITLES)
        return C(
            number=f"TS-{month}-{self.months[month]:04d}",
            state=state,
            channel=rng.choice(C.Channel.values),
            customer_id=self.customers[int(len(self.customers) * rng.random() ** 2)],
            product_model_id=rng.choice(self.models),
            batch_number=f"PB{i // 500:05d}",
            serial_number=f"SN{i:08d}" if has_serial else "",
            severity=severity,
            category=rng.choice(C.Category.values),
            title=title,
            description=f"{title}，客户要求尽快处理。",
            received_at=self.at(received),
            received_by_id=rng.choice(self.receivers),
            assignee_id=assignee,
            responsibility=responsibility,
            manager_approved_by_id=self.managers[0] if manager_ok else None,
            manager_approved_at=self.at(manager_ok),
            gm_approved_by_id=self.managers[0] if gm_ok and severity == "major" else None,
            gm_approved_at=self.at(gm_ok) if severity == "major" else None,
            acceptance_name="客户代表" if closed_at else "",
            reply_to_customer="已按处理方案处理完毕。" if closed_at else "",
            closed_at=self.at(closed_at),
            cancel_reason="客户撤回" if state == C.State.CANCELLED else "",
            first_response_risk_at=self.at(received + 18 * HOUR),
            first_response_due_at=self.at(received + 24 * HOUR),
            first_responded_at=self.at(first_response),
            resolution_risk_at=self.at(received + 36 * HOUR),
            resolution_due_at=self.at(received + 48 * HOUR),
            paused_since=self.at(paused_since),
            pause_reason="等待客户回复" if paused_since else "",
            response_risk_notified_at=flag(received + 18 * HOUR, first_response),
            response_breach_notified_at=flag(received + 24 * HOUR, first_response),
            resolution_risk_notified_at=flag(received + 36 * HOUR, closed_at),
            resolution_breach_notified_at=flag(received + 48 * HOUR, closed_at),
        )


def fill(count: int) -> None:
    from django.conf import settings
    from django.db import connection

    from aftersales.models import NumberSequence
    from complaints.models import Complaint
    from customers.models import ProductModel

    existing = Complaint.objects.count()
    if existing >= count:
        print(f"{existing} complaints already there; not filling.")
        return
    if existing:
        print(f"{existing} complaints from an earlier, shorter fill; starting again.")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE complaints_complaint RESTART IDENTITY CASCADE")
    staff = fill_staff()
    customers = fill_customers(staff["sales"])
    models = list(ProductModel.objects.filter(code__startswith="BM-").values_list("pk", flat=True))
    now = time.time()
    rng = random.Random(1)
    zone = ZoneInfo(settings.TIME_ZONE)
    arrivals = _arrivals(count, now, zone, rng)
    maker = Maker(now, zone, staff, customers, models)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    for start in range(0, count, BATCH):
        stop = min(start + BATCH, count)
        Complaint.objects.bulk_create([maker.make(i, arrivals[i], rng) for i in range(start, stop)])
        if stop % 100_000 == 0 or stop == count:
            print(f"  {stop} complaints, {time.perf_counter() - started:.0f} s", flush=True)
    for month, last in maker.months.items():
        NumberSequence.objects.update_or_create(key=f"TS-{month}", defaults={"last_value": last})
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")
        cursor.execute("VACUUM ANALYZE complaints_complaint")
        cursor.execute("ANALYZE")


def settle(now) -> None:
    """Flag everything due at ``now``, as the every-minute sweeper would have, without queueing alerts."""
    from complaints.models import Complaint
    from complaints.sla import _OPEN, ALERTS

    for alert in ALERTS:
        Complaint.objects.filter(
            _OPEN, alert.pending, **{f"{alert.flag}__isnull": True, f"{alert.moment}__lte": now}
        ).update(**{alert.flag: now - dt.timedelta(seconds=30)})


def armed_rows(now) -> dict:
    """Pick about ARMED rows that would be due at ``now`` if not flagged yet, spread over the four alerts.

    Few open complaints still wait for their first response, so the resolution alerts
    take what the response alerts cannot fill; no alert gets more than the sweep's batch.
    """
    from complaints.models import Complaint
    from complaints.sla import _OPEN, ALERTS, BATCH

    candidates = {
        alert: list(
            Complaint.objects.filter(_OPEN, alert.pending, **{f"{alert.moment}__lte": now})
            .order_by(f"-{alert.moment}")
            .values_list("pk", flat=True)[:BATCH]
        )
        for alert in ALERTS
    }
    armed, left = {}, ARMED
    for n, alert in enumerate(sorted(ALERTS, key=lambda a: len(candidates[a]))):
        armed[alert] = candidates[alert][: left // (len(ALERTS) - n)]
        left -= len(armed[alert])
    return armed


def time_sweep_with_work(now, armed: dict, repeat: int = 5) -> bool:
    """Time sweeps that find the armed rows due: re-arm their flags before each run, drop its events after."""
    from complaints import sla
    from complaints.models import Complaint, ComplaintEvent

    def arm():
        for alert, ids in armed.items():
            Complaint.objects.filter(pk__in=ids).update(**{alert.flag: None})

    def clean():
        ComplaintEvent.objects.filter(action=ComplaintEvent.Action.ALERT, at=now).delete()

    runs, claimed = [], 0
    for n in range(repeat + 1):  # the first run warms the caches
        arm()
        start = time.perf_counter()
        sla.sweep(now)
        elapsed = (time.perf_counter() - start) * 1000
        claimed = ComplaintEvent.objects.filter(action=ComplaintEvent.Action.ALERT, at=now).count()
        clean()
        if n:
            runs.append(elapsed)
    median = statistics.median(runs)
    due = sum(len(ids) for ids in armed.values())
    label = f"SLA sweep, {due} due ({claimed} alerted)"
    verdict = "ok" if median <= SWEEP_MS else f"SLOW (> {SWEEP_MS} ms)"
    print(f"{label:<48} {median:8.1f} ms  {verdict}")
    return median <= SWEEP_MS


def scorecard_cases(manager, engineer) -> list:
    """The scorecards of the manager's team (every bench engineer and salesperson) and of one engineer."""
    from staff.models import StaffProfile
    from staff.periods import MONTH, QUARTER, Period
    from staff.selectors.scorecards import scorecards, totals, trend

    team = StaffProfile.objects.filter(supervisor=manager).count()
    if not team:
        from django.contrib.auth import get_user_model

        members = get_user_model().objects.filter(username__regex=r"^bench-(aftersales_engineer|sales)-")
        StaffProfile.objects.bulk_create(
            [StaffProfile(user=member, supervisor=manager) for member in members], ignore_conflicts=True
        )
        team = StaffProfile.objects.filter(supervisor=manager).count()
    month, quarter = Period.last_completed(MONTH), Period.last_completed(QUARTER)

    def team_card(period):
        def run():
            rows = scorecards(user=manager, period=period)
            totals(rows)
            return len(rows)

        return run

    def person_card():
        rows = scorecards(user=manager, period=month, people=[engineer])
        trend(user=manager, person=engineer, period=month)
        return len(rows)

    return [
        (f"team scorecard, last month ({team} people)", team_card(month)),
        (f"team scorecard, last quarter ({team} people)", team_card(quarter)),
        ("an engineer's scorecard with its six-month trend", person_card),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--complaints", type=int, default=1_000_000)
    args = parser.parse_args()
    # Celery imports with the working directory first on sys.path, where this file would
    # shadow the complaints app; work from the project root whatever the caller's directory.
    os.chdir(ROOT)
    setup()
    fill(args.complaints)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Max
    from django.http import QueryDict
    from django.utils import timezone

    from complaints import selectors, sla
    from complaints.models import Complaint
    from complaints.views.common import with_sla

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    user_model = get_user_model()
    engineer, manager, sales = (
        user_model.objects.get(username=f"bench-{role}-01")
        for role in ("aftersales_engineer", "aftersales_manager", "sales")
    )
    now = timezone.now()
    latest = Complaint.objects.aggregate(latest=Max("received_at"))["latest"]
    total, still_open = Complaint.objects.count(), Complaint.objects.open().count()
    print(f"{total} complaints, {still_open} open; newest received {latest:%Y-%m-%d %H:%M}")

    def fresh(user):
        # A request loads its user and permissions anew.
        return user_model.objects.get(pk=user.pk)

    def listing(query: str, user=manager):
        params = QueryDict(query)

        def run():
            _filter, rows = selectors.complaint_list(user=fresh(user), filters=params)
            page = selectors.paginate(rows, params.get("page"))
            with_sla(page.object_list)
            return len(page)

        return run

    def queue(user):
        def run():
            viewer = fresh(user)
            page = selectors.paginate(selectors.my_work(user=viewer), None)
            with_sla(page.object_list)
            selectors.my_work_counts(user=viewer)
            return len(page)

        return run

    def counts(user):
        return lambda: selectors.my_work_counts(user=fresh(user))

    sample = (
        Complaint.objects.filter(received_at__lt=now - dt.timedelta(days=400), serial_number__gt="")
        .order_by("-received_at")
        .first()
    )
    month_start = (timezone.localdate() - dt.timedelta(days=365)).replace(day=1)
    month_end = (month_start + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    cases = [
        ("list, first page", listing("")),
        ("list, page 20", listing("page=20")),
        ("list, sales user (own customers)", listing("", sales)),
        ("filter: state open", listing("state=open")),
        ("filter: state closed", listing("state=closed")),
        ("filter: state awaiting approval", listing("state=awaiting_approval")),
        ("filter: severity major", listing("severity=major")),
        ("filter: open + major", listing("state=open&severity=major")),
        ("filter: SLA breached", listing("sla=breached")),
        ("filter: SLA at risk", listing("sla=at_risk")),
        ("filter: SLA paused", listing("sla=paused")),
        ("filter: assignee", listing(f"assignee={engineer.pk}")),
        ("filter: unassigned", listing("assignee=null")),
        ("filter: busiest customer K00000", listing("customer=K00000")),
        ("filter: customer K12345", listing("customer=K12345")),
        ("filter: one month", listing(f"received_from={month_start}&received_to={month_end}")),
        ("filter: one month + closed + serious", listing(f"received_from={month_start}&state=closed&severity=serious")),
        ("search: number", listing(f"q={sample.number}")),
        ("search: number prefix", listing(f"q={sample.number[:-1]}")),
        ("search: serial prefix", listing(f"q={sample.serial_number[:-1]}")),
        ("search: customer name", listing("q=客户4242")),
        ("search: customer code", listing("q=K04242")),
        ("search: no match", listing("q=不存在的客户")),
        ("my work: engineer", queue(engineer)),
        ("my work: manager", queue(manager)),
        ("my work: sales", queue(sales)),
        ("home counts: engineer", counts(engineer)),
        ("home counts: manager", counts(manager)),
        ("home counts: sales", counts(sales)),
    ]
    cases += scorecard_cases(manager, engineer)
    results = []
    for label, run in cases:
        rows = run()
        shown = f"{label} [{rows}]" if isinstance(rows, int) else label
        results.append(timed(shown, run, target_ms=PAGE_MS))

    settle(now)
    armed = armed_rows(now)
    results.append(timed("SLA sweep, nothing due", lambda: sla.sweep(now), repeat=5, target_ms=SWEEP_MS))
    assert not any(sla.sweep(now).values()), "the settled rows should leave nothing due"
    results.append(time_sweep_with_work(now, armed))
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
