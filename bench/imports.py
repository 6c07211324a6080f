"""Time customer imports through the background job path against COPY (see bench/README.md).

For each size (10,000 and 50,000 customers unless ``--sizes`` says otherwise) the bench
writes an xlsx file (openpyxl, write-only) and a UTF-8 csv of the same synthetic rows
under the office's Chinese headers (客户编码, 客户名称, 等级, 行业, 地区, 地址, 联系人,
电话, 备注), then runs each through the real job in this process, as a worker would:
``import_start`` (size and row limits, the file stored, the check queued to an in-memory
broker that nobody reads), ``run_check`` called once by the bench, then ``import_confirm``
and ``run_write``. Each run starts from empty customer, contact and admin-log tables, so
every row creates a customer, its primary contact and one admin-log entry naming both.

The same values are then loaded with PostgreSQL ``COPY`` (customers with ids taken from
their sequence, then one contact each) inside a transaction that is rolled back: the floor
for moving these rows into the database, without the checks and without the admin log.

Target: at least 3,000 rows/s for the whole job (upload + check + write). The queries of
each phase are counted; a constant number per 2,000-row batch is expected, never one per
row. Afterwards the export memory part runs ``bench/export_memory.py`` when it exists.
"""

import argparse
import csv
import importlib
import io
import os
import random
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from urllib.parse import urlparse

from _common import ROOT, setup

# The queued steps go to an in-process broker; the bench runs them itself, once each.
os.environ.setdefault("CELERY_BROKER_URL", "memory://")
# As in production: no query log kept per connection.
os.environ.setdefault("DEBUG", "false")
# The stored upload files go to a scratch directory, not under var/.
_SCRATCH = tempfile.mkdtemp(prefix="bench-imports-")
os.environ.setdefault("MEDIA_ROOT", os.path.join(_SCRATCH, "media"))
os.environ.setdefault("PRIVATE_MEDIA_ROOT", os.path.join(_SCRATCH, "private"))

TARGET = 3000  # rows/s, upload + check + write
HEADERS = ["客户编码", "客户名称", "等级", "行业", "地区", "地址", "联系人", "电话", "备注"]
PROVINCES = ["江苏", "江苏", "浙江", "浙江", "广东", "广东", "山东", "山东", "四川", "湖北", "河南", "安徽"]
CITIES = ["南京", "苏州", "杭州", "宁波", "广州", "深圳", "济南", "青岛", "成都", "武汉", "郑州", "合肥"]
WORDS = ["华电", "恒通", "远航", "金桥", "新源", "宏达", "中能", "瑞丰", "天成", "光明", "长江", "东方"]
KINDS = ["电力设备", "轨道交通", "石化工程", "冶金机械", "建设工程", "输变电", "能源科技", "智能电气"]
ROADS = ["中山", "人民", "解放", "建设", "长江", "黄河", "和平", "新华", "胜利", "文化"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
NOTES = ["", "", "", "年度框架协议客户", "需提前一天电话预约上门", "付款周期 90 天", "2025 年起由华东区负责"]


def ensure_database() -> None:
    """Create the database named by DATABASE_URL when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database (it is created if missing).")
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    admin.close()


def clerk():
    """The quality clerk who imports (the role holds customers.import_customer)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from aftersales import roles

    user, created = get_user_model().objects.get_or_create(
        username="bench-imports-clerk", defaults={"last_name": "基准", "first_name": "文员"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=roles.QUALITY_CLERK))
    user = get_user_model().objects.get(pk=user.pk)  # fresh permission cache
    if not user.has_perm("customers.import_customer"):
        sys.exit("The quality clerk role lacks customers.import_customer.")
    return user


def make_rows(count: int, seed: int = 1) -> list[list[str]]:
    """``count`` customer rows as the office types them: all text, the phone with no apostrophe."""
    from django.utils import translation

    from customers.models import Customer

    with translation.override("zh-hans"):
        industries = [str(label) for _value, label in Customer.Industry.choices]
    rng = random.Random(seed)
    rows = []
    for i in range(1, count + 1):
        n = rng.randrange(len(CITIES))
        rows.append(
            [
                f"KH{i:07d}",
                f"{CITIES[n]}{rng.choice(WORDS)}{rng.choice(KINDS)}有限公司{i}",
                rng.choice("AABBBCCCCC"),
                rng.choice(industries),
                PROVINCES[n],
                f"{PROVINCES[n]}省{CITIES[n]}市{rng.choice(ROADS)}路{rng.randint(1, 999)}号",
                rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
                f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                rng.choice(NOTES),
            ]
        )
    return rows


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("客户")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    handle = io.BytesIO()
    book.save(handle)
    return handle.getvalue()


def csv_bytes(rows) -> bytes:
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return handle.getvalue().encode("utf-8")


def empty_tables() -> None:
    """Start a run from no customers, contacts or admin-log entries (and keep the tables analysed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE customers_customer, customers_contact, django_admin_log RESTART IDENTITY CASCADE")
        cursor.execute("ANALYZE customers_customer, customers_contact, django_admin_log")


class Queries:
    """Count the statements sent on the default connection (executemany counts once)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def phase(times: dict, queries: dict, name: str):
    from django.db import connection

    counter = Queries()
    start, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counter):
        yield
    times[name] = time.perf_counter() - start
    times[name + " cpu"] = time.process_time() - cpu
    queries[name] = counter.count


