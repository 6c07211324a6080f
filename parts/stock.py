"""The one way stock changes: moves posted to the ledger and reservations held for requisitions.

Every balance change is one conditional ``UPDATE`` of the (part, warehouse) row that only
matches when the stock is there (``on_hand + n >= 0``, and for a move that does not consume
a reservation, without touching what others reserved). The rows of one call are updated in
(part, warehouse) order, so two transactions moving the same parts wait for each other
instead of deadlocking (Saleor's ``allocate_stocks`` locks in primary-key order for the same
reason), and the database's ``CHECK (on_hand >= 0)`` stands behind it. Written by hand on
the ORM because django-oscar's and Saleor's stock code is tied to their order models; the
pattern is theirs.

Callers run inside their own service's transaction; a refusal raises
:class:`InsufficientStock` and the caller's whole step rolls back.
"""

from __future__ import annotations

import functools
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Part, StockLevel, StockMove, Warehouse

DECREASING = {StockMove.Kind.ISSUE, StockMove.Kind.TRANSFER_OUT, StockMove.Kind.SCRAP}
INCREASING = {StockMove.Kind.RECEIPT, StockMove.Kind.RETURN, StockMove.Kind.TRANSFER_IN}


class InsufficientStock(ValidationError):
    """The stock a move or a reservation needs is not there; ``shortages`` lists what is missing."""

    def __init__(self, shortages: list[tuple[int, int, int, int]]):
        self.shortages = shortages  # (part_id, warehouse_id, wanted, available)
        parts = Part.objects.in_bulk({s[0] for s in shortages})
        warehouses = Warehouse.objects.in_bulk({s[1] for s in shortages})
        messages = [
            _("Not enough %(part)s in %(warehouse)s: %(wanted)s wanted, %(available)s available.")
            % {"part": parts[p].code, "warehouse": warehouses[w].name, "wanted": n, "available": a}
            for p, w, n, a in shortages
        ]
        super().__init__(messages, code="insufficient_stock")


@dataclass(frozen=True)
class Move:
    """One line of a posting: ``quantity`` is signed (negative takes stock out)."""

    kind: str
    part_id: int
    warehouse_id: int
    quantity: int
    unit_cost: Decimal | None = None
    reason: str = ""
    document: object = None
    reference: str = ""
    complaint_id: int | None = None
    visit_id: int | None = None
    from_reserved: int = 0  # units of this decrease that were reserved for it

    def check(self) -> None:
        if self.quantity == 0 or self.from_reserved < 0 or self.from_reserved > max(-self.quantity, 0):
            raise ValueError(f"bad move {self!r}")
        if self.kind in DECREASING and self.quantity > 0 or self.kind in INCREASING and self.quantity < 0:
            raise ValueError(f"sign does not match kind in {self!r}")


_after_move: list[Callable[[list[StockMove]], None]] = []


def register_after_move(callback: Callable[[list[StockMove]], None]) -> None:
    """Call ``callback(moves)`` inside the transaction after every posting (reorder, alerts)."""
    if callback not in _after_move:
        _after_move.append(callback)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _add(part_id: int, warehouse_id: int, quantity: int):
    """Add stock, creating the balance row if needed, in one statement; return (on_hand, reserved).

    An upsert rather than an insert beforehand: it takes the row lock at its place in the
    (part, warehouse) order, so a first receipt cannot deadlock with moves of other rows.
    """
    table = _table(StockLevel)
    sql = (
        f"INSERT INTO {table} (part_id, warehouse_id, on_hand, reserved, bin_location, updated_at) "
        f"VALUES (%s, %s, %s, 0, '', %s) ON CONFLICT (part_id, warehouse_id) DO UPDATE "
        f"SET on_hand = {table}.on_hand + EXCLUDED.on_hand, updated_at = EXCLUDED.updated_at "
        f"RETURNING on_hand, reserved"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [part_id, warehouse_id, quantity, timezone.now()])
        return cursor.fetchone()


