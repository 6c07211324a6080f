"""Real threads on PostgreSQL: a count posted while parts are issued, a transfer racing an issue."""

import pytest

from aftersales.tests.threads import run_together
from parts import services, stock
from parts.models import StockLevel, StockMove
from parts.tests.counts_fixtures import *  # noqa: F403 — the shared fixtures

from .factories import PartFactory, stock_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def issue(part, warehouse, quantity, actor):
    return lambda: stock.post([stock.Move(StockMove.Kind.ISSUE, part.pk, warehouse.pk, -quantity)], actor=actor)


def on_hand(part, warehouse):
    return StockLevel.objects.get(part=part, warehouse=warehouse).on_hand


def test_a_count_posted_while_parts_are_issued_loses_none_of_the_issues(cast, central):
    part = PartFactory(is_key=True)
    stock_in(part, central, 100, actor=cast.keeper)
    count = services.count_start(actor=cast.keeper, warehouse=central, kind="monthly", key_parts_only=True)
    line = count.lines.get()
    services.count_record(actor=cast.keeper, count=count, entries={line.pk: (97, "三件丢失")})
    issue(part, central, 5, cast.keeper)()  # issued after the snapshot, before the posting
    services.count_submit(actor=cast.keeper, count=count)
    services.count_approve(actor=cast.manager, count=count)
    outcomes = run_together(
        lambda: services.count_post(actor=cast.keeper, count=count),
        *(issue(part, central, 1, cast.keeper) for _n in range(8)),
    )
    assert not [o for o in outcomes if isinstance(o, Exception)]
    # (counted − snapshot) + every move after the snapshot
    assert on_hand(part, central) == 100 + (97 - 100) - 5 - 8
    assert sum(StockMove.objects.filter(part=part, warehouse=central).values_list("quantity", flat=True)) == 84
    assert list(stock.discrepancies()) == []


def test_a_transfer_racing_an_issue_loses_nothing(cast, central, station):
    parts = [PartFactory() for _n in range(6)]
    for part in parts:
        stock_in(part, central, 10, actor=cast.keeper)
    calls = []
    for part in parts:
        calls.append(
            lambda part=part: services.transfer_create(
                actor=cast.keeper, source=central, destination=station, lines=[(part, 6)], reason="补货"
            )
        )
        calls.append(issue(part, central, 6, cast.keeper))
    outcomes = run_together(*calls)
    for index, part in enumerate(parts):
        transferred, issued = outcomes[2 * index : 2 * index + 2]
        winners = [o for o in (transferred, issued) if not isinstance(o, Exception)]
        assert len(winners) == 1, (transferred, issued)  # 10 on hand: only one of the two fits
        assert isinstance(next(o for o in (transferred, issued) if isinstance(o, Exception)), stock.InsufficientStock)
        moved = 0 if isinstance(transferred, Exception) else 6
        left_by_issue = 0 if isinstance(issued, Exception) else 6
        assert on_hand(part, central) == 10 - moved - left_by_issue
        assert StockLevel.objects.filter(part=part, warehouse=station, on_hand=moved).count() == (1 if moved else 0)
    assert list(stock.discrepancies()) == []
