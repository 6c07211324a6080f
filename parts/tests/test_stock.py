"""The stock service: balances follow the ledger, never go below zero, and reservations hold."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from aftersales.tests.factories import UserFactory
from parts import stock
from parts.models import StockLevel, StockMove

from .factories import PartFactory, WarehouseFactory, stock_in

pytestmark = pytest.mark.django_db

Kind = StockMove.Kind


@pytest.fixture
def keeper():
    return UserFactory(username="keeper")


@pytest.fixture
def part():
    return PartFactory()


@pytest.fixture
def central():
    return WarehouseFactory(code="CK01", name="中心库")


def level(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse)


def issue(part, warehouse, quantity, actor, **extra):
    return stock.post([stock.Move(Kind.ISSUE, part.pk, warehouse.pk, -quantity, **extra)], actor=actor)


def test_receipt_creates_the_balance_and_a_ledger_row_with_the_balance_after(part, central, keeper):
    move = stock_in(part, central, 12, actor=keeper)
    assert level(part, central).on_hand == 12
    assert (move.kind, move.quantity, move.balance_after, move.unit_cost) == (Kind.RECEIPT, 12, 12, part.standard_cost)


def test_issue_beyond_the_balance_is_refused_and_changes_nothing(part, central, keeper):
    stock_in(part, central, 3, actor=keeper)
    with pytest.raises(stock.InsufficientStock) as refused:
        issue(part, central, 4, keeper)
    assert "4" in refused.value.messages[0] and "3" in refused.value.messages[0]
    assert level(part, central).on_hand == 3
    assert StockMove.objects.count() == 1


def test_multi_line_posting_is_all_or_nothing(part, central, keeper):
    other = PartFactory()
    stock_in(part, central, 5, actor=keeper)
    stock_in(other, central, 1, actor=keeper)
    with pytest.raises(stock.InsufficientStock) as refused:
        stock.post(
            [
                stock.Move(Kind.ISSUE, part.pk, central.pk, -2),
                stock.Move(Kind.ISSUE, other.pk, central.pk, -2),
            ],
            actor=keeper,
        )
    assert refused.value.shortages == [(other.pk, central.pk, 2, 1)]
    assert (level(part, central).on_hand, level(other, central).on_hand) == (5, 1)


def test_issue_from_nowhere_is_refused(part, central, keeper):
    with pytest.raises(stock.InsufficientStock):
        issue(part, central, 1, keeper)


def test_reserved_stock_is_kept_for_its_requisition(part, central, keeper):
    stock_in(part, central, 5, actor=keeper)
    stock.reserve([(part.pk, central.pk, 4)])
    with pytest.raises(stock.InsufficientStock):
        issue(part, central, 2, keeper)  # only one is free
    issue(part, central, 1, keeper)
    issue(part, central, 4, keeper, from_reserved=4)
    assert (level(part, central).on_hand, level(part, central).reserved) == (0, 0)


def test_reservation_beyond_free_stock_is_refused(part, central, keeper):
    stock_in(part, central, 5, actor=keeper)
    stock.reserve([(part.pk, central.pk, 3)])
    with pytest.raises(stock.InsufficientStock):
        stock.reserve([(part.pk, central.pk, 3)])
    stock.release([(part.pk, central.pk, 3)])
    stock.reserve([(part.pk, central.pk, 5)])
    assert level(part, central).reserved == 5


def test_count_adjustment_may_take_reserved_stock_that_is_not_there(part, central, keeper):
    stock_in(part, central, 5, actor=keeper)
    stock.reserve([(part.pk, central.pk, 5)])
    stock.post([stock.Move(Kind.COUNT, part.pk, central.pk, -2, reason="count")], actor=keeper)
    row = level(part, central)
    assert (row.on_hand, row.reserved, row.available) == (3, 5, 0)


def test_transfer_moves_both_sides_in_one_posting(part, central, keeper):
    van = WarehouseFactory(code="VAN1")
    stock_in(part, central, 5, actor=keeper)
    stock.post(
        [stock.Move(Kind.TRANSFER_OUT, part.pk, central.pk, -2), stock.Move(Kind.TRANSFER_IN, part.pk, van.pk, 2)],
        actor=keeper,
    )
    assert (level(part, central).on_hand, level(part, van).on_hand) == (3, 2)


def test_sign_must_match_the_kind(part, central, keeper):
    with pytest.raises(ValueError):
        stock.post([stock.Move(Kind.ISSUE, part.pk, central.pk, 2)], actor=keeper)


def test_database_refuses_a_negative_balance_written_directly(part, central, keeper):
    stock_in(part, central, 1, actor=keeper)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockLevel.objects.filter(part=part).update(on_hand=-1)


@pytest.mark.ledger_tampered
def test_parts_check_agrees_then_names_a_tampered_balance(part, central, keeper, capsys):
    stock_in(part, central, 7, actor=keeper)
    issue(part, central, 2, keeper)
    call_command("parts_check")
    StockLevel.objects.filter(part=part).update(on_hand=9)
    with pytest.raises(CommandError):
        call_command("parts_check")
    out = capsys.readouterr().out
    assert part.code in out and "5" in out and "9" in out


def test_after_move_callbacks_see_the_new_rows(part, central, keeper, monkeypatch):
    seen = []
    monkeypatch.setattr(stock, "_after_move", [lambda rows: seen.extend(r.balance_after for r in rows)])
    stock_in(part, central, 4, actor=keeper)
    assert seen == [4]


@pytest.mark.postgres
def test_ledger_rows_cannot_be_updated_or_deleted_on_postgresql(part, central, keeper):
    move = stock_in(part, central, 2, actor=keeper)
    for statement in ("UPDATE parts_stockmove SET quantity = 5", "DELETE FROM parts_stockmove"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    move.refresh_from_db()
    assert move.quantity == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_issues_keep_working_after_the_database_connection_is_reopened(part, central, keeper):
    # A decrease runs as a statement prepared once per database session; a new session
    # must prepare it again instead of executing a name the server no longer knows.
    stock_in(part, central, 5, actor=keeper)
    issue(part, central, 1, keeper)
    connection.close()
    issue(part, central, 1, keeper)
    issue(part, central, 1, keeper, reason="third")
    assert level(part, central).on_hand == 2
    assert list(StockMove.objects.filter(kind=Kind.ISSUE).order_by("id").values_list("balance_after", "reason")) == [
        (4, ""),
        (3, ""),
        (2, "third"),
    ]