@dataclass(frozen=True)
class LevelAfter:
    """What a decrease left on its balance row, read by the same statement (no second query)."""

    on_hand: int
    reserved: int
    safety: int
    minimum: int
    alerted: bool  # below_safety_since is set
    active: bool  # part and warehouse both active

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def _decrease(move: Move, keep_reserved: bool) -> tuple[str, str, list]:
    """The SET, WHERE and parameters of a decrease's conditional UPDATE of its balance row."""
    s = _table(StockLevel)  # named in full: SQLite takes no alias for the updated table
    guard = f"{s}.on_hand + %s >= 0 AND {s}.reserved >= %s"
    params = [move.quantity, move.from_reserved, timezone.now(), move.part_id, move.warehouse_id]
    params += [move.quantity, move.from_reserved]
    if keep_reserved:
        # What others reserved stays untouched: the free stock must cover the rest of the move.
        guard += f" AND {s}.on_hand - {s}.reserved + %s >= %s"
        params += [move.from_reserved, -move.quantity]
    update = f"UPDATE {s} SET on_hand = {s}.on_hand + %s, reserved = {s}.reserved - %s, updated_at = %s "
    return update, f"WHERE {s}.part_id = %s AND {s}.warehouse_id = %s AND {guard} ", params


def _change(move: Move, keep_reserved: bool):
    """SQLite: apply the conditional UPDATE; return (on_hand, standard cost, LevelAfter), or None when refused.

    SQLite's RETURNING sees only the updated table, so the part's cost and the thresholds are
    read after it.
    """
    update, where, params = _decrease(move, keep_reserved)
    with connection.cursor() as cursor:
        cursor.execute(f"{update}{where}RETURNING on_hand", params)
        if cursor.fetchone() is None:
            return None
    on_hand, reserved, cost, safety, minimum, alerted, active = _thresholds(move.part_id, move.warehouse_id)
    return on_hand, Decimal(cost), LevelAfter(on_hand, reserved, safety, minimum, alerted, active)


# The ledger columns the single statement writes, in its parameter order after the UPDATE's.
_LEDGER = (
    "kind", "part_id", "warehouse_id", "quantity", "unit_cost", "at", "actor_id", "reason",
    "document_type_id", "document_id", "reference", "complaint_id", "visit_id",
)  # fmt: skip


@functools.cache
def _record_sql(keep_reserved: bool) -> str:
    """The decrease's single statement (PostgreSQL), with ``$n`` parameters, worked out once.

    The UPDATE's parameters come first (see :func:`_decrease`), then the ledger's in
    :data:`_LEDGER` order; the balance after is the UPDATE's own result.
    """
    s = _table(StockLevel)
    probe = Move(StockMove.Kind.ISSUE, 0, 0, -1)
    update, where, params = _decrease(probe, keep_reserved)
    fields = {f.attname: f for f in StockMove._meta.concrete_fields if not f.primary_key}
    if set(fields) != {*_LEDGER, "balance_after"}:  # a new ledger column must be written here too
        raise ImproperlyConfigured(f"parts.stock._LEDGER does not match StockMove's columns: {sorted(fields)}")
    columns, values = ["balance_after"], ["lvl.on_hand"]
    for attname in _LEDGER:
        cast = fields[attname].cast_db_type(connection)
        columns.append(attname)
        values.append(f"COALESCE(%s::{cast}, lvl.cost)" if attname == "unit_cost" else f"%s::{cast}")
    sql = (
        f"WITH lvl AS ({update}FROM {_table(Part)} AS p, {_table(Warehouse)} AS w "
        f"{where}AND p.id = {s}.part_id AND w.id = {s}.warehouse_id RETURNING {s}.on_hand, {s}.reserved, "
        "p.standard_cost AS cost, "
        f"COALESCE({s}.safety_stock, p.safety_stock) AS safety, COALESCE({s}.min_stock, p.min_stock) AS minimum, "
        f"{s}.below_safety_since IS NOT NULL AS alerted, p.is_active AND w.is_active AS active), "
        f"mv AS (INSERT INTO {_table(StockMove)} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "
        f"SELECT {', '.join(values)} FROM lvl RETURNING id, unit_cost) "
        "SELECT mv.id, mv.unit_cost, lvl.on_hand, lvl.reserved, lvl.safety, lvl.minimum, lvl.alerted, lvl.active "
        "FROM mv, lvl"
    )
    number = iter(range(1, len(params) + len(_LEDGER) + 1))
    return re.sub("%s", lambda _m: f"${next(number)}", sql)


