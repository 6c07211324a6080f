"""Real threads on PostgreSQL: one requisition approved or issued twice at once has one winner."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from complaints.tests.test_concurrency import run_together

from .. import services, stock
from ..models import Requisition, StockLevel, StockMove
from .requisition_setup import approved, submitted

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_approvals_of_one_requisition_reserve_once(req, make_user):
    requisition = submitted(req)
    second = make_user("aftersales_manager", username="second_manager")

    outcomes = run_together(
        *(
            lambda actor=actor: services.requisition_approve(actor=actor, requisition=requisition)
            for actor in (req.manager, second)
        )
    )

    assert sum(isinstance(o, Requisition) for o in outcomes) == 1
    assert all(isinstance(o, (Requisition, ValidationError)) for o in outcomes)
    assert StockLevel.objects.get(part=req.coil, warehouse=req.store).reserved == 3


def test_issue_racing_a_cancel_and_a_second_issue_leaves_one_winner(req, make_user):
    requisition = approved(req)
    everything = {line.pk: line.outstanding for line in requisition.lines.all()}
    second_keeper = make_user("warehouse_keeper", username="second_keeper")
    req.store.keepers.add(second_keeper)

    outcomes = run_together(
        lambda: services.requisition_issue(actor=req.keeper, requisition=requisition, quantities=everything),
        lambda: services.requisition_issue(actor=second_keeper, requisition=requisition, quantities=everything),
        lambda: services.requisition_cancel(actor=req.engineer, requisition=requisition, reason="不要了"),
    )

    winners = [o for o in outcomes if isinstance(o, Requisition)]
    assert len(winners) == 1, outcomes
    assert all(isinstance(o, (Requisition, ValidationError, PermissionDenied)) for o in outcomes)
    issued = -sum(StockMove.objects.filter(kind=StockMove.Kind.ISSUE).values_list("quantity", flat=True))
    level = StockLevel.objects.get(part=req.coil, warehouse=req.store)
    assert issued in (0, 5) and level.reserved == 0 and level.on_hand == (7 if issued else 10)
    assert list(stock.discrepancies()) == []
