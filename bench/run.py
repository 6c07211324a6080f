"""One table of the speed figures, each a ratio against its reference in the same run (see bench/README.md).

    python bench/run.py --scale 1      # 100k customers, 500k deliveries, 1M complaints
    python bench/run.py --scale 0.1    # a tenth, for a quick run

The data sets live in scratch PostgreSQL databases named after the base URL and the scale
(``aftersales_bench_s1``, ``aftersales_bench_s0_1``, ...), filled once and reused. A run
uses the set at its scale and the set ten times smaller (the reference of the figures that
must stay flat with data size), which a run at the smaller scale reuses as its own.
Each figure is a function returning :class:`Result` rows; one that fails prints its error
in its row and the others still run. The exit status is 1 when any row misses its target.
"""

import argparse
import html
import importlib.util
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["CELERY_BROKER_URL"] = "memory://"
# Celery imports with the working directory first on sys.path, where bench/complaints.py
# would shadow the complaints app; work from the project root whatever the caller's directory.
os.chdir(ROOT)
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/aftersales_bench"
CUSTOMERS, DELIVERIES, COMPLAINTS = 100_000, 500_000, 1_000_000
BURST = 5_000  # rows the SLA sweep finds due at once
SWEEP_CYCLES = 3
IDLE_AFTER_BURST = 5  # idle sweeps timed after each burst, before any vacuum
MANAGER = "bench-aftersales_manager-01"
QUALITY = "bench-quality_leader-01"


# ---------------------------------------------------------------------------- helpers


def _load(name: str):
    """Import bench/<name>.py under another name (bench/complaints.py would shadow the app)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(1, str(BENCH))  # for their `from _common import ...`
    spec.loader.exec_module(module)
    return module


def scale_tag(scale: float) -> str:
    return f"s{scale:g}".replace(".", "_").replace("-", "m")


def database_url(base: str, scale: float) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_{scale_tag(scale)}"))


def create_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def ms_runs(fn, repeat: int) -> list[float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return runs


@dataclass
class Result:
    figure: str
    measured: float | None = None
    reference: float | None = None
    ratio: float | None = None
    target: str = ""
    ok: bool | None = None
    unit: str = "ms"
    ref_label: str = ""
    note: str = ""
    error: str = ""


def at_most(figure, measured, reference, limit, **kw) -> Result:
    ratio = measured / reference if reference else None
    return Result(figure, measured, reference, ratio, f"≤ {limit}×", ratio is not None and ratio <= limit, **kw)


# ---------------------------------------------------------------------------- filling


def fill(scale: float) -> None:
    """Fill the database of DATABASE_URL at ``scale`` unless a completed fill at that scale is recorded."""
    common = _load("_common")
    common.setup()
    from django.db import connection

    tag = scale_tag(scale)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_fill"
            " (scale text PRIMARY KEY, filled_at timestamptz NOT NULL DEFAULT now())"
        )
        cursor.execute("SELECT filled_at FROM bench_fill WHERE scale = %s", [tag])
        done = cursor.fetchone()
    if done:
        print(f"  {connection.settings_dict['NAME']}: filled at scale {scale:g} on {done[0]:%Y-%m-%d %H:%M}; reused")
        users()
        date_changes(tag)
        return
    print(f"  {connection.settings_dict['NAME']}: filling at scale {scale:g}", flush=True)
    started = time.perf_counter()
    complaints = _load("complaints")
    ledger = _load("ledger")
    # complaints.py spreads its complaints over CUSTOMERS customers of its own; the ledger
    # then adds customers (with one delivery each) up to the scale's total.
    complaints.CUSTOMERS = max(int(complaints.CUSTOMERS * scale), 100)
    complaints.fill(int(COMPLAINTS * scale))
    ledger.fill(int(CUSTOMERS * scale))
    fill_deliveries(int(DELIVERIES * scale))
    users()
    date_changes(tag)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("INSERT INTO bench_fill (scale) VALUES (%s)", [tag])
    print(f"  filled in {time.perf_counter() - started:.0f} s", flush=True)


def date_changes(tag: str) -> None:
    """Date each complaint's last change by its history, not by the time of filling (once per set).

    Bulk inserts stamp every row's ``updated_at`` with the moment of filling, as if a
    million complaints had all changed in the last minutes; the sweeper reads recently
    changed running clocks, so that would not be the data set of a real year.
    """
    from django.db import connection

    marker = f"{tag}+changes"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM bench_fill WHERE scale = %s", [marker])
        if cursor.fetchone():
            return
        print("  dating the complaints' last changes", flush=True)
        cursor.execute(
            "UPDATE complaints_complaint SET updated_at = GREATEST(received_at, first_responded_at, closed_at,"
            " paused_since, manager_approved_at, gm_approved_at)"
        )
        cursor.execute("VACUUM ANALYZE complaints_complaint")
        cursor.execute("INSERT INTO bench_fill (scale) VALUES (%s)", [marker])


def fill_deliveries(count: int) -> None:
    """Add deliveries spread over all customers with COPY until there are ``count``."""
    import datetime as dt

    from django.db import transaction
    from django.db.models import NOT_PROVIDED
    from django.utils import timezone

    from aftersales.bulk import insert_rows
    from customers.models import Customer, Delivery, ProductModel

    existing = Delivery.objects.count()
    if existing >= count:
        return
    customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    models = list(ProductModel.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    given = ["customer", "product_model", "serial_number", "batch_number", "delivery_date", "warranty_end"]
    others = [
        f
        for f in Delivery._meta.concrete_fields
        if not f.primary_key and f.name not in given and f.db_default is NOT_PROVIDED
    ]
    fields = given + [f.name for f in others]
    defaults = tuple(
        now if getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False) else f.get_default() for f in others
    )
    start_day = dt.date(2023, 1, 1)
    batch = 50_000
    for start in range(existing, count, batch):
        rows = []
        for i in range(start, min(start + batch, count)):
            day = start_day + dt.timedelta(days=i % 1000)
            rows.append(
                (
                    customers[(i * 7919) % len(customers)],
                    models[i % len(models)],
                    f"DSN{i:09d}",
                    f"DB{i % 2000}",
                    day,
                    day + dt.timedelta(days=364),
                    *defaults,
                )
            )
        with transaction.atomic():
            insert_rows(Delivery, fields, rows)
        print(f"  {start + len(rows)} deliveries", flush=True)


def users() -> dict:
    """Return the bench users the pages are read as (the complaint fill creates the manager)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user_model = get_user_model()
    quality, created = user_model.objects.get_or_create(
        username=QUALITY, defaults={"last_name": "基准", "first_name": "quality_leader"}
    )
    if created:
        quality.set_unusable_password()
        quality.save(update_fields=["password"])
        quality.groups.add(Group.objects.get(name="quality_leader"))
    return {"manager": user_model.objects.get(username=MANAGER), "quality": quality}