class _Prepared:
    """Statements prepared once per database session and run with ``EXECUTE``.

    A decrease is the busiest statement there is, and its plan (an UPDATE joined to the part
    and warehouse, feeding the ledger INSERT) never changes: preparing it saves the server
    parsing and planning it on every issue. Prepared statements belong to the session, and
    a rollback does not remove them, so the names are forgotten only when Django opens a new
    connection (``connection_created``). Written here because Django's psycopg2 backend has
    no server-side prepared statements (psycopg 3's ``prepare_threshold`` needs server-side
    binding, which the rest of the project does not use).
    """

    def __init__(self):
        self.names: dict[str, str] = {}
        self.ready: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> prepared names
        connection_created.connect(self.forget, weak=False, dispatch_uid="parts.stock.prepared")

    def forget(self, sender, connection, **kwargs):
        self.ready.pop(connection, None)

    def execute(self, cursor, sql: str, params: list):
        name = self.names.setdefault(sql, f"parts_stock_{len(self.names)}")
        ready = self.ready.setdefault(cursor.db, set())  # this thread's DatabaseWrapper
        if name not in ready:
            cursor.execute(f"PREPARE {name} AS {sql}")
            ready.add(name)
        cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)


_prepared = _Prepared()


def _change_and_record(move: Move, row: StockMove, keep_reserved: bool) -> bool:
    """On PostgreSQL, change the balance and write its ledger row in one statement; False when refused.

    One round trip instead of two, no ORM insert, and a statement planned once per session:
    a decrease is the busiest path there is. The row gets its id, balance, unit cost and
    ``level_after`` from the statement.
    """
    params = _decrease(move, keep_reserved)[2]
    params += [getattr(row, attname) for attname in _LEDGER]  # plain scalars psycopg adapts
    params[len(params) - len(_LEDGER) + _LEDGER.index("unit_cost")] = move.unit_cost  # NULL: the part's cost
    with connection.cursor() as cursor:
        _prepared.execute(cursor, _record_sql(keep_reserved), params)
        result = cursor.fetchone()
    if result is None:
        return False
    row.pk, row.unit_cost, row.balance_after = result[0], result[1], result[2]
    row.level_after = LevelAfter(*result[2:])
    row._state.adding, row._state.db = False, connection.alias
    return True


def _thresholds(part_id: int, warehouse_id: int) -> tuple:
    level = StockLevel.objects.select_related("part", "warehouse").get(part_id=part_id, warehouse_id=warehouse_id)
    active = level.part.is_active and level.warehouse.is_active
    return (
        level.on_hand,
        level.reserved,
        level.part.standard_cost,
        level.effective_safety,
        level.effective_min,
        level.below_safety_since is not None,
        active,
    )


def _available(part_id: int, warehouse_id: int) -> int:
    level = StockLevel.objects.filter(part_id=part_id, warehouse_id=warehouse_id).first()
    return level.on_hand - level.reserved if level else 0


