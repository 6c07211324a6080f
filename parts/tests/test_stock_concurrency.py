"""Real threads on PostgreSQL: concurrent moves never take a balance below zero, never deadlock, lose nothing.

Each worker thread holds its own database connection (Django's are per thread) for all
the postings it runs and closes it when done. Every posting runs in its own transaction,
as a request would.
"""

import queue
import random
import threading
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Sum

from aftersales.tests.factories import UserFactory
from parts import stock
from parts.models import StockLevel, StockMove

from .factories import PartFactory, WarehouseFactory, stock_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Kind = StockMove.Kind
THREADS = 24


def run_pool(calls, threads: int = THREADS):
    """Run ``calls`` on ``threads`` worker threads released together; return each one's result or exception."""
    work = queue.SimpleQueue()
    for index, call in enumerate(calls):
        work.put((index, call))
    outcomes = [None] * len(calls)
    barrier = threading.Barrier(threads)

    def worker():
        try:
            barrier.wait()
            while True:
                try:
                    index, call = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    outcomes[index] = call()
                except Exception as error:  # the test inspects it
                    outcomes[index] = error
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in pool), "a worker is stuck"
    return outcomes


def issue(actor, *lines):
    """Return a call posting one issue of one unit for each (part_id, warehouse_id), in the order given."""
    moves = [stock.Move(Kind.ISSUE, part_id, warehouse_id, -1) for part_id, warehouse_id in lines]
    return lambda: stock.post(moves, actor=actor)


def failures(outcomes):
    return [o for o in outcomes if isinstance(o, Exception)]


def assert_ledger_proves_every_balance():
    assert list(stock.discrepancies()) == []
    assert not StockLevel.objects.filter(on_hand__lt=0).exists()
    assert not StockLevel.objects.filter(reserved__gt=0, on_hand__lt=0).exists()
    # Moves of one row were written in the order the row was updated: each balance_after
    # is the running sum of the row's moves.
    running = Counter()
    for part_id, warehouse_id, quantity, balance in StockMove.objects.order_by("id").values_list(
        "part_id", "warehouse_id", "quantity", "balance_after"
    ):
        running[(part_id, warehouse_id)] += quantity
        assert running[(part_id, warehouse_id)] == balance


@pytest.fixture
def actor():
    return UserFactory(username="keeper")


@pytest.fixture
def rows(actor):
    """Six (part, warehouse) rows of 50 each: 300 on hand in all."""
    parts = PartFactory.create_batch(3)
    warehouses = WarehouseFactory.create_batch(2)
    keys = []
    for part in parts:
        for warehouse in warehouses:
            stock_in(part, warehouse, 50, actor=actor)
            keys.append((part.pk, warehouse.pk))
    return keys


def test_a_thousand_concurrent_issues_against_300_in_stock_issue_exactly_300(actor, rows):
    rng = random.Random(11)
    calls, units = [], []
    for key in rows:  # more single issues per row than the row holds: every row drains to zero
        calls += [issue(actor, key)] * 140
        units += [1] * 140
    for _n in range(80):  # two-line postings over the same rows, half of them in the opposite order
        first, second = rng.sample(rows, 2)
        calls += [issue(actor, first, second), issue(actor, second, first)]
        units += [2, 2]
    order = list(range(len(calls)))
    rng.shuffle(order)
    assert len(calls) == 1000

    outcomes = run_pool([calls[i] for i in order])

    refused = failures(outcomes)
    assert all(isinstance(error, stock.InsufficientStock) for error in refused), refused[:3]
    issued = sum(units[i] for i, outcome in zip(order, outcomes, strict=True) if not isinstance(outcome, Exception))
    assert issued == 300
    assert StockMove.objects.filter(kind=Kind.ISSUE).aggregate(total=Sum("quantity"))["total"] == -300
    assert set(StockLevel.objects.values_list("on_hand", flat=True)) == {0}
    assert_ledger_proves_every_balance()