# ---------------------------------------------------------------------------- in-process pages


class Pages:
    """GET pages through Django's test client (the whole middleware stack and rendering)."""

    def __init__(self):
        from django.test import Client

        self.users = users()
        self.clients = {}
        for name, user in self.users.items():
            client = Client()
            client.force_login(user)
            self.clients[name] = client

    def get(self, path: str, as_user: str = "manager"):
        response = self.clients[as_user].get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    def probes(self) -> dict:
        """The pages measured on both data sets (full and ten times smaller)."""
        return {
            "workbench": lambda: self.get("/quality/", "quality"),
            "my_work": lambda: self.get("/complaints/mine/"),
            "home": lambda: self.get("/"),
        }


def probe_loop() -> None:
    """Serve timings of :meth:`Pages.probes` on this process's database: one JSON line per request line."""
    _load("_common").setup()
    probes = Pages().probes()
    print("ready", flush=True)
    for line in sys.stdin:
        name, repeat = line.split()
        try:
            print(json.dumps(ms_runs(probes[name], int(repeat))), flush=True)
        except Exception as exc:  # report, keep serving
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)


class Prober:
    """A probe_loop child on the smaller data set."""

    def __init__(self, url: str):
        env = {**os.environ, "DATABASE_URL": url}
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--role", "probe"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"the probe on {url} did not start ({line!r})")

    def runs(self, name: str, repeat: int) -> list[float]:
        self.proc.stdin.write(f"{name} {repeat}\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        if isinstance(answer, dict):
            raise RuntimeError(f"smaller set: {answer['error']}")
        return answer

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


# ---------------------------------------------------------------------------- figures


def fig_throughput(ctx) -> list[Result]:
    """1. List page req/s under gunicorn (2 workers, 8 clients) vs a hello-world view in the same setup."""
    from django.conf import settings

    cookie = ctx.pages.clients["manager"].cookies[settings.SESSION_COOKIE_NAME].value
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": ctx.url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "aftersales.wsgi:application", "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--chdir", str(ROOT), "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    try:
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
        deadline = time.monotonic() + 60
        while True:
            try:
                if _http_get(port, "/bench/hello/", headers) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not answer")
            time.sleep(0.3)
        for path in ("/bench/hello/", "/complaints/"):
            status = _http_get(port, path, headers)
            if status != 200:
                raise RuntimeError(f"GET {path} under gunicorn answered {status}")
        done = {"/bench/hello/": [0, 0.0], "/complaints/": [0, 0.0]}
        for _round in range(ctx.throughput_rounds):
            for path in done:
                _load_test(port, path, headers, 1.0)  # warm
                count, seconds = _load_test(port, path, headers, ctx.throughput_seconds)
                done[path][0] += count
                done[path][1] += seconds
    finally:
        server.terminate()
        server.wait(timeout=30)
    hello = done["/bench/hello/"][0] / done["/bench/hello/"][1]
    listing = done["/complaints/"][0] / done["/complaints/"][1]
    ratio = listing / hello
    return [
        Result(
            "list page under gunicorn (2 workers, 8 clients) vs hello world",
            listing,
            hello,
            ratio,
            "≥ 0.15×, ≥ 200 req/s",
            ratio >= 0.15 and listing >= 200,
            unit="req/s",
        )
    ]


def _http_get(port: int, path: str, headers: dict) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _load_test(port: int, path: str, headers: dict, seconds: float, clients: int = 8) -> tuple[int, float]:
    """Return (successful responses, elapsed seconds) of ``clients`` threads hitting ``path``."""
    counts, errors = [0] * clients, []
    stop = time.monotonic() + seconds

    def work(n):
        while time.monotonic() < stop:
            try:
                status = _http_get(port, path, headers)
            except OSError as exc:
                errors.append(exc)
                continue
            if status == 200:
                counts[n] += 1
            else:
                errors.append(status)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests to {path}, e.g. {errors[0]!r}")
    return sum(counts), elapsed


def _next_href(content: str) -> str | None:
    for tag in re.findall(r"<a\b[^>]*>", content):
        if 'data-testid="next-page"' in tag:
            found = re.search(r'\bhref="([^"]*)"', tag)
            return html.unescape(found.group(1)) if found else None
    return None


def _list_queryset(user):
    from django.http import QueryDict

    from complaints import selectors

    _filter, rows = selectors.complaint_list(user=user, filters=QueryDict(""))
    return rows


def deep_page_url(ctx, page: int, per_page: int) -> str:
    """The URL of list page ``page`` in the shape of page 1's next link: with a cursor if it carries one."""
    href = _next_href(ctx.pages.get("/complaints/").content.decode())
    if not href:
        raise RuntimeError("page 1 has no next link (data-testid=next-page)")
    parts = urlsplit(href)
    query = parse_qsl(parts.query, keep_blank_values=True)
    params = dict(query)
    cursor_name = next((name for name in params if name == "after" or name.endswith("_after")), None)
    new = {"page": str(page)}
    if cursor_name:
        from aftersales import keyset

        rows = _list_queryset(ctx.pages.users["manager"])
        keys = keyset._order_keys(rows)
        if not keys:
            raise RuntimeError("the next link carries a cursor but the list's order has no keyset keys")
        names = [name for name, _descending in keys]
        # The cursor of page 2 is the last row of page 1; check that before building a deep one.
        if keyset._encode(list(rows.values_list(*names)[per_page - 1])) != params[cursor_name]:
            raise RuntimeError(f"the next link's cursor is not the last row of page 1 by {names}")
        new[cursor_name] = keyset._encode(list(rows.values_list(*names)[(page - 1) * per_page - 1]))
    return urlunsplit(parts._replace(query=urlencode([(k, new.get(k, v)) for k, v in query])))


def fig_deep_pages(ctx) -> list[Result]:
    """2. List pages 2,000 and 10,000 (scaled) vs page 1, in process, median of several runs."""
    from complaints import selectors

    per_page = getattr(selectors, "PAGE_SIZE", 50)
    rows = _list_queryset(ctx.pages.users["manager"])
    last_page = max((rows.order_by().count() + per_page - 1) // per_page, 1)
    depths = [min(max(round(depth * ctx.scale), 2), last_page) for depth in (2_000, 10_000)]
    urls = {}
    for page in depths:
        url = deep_page_url(ctx, page, per_page)
        first_row = rows.values_list("number", flat=True)[(page - 1) * per_page]
        if first_row not in ctx.pages.get(url).content.decode():
            raise RuntimeError(f"page {page} ({url}) does not start with row {(page - 1) * per_page + 1}")
        urls[page] = url
    mode = "cursor" if "after" in next(iter(urls.values())) else "offset"
    timings = {"/complaints/": [], **{url: [] for url in urls.values()}}
    for path in timings:
        ctx.pages.get(path)  # warm
    for _ in range(ctx.repeat):
        for path, runs in timings.items():
            runs.extend(ms_runs(lambda p=path: ctx.pages.get(p), 1))
    first = statistics.median(timings["/complaints/"])
    return [
        at_most(
            f"list page {page:,} vs page 1 ({mode})",
            statistics.median(timings[url]),
            first,
            1.2,
            ref_label="page 1",
        )
        for page, url in urls.items()
    ]


def fig_queries(ctx) -> list[Result]:
    """3. SQL queries of one request: the list and a complaint's detail page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    number = _list_queryset(ctx.pages.users["manager"]).values_list("number", flat=True)[0]
    results = []
    for label, path, limit in (
        ("SQL queries: list page", "/complaints/", 6),
        ("SQL queries: detail page", reverse("complaints:detail", args=[number]), 10),
    ):
        ctx.pages.get(path)  # the first request of a session may write it
        with CaptureQueriesContext(connection) as queries:
            ctx.pages.get(path)
        count = len(queries)
        results.append(Result(label, count, None, None, f"≤ {limit}", count <= limit, unit="queries"))
    return results


SAVED = "bench_sla_saved"
ARM_COLUMNS = [
    "state",
    "closed_at",
    "paused_since",
    "first_responded_at",
    "resolution_due_at",
    "response_risk_notified_at",
    "response_breach_notified_at",
    "resolution_risk_notified_at",
    "resolution_breach_notified_at",
]


def _restore_armed() -> None:
    """Put back the complaints an earlier (maybe interrupted) sweep measurement armed."""
    from django.db import connection

    from complaints.models import Complaint

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [SAVED])
        if cursor.fetchone()[0] is None:
            return
        columns = [Complaint._meta.get_field(name).column for name in ARM_COLUMNS]
        sets = ", ".join(f'"{c}" = s."{c}"' for c in columns)
        cursor.execute(f"UPDATE complaints_complaint c SET {sets} FROM {SAVED} s WHERE c.id = s.id")
        cursor.execute(f"DROP TABLE {SAVED}")


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE complaints_complaint")


def _clean_alerts(since, armed=()) -> None:
    """Delete the alert events and outbox rows written since ``since``, and the claims of the armed rows."""
    from django.apps import apps

    from aftersales.models import Notification
    from complaints.models import ComplaintEvent

    ComplaintEvent.objects.filter(action=ComplaintEvent.Action.ALERT, at__gte=since).delete()
    Notification.objects.filter(kind__startswith="complaints.", created_at__gte=since).delete()
    try:  # claims as rows of their own, where the sweeper keeps them
        claims = apps.get_model("complaints", "ServiceLevelAlert")
    except LookupError:
        return
    if armed:
        claims.objects.filter(complaint_id__in=armed).delete()


def _swept(result) -> int | None:
    return sum(result.values()) if isinstance(result, dict) else None


def fig_sweep(ctx) -> list[Result]:
    """4. SLA sweep: a burst of BURST rows due vs a bare UPDATE loop; idle sweep after it vs a clean one."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from complaints import sla
    from complaints.models import Complaint

    _restore_armed()
    started = timezone.now()
    # The clock is real throughout, as the every-minute sweeper's: a sweeper may remember how
    # far it has swept, so a burst is made of deadlines that pass after the last sweep.
    # First flag what fell due since the fill, as that sweeper would have done.
    for _ in range(50):
        if not _swept(sla.sweep(timezone.now())):
            break
    _clean_alerts(started)
    _vacuum()
    sla.sweep(timezone.now())  # warm
    # Clean idle sweeps here and again after each cycle's vacuum, so both sides of the ratio
    # are sampled across the same stretch of time on a machine shared with other work.
    cleans = ms_runs(lambda: sla.sweep(timezone.now()), IDLE_AFTER_BURST)

    ids = list(
        Complaint.objects.filter(state=Complaint.State.CLOSED).order_by("-pk").values_list("pk", flat=True)[:BURST]
    )
    if len(ids) < BURST:
        raise RuntimeError(f"only {len(ids)} closed complaints to arm")
    flag_column = Complaint._meta.get_field("resolution_breach_notified_at").column

    # Reference: one UPDATE per row setting the same flag, in one transaction, rolled back.
    with transaction.atomic(), connection.cursor() as cursor:
        start = time.perf_counter()
        for pk in ids:
            cursor.execute(f'UPDATE complaints_complaint SET "{flag_column}" = %s WHERE id = %s', [started, pk])
        loop_seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    loop_rate = BURST / loop_seconds

    columns = [Complaint._meta.get_field(name).column for name in ARM_COLUMNS]
    rates, idles, firsts, notes = [], [], [], []
    for _cycle in range(SWEEP_CYCLES):
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE {SAVED} AS SELECT id, {', '.join(columns)} FROM complaints_complaint WHERE id = ANY(%s)",
                [ids],
            )
        try:
            armed_at = timezone.now()
            earlier, deadline = armed_at - dt.timedelta(minutes=1), armed_at + dt.timedelta(seconds=1)
            # Open, responded, at-risk alert sent: each row has exactly its resolution breach
            # due, a second from now (after the last sweep, before the next).
            Complaint.objects.filter(pk__in=ids).update(
                state=Complaint.OPEN_STATES[1],
                closed_at=None,
                paused_since=None,
                first_responded_at=earlier,
                response_risk_notified_at=earlier,
                response_breach_notified_at=earlier,
                resolution_risk_notified_at=earlier,
                resolution_breach_notified_at=None,
                resolution_due_at=deadline,
            )
            _vacuum()
            while timezone.now() <= deadline:
                time.sleep(0.1)
            start = time.perf_counter()
            swept = _swept(sla.sweep(timezone.now()))
            burst_seconds = time.perf_counter() - start
            alerted = Complaint.objects.filter(pk__in=ids, resolution_breach_notified_at__isnull=False).count()
            if alerted != BURST:
                notes.append(f"{alerted} of {BURST} flagged")
            rates.append(alerted / burst_seconds)
            if swept is not None and swept != BURST:
                notes.append(f"sweep reported {swept}")
            # The next sweeps, before any vacuum: dead index entries of the claimed rows. Several,
            # as the every-minute sweeper runs many times before autovacuum comes: a single
            # 20 ms sample on a shared machine swung by half either way.
            after = ms_runs(lambda: sla.sweep(timezone.now()), IDLE_AFTER_BURST)
            firsts.append(after[0])
            idles.extend(after)
        finally:
            _restore_armed()
            _clean_alerts(started, ids)
            _vacuum()
        sla.sweep(timezone.now())  # warm, as before the first clean samples
        cleans.extend(ms_runs(lambda: sla.sweep(timezone.now()), IDLE_AFTER_BURST))
    rate, idle, clean = statistics.median(rates), statistics.median(idles), statistics.median(cleans)
    return [
        Result(
            f"SLA sweep, {BURST:,} due at once",
            rate,
            loop_rate,
            rate / loop_rate,
            "≥ 5,000 rows/s",
            rate >= 5000,
            unit="rows/s",
            ref_label="UPDATE loop",
            note="; ".join(sorted(set(notes))),
        ),
        at_most(
            "idle SLA sweep after the burst vs clean",
            idle,
            clean,
            1.2,
            ref_label="clean idle",
            note="first after each burst: " + ", ".join(f"{ms:.0f}" for ms in firsts) + " ms",
        ),
    ]


def fig_flat(ctx) -> list[Result]:
    """5 and 6. Workbench, my work and the start page at full scale vs the ten times smaller set."""
    labels = {
        "workbench": "quality workbench",
        "my_work": "my work page, manager",
        "home": "start page (counts), manager",
    }
    probes = ctx.pages.probes()
    small = Prober(ctx.small_url)
    results = []
    try:
        for name, label in labels.items():
            try:
                full_runs, small_runs = [], []
                probes[name]()
                small.runs(name, 1)  # warm both
                for _ in range(ctx.rounds):
                    small_runs += small.runs(name, 3)
                    full_runs += ms_runs(probes[name], 3)
                results.append(
                    at_most(
                        f"{label} at scale {ctx.scale:g} vs {ctx.scale / 10:g}",
                        statistics.median(full_runs),
                        statistics.median(small_runs),
                        1.2,
                        ref_label="10× smaller",
                    )
                )
            except Exception as exc:
                results.append(Result(label, target="≤ 1.2×", ok=False, error=f"{type(exc).__name__}: {exc}"))
    finally:
        small.close()
    return results


FIGURES = [fig_throughput, fig_deep_pages, fig_queries, fig_sweep, fig_flat]


# ---------------------------------------------------------------------------- table


def _value(value, unit) -> str:
    if value is None:
        return ""
    if unit == "ms":
        return f"{value:,.1f} ms"
    if unit == "queries":
        return f"{value:,.0f}"
    return f"{value:,.0f} {unit}"


def print_table(results: list[Result], head: str) -> None:
    rows = [("figure", "measured", "reference", "ratio", "target", "result")]
    for r in results:
        reference = _value(r.reference, r.unit)
        if r.ref_label and reference:
            reference = f"{reference} ({r.ref_label})"
        verdict = "ERROR" if r.error else ("pass" if r.ok else "FAIL")
        note = r.error or r.note
        rows.append(
            (
                r.figure,
                _value(r.measured, r.unit),
                reference,
                "" if r.ratio is None else f"{r.ratio:.3g}×",
                r.target,
                f"{verdict}{' — ' + note if note else ''}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    print(head)
    print()
    for n, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


class Context:
    def __init__(self, args, url, small_url, pages):
        self.scale = args.scale
        self.url = url
        self.small_url = small_url
        self.pages = pages
        self.repeat = args.repeat
        self.rounds = args.rounds
        self.throughput_seconds = args.seconds
        self.throughput_rounds = 2


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
        help="base URL; the scale is appended to its name",
    )
    parser.add_argument("--repeat", type=int, default=7, help="runs per page in the deep-page figure")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of 3 runs per page and data set in the flat figures"
    )
    parser.add_argument("--seconds", type=float, default=4.0, help="seconds per load-test round under gunicorn")
    parser.add_argument("--only", default="", help="comma-separated figure numbers to run (1-5)")
    parser.add_argument("--role", choices=["run", "fill", "probe"], default="run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "fill":
        fill(args.scale)
        return
    if args.role == "probe":
        probe_loop()
        return

    url, small_url = database_url(args.database_url, args.scale), database_url(args.database_url, args.scale / 10)
    names = urlsplit(url).path[1:], urlsplit(small_url).path[1:]
    print(f"data sets: {names[0]} (scale {args.scale:g}), {names[1]} (scale {args.scale / 10:g})")
    for target, scale in ((small_url, args.scale / 10), (url, args.scale)):
        create_database(target)
        subprocess.run(
            [sys.executable, __file__, "--role", "fill", "--scale", str(scale)],
            env={**os.environ, "DATABASE_URL": target},
            check=True,
        )

    os.environ["DATABASE_URL"] = url
    _load("_common").setup()
    load_before = os.getloadavg()
    started = time.perf_counter()
    ctx = Context(args, url, small_url, Pages())
    chosen = {int(n) for n in args.only.split(",") if n.strip()}
    results = []
    for number, figure in enumerate(FIGURES, start=1):
        if chosen and number not in chosen:
            continue
        print(f"figure {number}: {figure.__doc__.splitlines()[0]}", flush=True)
        try:
            results.extend(figure(ctx))
        except Exception as exc:
            traceback.print_exc()
            name = figure.__doc__.split(" ", 1)[1].split(":")[0].split(" vs ")[0].rstrip(".")
            results.append(Result(name, ok=False, error=f"{type(exc).__name__}: {exc}"))
    load_after = os.getloadavg()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM customers_customer")
        customers = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM customers_delivery")
        deliveries = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM complaints_complaint")
        complaints = cursor.fetchone()[0]
    head = (
        f"scale {args.scale:g}: {customers:,} customers, {deliveries:,} deliveries, {complaints:,} complaints; "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; {os.cpu_count()} CPUs; "
        f"{time.perf_counter() - started:.0f} s"
    )
    print_table(results, head)
    raise SystemExit(0 if all(r.ok and not r.error for r in results) else 1)


if __name__ == "__main__":
    main()