@transaction.atomic
def post(moves: list[Move], *, actor, at=None) -> list[StockMove]:
    """Change the balances by ``moves`` and write them to the ledger, all or nothing.

    A count adjustment may take a balance down to zero regardless of reservations (the
    stock is not there); every other decrease leaves what others reserved alone.
    """
    if not moves:
        return []
    for move in moves:
        move.check()
    at = at or timezone.now()
    wanted = {m.part_id for m in moves if m.unit_cost is None and m.quantity > 0}
    costs = dict(Part.objects.filter(pk__in=wanted).values_list("pk", "standard_cost")) if wanted else {}
    rows, done, shortages = [], [], []  # done: decreases already written with their ledger row
    for move in sorted(moves, key=lambda m: (m.part_id, m.warehouse_id)):
        if move.quantity > 0:
            on_hand, _reserved = _add(move.part_id, move.warehouse_id, move.quantity)
            rows.append(_ledger_row(move, on_hand, costs.get(move.part_id, Decimal(0)), actor, at))
            continue
        keep = move.kind != StockMove.Kind.COUNT
        if connection.vendor == "postgresql":
            row = _ledger_row(move, 0, Decimal(0), actor, at)
            if _change_and_record(move, row, keep):
                done.append(row)  # rolled back with the rest if a later line is refused
                continue
        else:
            result = _change(move, keep)
            if result is not None:
                row = _ledger_row(move, result[0], result[1], actor, at)
                row.level_after = result[2]
                rows.append(row)
                continue
        free = _available(move.part_id, move.warehouse_id) + move.from_reserved
        shortages.append((move.part_id, move.warehouse_id, -move.quantity, max(free, 0)))
    if shortages:
        raise InsufficientStock(shortages)
    StockMove.objects.bulk_create(rows)
    rows += done
    for callback in _after_move:
        callback(rows)
    return rows


def _ledger_row(move: Move, balance: int, standard_cost: Decimal, actor, at) -> StockMove:
    row = StockMove(
        kind=move.kind,
        part_id=move.part_id,
        warehouse_id=move.warehouse_id,
        quantity=move.quantity,
        balance_after=balance,
        unit_cost=standard_cost if move.unit_cost is None else move.unit_cost,
        at=at,
        actor=actor,
        reason=move.reason[:200],
        reference=move.reference,
        complaint_id=move.complaint_id,
        visit_id=move.visit_id,
    )
    if move.document is not None:
        row.document_type = ContentType.objects.get_for_model(move.document)
        row.document_id = move.document.pk
    return row


@transaction.atomic
def reserve(lines: list[tuple[int, int, int]]) -> None:
    """Hold ``quantity`` of free stock for each (part_id, warehouse_id, quantity), all or nothing."""
    shortages = []
    for part_id, warehouse_id, quantity in sorted(lines):
        if quantity <= 0:
            raise ValueError("a reservation is positive")
        sql = (
            f"UPDATE {_table(StockLevel)} SET reserved = reserved + %s "
            f"WHERE part_id = %s AND warehouse_id = %s AND on_hand - reserved >= %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [quantity, part_id, warehouse_id, quantity])
            if cursor.rowcount != 1:
                shortages.append((part_id, warehouse_id, quantity, max(_available(part_id, warehouse_id), 0)))
    if shortages:
        raise InsufficientStock(shortages)


@transaction.atomic
def release(lines: list[tuple[int, int, int]]) -> None:
    """Give back reservations made by :func:`reserve` (a cancelled or closed requisition)."""
    for part_id, warehouse_id, quantity in sorted(lines):
        if quantity <= 0:
            continue
        sql = (
            f"UPDATE {_table(StockLevel)} SET reserved = reserved - %s "
            f"WHERE part_id = %s AND warehouse_id = %s AND reserved >= %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [quantity, part_id, warehouse_id, quantity])
            if cursor.rowcount != 1:
                raise ValueError(f"release of {quantity} more than reserved for part {part_id} in {warehouse_id}")


def discrepancies():
    """Yield (part_id, warehouse_id, ledger sum, on hand) wherever the two differ."""
    sums = {}
    for part_id, warehouse_id, total in _ledger_sums():
        sums[(part_id, warehouse_id)] = total
    for part_id, warehouse_id, on_hand in StockLevel.objects.values_list("part_id", "warehouse_id", "on_hand").iterator(
        chunk_size=5000
    ):
        total = sums.pop((part_id, warehouse_id), 0)
        if total != on_hand:
            yield part_id, warehouse_id, total, on_hand
    for (part_id, warehouse_id), total in sums.items():
        if total != 0:
            yield part_id, warehouse_id, total, None


def _ledger_sums():
    from django.db.models import Sum

    return (
        StockMove.objects.order_by()
        .values_list("part_id", "warehouse_id")
        .annotate(total=Sum("quantity"))
        .values_list("part_id", "warehouse_id", "total")
        .iterator(chunk_size=5000)
    )