def run_import(user, name: str, data: bytes, count: int, profiler=None) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aftersales.importing import import_confirm, import_start, run_check, run_write
    from aftersales.models import SpreadsheetJob
    from customers.models import Contact, Customer

    kind = "customers.customer"
    times, queries = {}, {}
    if profiler:
        profiler.start()
    with phase(times, queries, "upload"):
        job = import_start(user=user, kind=kind, upload=SimpleUploadedFile(name, data))
    with phase(times, queries, "check"):
        run_check(job.pk)
    job.refresh_from_db()
    if job.status != SpreadsheetJob.Status.CHECKED or job.created_count != count:
        problems = list(job.problems.values_list("row", "column", "message")[:5])
        sys.exit(f"{name}: the check ended {job.status} with {job.created_count} to create; {problems}")
    with phase(times, queries, "write"):
        import_confirm(user=user, job=job)
        run_write(job.pk)
    if profiler:
        profiler.stop()
    job.refresh_from_db()
    if job.status != SpreadsheetJob.Status.DONE or job.created_count != count:
        sys.exit(f"{name}: the write ended {job.status} ({job.failure}) with {job.created_count} created")
    written = (Customer.objects.count(), Contact.objects.count())
    if written != (count, count):
        sys.exit(f"{name}: {written[0]} customers and {written[1]} contacts in the tables, expected {count} each")
    return {"times": times, "queries": queries}


