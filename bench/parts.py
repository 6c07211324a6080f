"""Time stock issues under concurrency and the parts pages on a large ledger (see bench/README.md).

Fills 10,000 parts × 20 warehouses and 5,000,000 ledger moves in SQL (``generate_series``;
the balance rows are then summed from the ledger, so ``parts_check`` holds), then:

1. issue throughput: N worker processes issue one unit at a time at random balance rows
   for a fixed time, first with a bare ``UPDATE … SET on_hand = on_hand - 1`` (no guard, no
   ledger; undone afterwards), then through :func:`parts.stock.post` (conditional UPDATE,
   ledger row, one transaction per issue); the ratio of the two and the moves per second;
2. violations after the run: negative balances and rows whose ledger sum differs from the
   balance (``stock.discrepancies``);
3. the catalogue and a part's page (with its ledger) read through the Django test client,
   with their query counts, which must not grow with the page or the filter.
"""

import argparse
import multiprocessing
import os
import random
import time

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"  # DEBUG off, as in production

from _common import setup, timed  # noqa: E402

USER = "bench-parts-keeper"
OPENING = 1000  # each balance row's opening receipt; later moves take it down by at most 72
TARGET_RATIO = 0.3
TARGET_RATE = 500
PAGE_MS = 200


def _exec(sql: str, params=None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _scalar(sql: str, params=None):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def keeper():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user, created = get_user_model().objects.get_or_create(username=USER, defaults={"last_name": "基准"})
    if created:
        user.groups.add(Group.objects.get(name="warehouse_keeper"))
    return user


def fill(parts: int, warehouses: int, moves: int) -> None:
    """Create the parts, warehouses, ledger and balance rows, unless they are there already."""
    from parts.models import Part

    if Part.objects.filter(code__startswith="BP-").count() >= parts:
        print(f"  {parts} parts already there; reused")
        return
    actor = keeper().pk
    started = time.perf_counter()
    _exec("INSERT INTO parts_partcategory (code, name) VALUES ('BENCH', '基准类别') ON CONFLICT DO NOTHING")
    category = _scalar("SELECT id FROM parts_partcategory WHERE code = 'BENCH'")
    _exec(
        """INSERT INTO parts_part (code, name, model_no, specification, unit, category_id, is_key, standard_cost,
               safety_stock, min_stock, max_stock, is_active, photo, created_at)
           SELECT 'BP-' || lpad(i::text, 6, '0'), '基准配件' || i, 'M' || (i %% 300), 'SPEC ' || (i %% 977) || 'A',
                  '个', %s, i %% 10 = 0, 10 + i %% 100, 2, 5, 20, i %% 50 <> 0, '', now()
           FROM generate_series(1, %s) i""",
        [category, parts],
    )
    _exec(
        """INSERT INTO parts_warehouse (code, name, kind, address, is_active)
           SELECT 'BW-' || lpad(i::text, 2, '0'), '基准仓库' || i, CASE WHEN i = 1 THEN 'central' ELSE 'station' END,
                  '', true FROM generate_series(1, %s) i""",
        [warehouses],
    )
    print(f"  parts and warehouses in {time.perf_counter() - started:.1f} s", flush=True)
    _fill_ledger(actor, moves)
    started = time.perf_counter()
    # The balances follow from the ledger, as parts_check proves.
    _exec(
        """INSERT INTO parts_stocklevel (part_id, warehouse_id, on_hand, reserved, bin_location, updated_at)
           SELECT part_id, warehouse_id, sum(quantity), 0, '', now() FROM parts_stockmove
           WHERE part_id IN (SELECT id FROM parts_part WHERE code LIKE 'BP-%%') GROUP BY part_id, warehouse_id"""
    )
    _exec("ANALYZE")
    print(f"  balance rows from the ledger in {time.perf_counter() - started:.1f} s", flush=True)


def _fill_ledger(actor: int, moves: int) -> None:
    """Write ``moves`` moves spread evenly over every balance row, one slice of move numbers at a time.

    Move 0 of a row is a receipt of OPENING, then odd moves issue 3 and even ones receive 1,
    so the balance after move k is OPENING - 3 * ceil(k / 2) + floor(k / 2), never negative.
    """
    _exec(
        "CREATE TEMP TABLE bench_rows AS SELECT p.id AS part_id, w.id AS warehouse_id, "
        "row_number() OVER (ORDER BY p.id, w.id) AS r FROM parts_part p CROSS JOIN parts_warehouse w "
        "WHERE p.code LIKE 'BP-%%' AND w.code LIKE 'BW-%%'"
    )
    rows = _scalar("SELECT count(*) FROM bench_rows")
    per_row = max(moves // rows, 1)
    _exec("SET session_replication_role = replica")  # no FK triggers for the bulk load: the ids are ours
    try:
        for k in range(per_row):
            started = time.perf_counter()
            _exec(
                """INSERT INTO parts_stockmove (kind, part_id, warehouse_id, quantity, balance_after, unit_cost, at,
                       actor_id, reason, reference)
                   SELECT CASE WHEN %(k)s = 0 THEN 'receipt' WHEN %(k)s %% 2 = 1 THEN 'issue' ELSE 'receipt' END,
                          part_id, warehouse_id,
                          CASE WHEN %(k)s = 0 THEN %(opening)s WHEN %(k)s %% 2 = 1 THEN -3 ELSE 1 END,
                          %(opening)s - 3 * ((%(k)s + 1) / 2) + %(k)s / 2, 25.00,
                          now() - interval '730 days' + (%(k)s * interval '29 days') + r * interval '1 second',
                          %(actor)s, '基准', 'LY-BENCH-' || %(k)s
                   FROM bench_rows""",
                {"k": k, "opening": OPENING, "actor": actor},
            )
            print(f"  moves {k + 1}/{per_row} × {rows} in {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        _exec("SET session_replication_role = DEFAULT")


# --- throughput -----------------------------------------------------------------------------------


def _targets(seed: int, count: int = 5000) -> list[tuple[int, int]]:
    from parts.models import StockLevel

    ids = list(StockLevel.objects.filter(part__code__startswith="BP-").values_list("part_id", "warehouse_id"))
    rng = random.Random(seed)
    return [rng.choice(ids) for _n in range(count)]


def _worker(args) -> tuple[int, int, dict]:
    """Issue one unit at a time until the deadline; return (done, refused, {row: units})."""
    mode, seed, start_at, seconds, actor = args
    from django.db import connection

    from parts import stock
    from parts.models import StockMove

    targets = _targets(seed)
    taken, done, refused = {}, 0, 0
    time.sleep(max(start_at - time.time(), 0))
    deadline = start_at + seconds
    cursor = connection.cursor()
    while time.time() < deadline:
        part_id, warehouse_id = targets[done % len(targets)]
        if mode == "bare":
            cursor.execute(
                "UPDATE parts_stocklevel SET on_hand = on_hand - 1 WHERE part_id = %s AND warehouse_id = %s",
                [part_id, warehouse_id],
            )
        else:
            try:
                stock.post([stock.Move(StockMove.Kind.ISSUE, part_id, warehouse_id, -1, reason="基准")], actor=actor)
            except stock.InsufficientStock:
                refused += 1
                continue
        taken[(part_id, warehouse_id)] = taken.get((part_id, warehouse_id), 0) + 1
        done += 1
    connection.close()
    return done, refused, taken


def throughput(mode: str, workers: int, seconds: float, actor) -> tuple[float, int, dict]:
    """Run ``workers`` processes of ``mode`` for ``seconds``; return (moves/s, refused, units per row)."""
    from django.db import connections

    connections.close_all()  # the children open their own
    start_at = time.time() + 2
    jobs = [(mode, 100 + n, start_at, seconds, actor) for n in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_worker, jobs)
    taken = {}
    for _done, _refused, rows in results:
        for key, units in rows.items():
            taken[key] = taken.get(key, 0) + units
    done = sum(r[0] for r in results)
    return done / seconds, sum(r[1] for r in results), taken


def undo_bare(taken: dict) -> None:
    """Give back what the bare loop took, so the balances agree with the ledger again."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE parts_stocklevel SET on_hand = on_hand + %s WHERE part_id = %s AND warehouse_id = %s",
            [(units, p, w) for (p, w), units in taken.items()],
        )


def violations() -> tuple[int, int]:
    from parts import stock
    from parts.models import StockLevel

    return StockLevel.objects.filter(on_hand__lt=0).count(), sum(1 for _row in stock.discrepancies())


# --- page reads -----------------------------------------------------------------------------------


def pages(user) -> tuple[bool, list[str]]:
    """Time the catalogue and a part's page; return (all within target, lines about query counts)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    from parts.models import Part, StockMove, Warehouse

    setup_test_environment()  # the client records each response's context (the page it showed)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    part = Part.objects.filter(code__startswith="BP-").order_by("-pk").first()
    station = Warehouse.objects.get(code="BW-02")
    catalogue, detail = reverse("parts:catalogue"), part.get_absolute_url()
    first = client.get(catalogue).context["page"]
    ledger = client.get(detail).context["page"]
    oldest = StockMove.objects.filter(part=part).order_by("at").first().at.date()
    reads = [
        ("catalogue, first page", catalogue, {}),
        ("catalogue, next page (keyset)", catalogue + "?" + first.next_query, {}),
        ("catalogue, search by name", catalogue, {"q": "基准配件42"}),
        ("catalogue, search by code prefix", catalogue, {"q": "BP-0042"}),
        ("catalogue, search by specification", catalogue, {"q": "SPEC 42A"}),
        ("catalogue, one warehouse", catalogue, {"warehouse": station.pk}),
        ("catalogue, key parts below minimum", catalogue, {"is_key": "true", "below_min": "on"}),
        ("part page with its ledger", detail, {}),
        ("part page, ledger next page (keyset)", detail + "?" + ledger.next_query, {}),
        ("part page, ledger of one warehouse", detail, {"warehouse": station.pk}),
        ("part page, ledger: issues in a period", detail, {"kind": "issue", "date_from": oldest.isoformat()}),
    ]
    ok, counts = True, []
    for label, url, query in reads:

        def read(url=url, query=query):
            response = client.get(url, query)
            assert response.status_code == 200, (url, response.status_code)

        with CaptureQueriesContext(connection) as captured:
            read()
        ok &= timed(f"{label} ({len(captured)} queries)", read, target_ms=PAGE_MS)
        counts.append((label, len(captured)))
    return ok, counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", type=int, default=10_000)
    parser.add_argument("--warehouses", type=int, default=20)
    parser.add_argument("--moves", type=int, default=5_000_000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0, help="how long each throughput run lasts")
    args = parser.parse_args()
    setup()
    fill(args.parts, args.warehouses, args.moves)
    from parts.models import StockMove

    user = keeper()
    print(f"{_scalar('SELECT count(*) FROM parts_part')} parts, {StockMove.objects.count()} moves")
    bare_rate, _refused, taken = throughput("bare", args.workers, args.seconds, user)
    undo_bare(taken)
    print(f"bare UPDATE loop, {args.workers} workers: {bare_rate:8.0f} moves/s")
    rate, refused, _taken = throughput("post", args.workers, args.seconds, user)
    ratio = rate / bare_rate
    negative, mismatched = violations()
    print(f"stock.post, {args.workers} workers:        {rate:8.0f} moves/s ({refused} refused)")
    print(f"ratio {ratio:.2f} (target ≥ {TARGET_RATIO}); negative balances {negative}; ledger mismatches {mismatched}")
    pages_ok, counts = pages(user)
    by_label = dict(counts)
    constant = (
        by_label["catalogue, first page"] == by_label["catalogue, next page (keyset)"]
        and by_label["part page with its ledger"] == by_label["part page, ledger next page (keyset)"]
    )
    print("query counts the same on later pages:", "yes" if constant else f"NO {counts}")
    ok = ratio >= TARGET_RATIO and rate >= TARGET_RATE and not negative and not mismatched and pages_ok and constant
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