def test_postings_over_the_same_rows_in_opposite_orders_never_deadlock(actor, rows):
    for part_id, warehouse_id in rows:  # enough that no posting runs short: only locking is tested
        stock.post([stock.Move(Kind.RECEIPT, part_id, warehouse_id, 150)], actor=actor)
    rng = random.Random(7)
    calls, expected = [], Counter()
    for n in range(240):
        lines = rng.sample(rows, 4)
        if n % 2:
            lines.reverse()
        kind, quantity = (Kind.RECEIPT, 1) if n % 3 == 0 else (Kind.ISSUE, -1)
        moves = [stock.Move(kind, p, w, quantity) for p, w in lines]
        calls.append(lambda moves=moves: stock.post(moves, actor=actor))
        for key in lines:
            expected[key] += quantity

    outcomes = run_pool(calls)

    assert failures(outcomes) == []  # no deadlock, no serialization failure, no shortage
    for key in rows:
        assert StockLevel.objects.get(part_id=key[0], warehouse_id=key[1]).on_hand == 200 + expected[key]
    assert_ledger_proves_every_balance()


def test_a_transfer_racing_an_issue_of_the_same_stock_loses_nothing(actor):
    central, station = WarehouseFactory.create_batch(2)
    parts = PartFactory.create_batch(20)
    for part in parts:
        stock_in(part, central, 10, actor=actor)
    calls = []
    for part in parts:
        transfer = [
            stock.Move(Kind.TRANSFER_OUT, part.pk, central.pk, -10, reference="DB-1"),
            stock.Move(Kind.TRANSFER_IN, part.pk, station.pk, 10, reference="DB-1"),
        ]
        calls.append(lambda transfer=transfer: stock.post(transfer, actor=actor))
        calls.append(issue(actor, (part.pk, central.pk)))
        calls.append(issue(actor, (part.pk, station.pk)))

    outcomes = run_pool(calls, threads=12)

    assert all(isinstance(error, stock.InsufficientStock) for error in failures(outcomes))
    for part in parts:
        held = StockLevel.objects.filter(part=part).aggregate(total=Sum("on_hand"))["total"]
        issued = -(StockMove.objects.filter(part=part, kind=Kind.ISSUE).aggregate(t=Sum("quantity"))["t"] or 0)
        moved = StockMove.objects.filter(part=part, kind=Kind.TRANSFER_IN).aggregate(t=Sum("quantity"))["t"] or 0
        out = StockMove.objects.filter(part=part, kind=Kind.TRANSFER_OUT).aggregate(t=Sum("quantity"))["t"] or 0
        assert held + issued == 10
        assert moved == -out  # both halves of a transfer or neither
    assert_ledger_proves_every_balance()


def test_reservations_racing_issues_of_free_stock_never_over_commit(actor):
    part, warehouse = PartFactory(), WarehouseFactory()
    stock_in(part, warehouse, 20, actor=actor)
    key = (part.pk, warehouse.pk)
    reserve = [lambda: stock.reserve([(*key, 1)])] * 40
    take = [issue(actor, key)] * 40
    calls = [call for pair in zip(reserve, take, strict=True) for call in pair]

    outcomes = run_pool(calls, threads=16)

    assert all(isinstance(error, stock.InsufficientStock) for error in failures(outcomes))
    held = sum(1 for o in outcomes[0::2] if not isinstance(o, Exception))
    issued = sum(1 for o in outcomes[1::2] if not isinstance(o, Exception))
    level = StockLevel.objects.get(part=part, warehouse=warehouse)
    assert held + issued == 20
    assert (level.on_hand, level.reserved) == (20 - issued, held)

    # What was reserved is still there for its holders, however many free issues race them.
    consume = [stock.Move(Kind.ISSUE, *key, -1, from_reserved=1)]
    calls = [lambda: stock.post(consume, actor=actor)] * held + [issue(actor, key)] * 20

    outcomes = run_pool(calls, threads=16)

    assert not failures(outcomes[:held])
    assert len(failures(outcomes[held:])) == 20
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (0, 0)
    assert_ledger_proves_every_balance()