def copy_rows(user, rows) -> float:
    """Seconds to COPY the same customers and their contacts; rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from customers.models import Customer

    industry_of = industry_values()
    now = timezone.now().isoformat()
    start = time.perf_counter()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence('customers_customer', 'id')) FROM generate_series(1, %s)",
                    [len(rows)],
                )
                ids = [pk for (pk,) in cursor.fetchall()]
                customers, contacts = io.StringIO(), io.StringIO()
                write_customer, write_contact = csv.writer(customers).writerow, csv.writer(contacts).writerow
                for pk, (code, name, tier, industry, region, address, contact, phone, notes) in zip(
                    ids, rows, strict=True
                ):
                    write_customer(
                        [
                            pk,
                            code,
                            name,
                            tier,
                            industry_of[industry],
                            region,
                            address,
                            user.pk,
                            Customer.Relationship.REGULAR,
                            notes,
                            "t",
                            now,
                            now,
                        ]
                    )
                    write_contact([pk, contact, phone, "", "", "", "t", "", ""])
                customers.seek(0)
                contacts.seek(0)
                raw = cursor.cursor  # psycopg2's own cursor under Django's wrapper
                raw.copy_expert(
                    "COPY customers_customer (id, code, name, tier_id, industry, region, address, salesperson_id,"
                    " relationship, notes, is_active, created_at, updated_at) FROM STDIN"
                    " WITH (FORMAT csv, FORCE_NOT_NULL (industry, region, address, notes))",
                    customers,
                )
                raw.copy_expert(
                    "COPY customers_contact (customer_id, name, phone, email, gender, role, is_primary,"
                    " relationship, interests) FROM STDIN WITH (FORMAT csv,"
                    " FORCE_NOT_NULL (phone, email, gender, role, relationship, interests))",
                    contacts,
                )
                elapsed = time.perf_counter() - start
                cursor.execute("SELECT count(*) FROM customers_customer")
                if cursor.fetchone()[0] != len(rows):
                    sys.exit("COPY did not load every customer")
            raise _Rollback(elapsed)
    except _Rollback as done:
        return done.elapsed


class _Rollback(Exception):
    def __init__(self, elapsed):
        self.elapsed = elapsed


def industry_values() -> dict:
    """Industry label (as in the file) -> stored value."""
    from django.utils import translation

    from customers.models import Customer

    with translation.override("zh-hans"):
        return {str(label): value for value, label in Customer.Industry.choices}


def export_memory(sizes) -> bool | None:
    """The export memory part, from bench/export_memory.py when it is there."""
    path = ROOT / "bench" / "export_memory.py"
    if not path.exists():
        print("\nExport memory: skipped (bench/export_memory.py is not there).")
        return None
    print(f"\nExport memory at {', '.join(f'{n:,}' for n in sizes)} rows (bench/export_memory.py, target ≤ 1.3×):")
    module = importlib.import_module("export_memory")
    measure = getattr(module, "measure_export_memory", None)
    if measure is not None:
        results = measure(sizes)
        show = getattr(module, "print_table", None)
        if show is not None:
            return show(results)
        print(results)
        return None
    done = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=os.environ.copy(), check=False)
    return done.returncode == 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000", help="customer rows per file, comma-separated")
    parser.add_argument("--formats", default="xlsx,csv")
    parser.add_argument("--profile", action="store_true", help="profile the largest xlsx run with pyinstrument")
    parser.add_argument("--skip-export", action="store_true", help="leave out the export memory part")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    formats = args.formats.split(",")
    ensure_database()
    setup()

    from django.conf import settings

    user = clerk()
    results = []
    profile_text = None
    for count in sizes:
        rows = make_rows(count)
        files = {"xlsx": xlsx_bytes(rows), "csv": csv_bytes(rows)}
        for kind in formats:
            data = files[kind]
            if len(data) > settings.IMPORT_MAX_BYTES:
                print(
                    f"{kind} of {count:,} rows is {len(data) / 1e6:.1f} MB, over IMPORT_MAX_BYTES "
                    f"({settings.IMPORT_MAX_BYTES / 1e6:.1f} MB): skipped (raise IMPORT_MAX_BYTES to run it)"
                )
                continue
            empty_tables()
            profiler = None
            if args.profile and kind == formats[0] and count == max(sizes):
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.002)
            run = run_import(user, f"customers-{count}.{kind}", data, count, profiler)
            if profiler:
                profile_text = profiler.output_text(unicode=True, color=False, show_all=False)
            empty_tables()
            copy = copy_rows(user, rows)
            results.append((kind, count, len(data), run, copy))
            times = run["times"]
            print(
                f"  {kind} {count:,}: upload {times['upload']:.1f} s, check {times['check']:.1f} s, "
                f"write {times['write']:.1f} s, COPY {copy:.2f} s",
                flush=True,
            )

    batches = {count: -(-count // 2000) for count in sizes}
    print(
        f"\nCustomer import through the job (upload + check + write, target ≥ {TARGET:,} rows/s) "
        "vs COPY of customers_customer + customers_contact (no checks, no admin log):\n"
    )
    header = (
        f"{'format':<6} {'rows':>7} {'MB':>5} {'upload s':>8} {'check s':>7} {'write s':>7} {'total s':>7} "
        f"{'rows/s':>7} {'cpu s':>6} {'COPY s':>6} {'ratio':>6} {'queries u/c/w':>15} {'per batch c/w':>13}  verdict"
    )
    print(header)
    print("-" * len(header))
    ok = True
    for kind, count, size, run, copy in results:
        times, queries = run["times"], run["queries"]
        total = times["upload"] + times["check"] + times["write"]
        speed = count / total
        cpu = times["upload cpu"] + times["check cpu"] + times["write cpu"]
        passed = speed >= TARGET
        ok = ok and passed
        per_batch = f"{queries['check'] / batches[count]:.1f}/{queries['write'] / batches[count]:.1f}"
        print(
            f"{kind:<6} {count:>7,} {size / 1e6:>5.1f} {times['upload']:>8.2f} {times['check']:>7.2f} "
            f"{times['write']:>7.2f} {total:>7.2f} {speed:>7,.0f} {cpu:>6.2f} {copy:>6.2f} {total / copy:>6.0f} "
            f"{queries['upload']:>4}/{queries['check']:>4}/{queries['write']:>4} {per_batch:>13}  "
            f"{'PASS' if passed else 'FAIL'}"
        )
    print(
        "\ncpu s: this process's CPU time in the three phases (PostgreSQL's own is not in it). "
        "queries u/c/w: statements sent in upload, check and write; per batch: check and write "
        "statements per 2,000-row batch. COPY covers the customers and one contact each, not the "
        "admin-log entry per row the import also writes."
    )
    if profile_text:
        print("\nProfile of the largest xlsx run (pyinstrument):\n")
        print(profile_text)
    if not args.skip_export:
        exported = export_memory((10_000, 100_000))
        if exported is False:
            ok = False
    raise SystemExit(0 if ok and results else 1)


if __name__ == "__main__":
    main()
