"""The demo requisitions: every state, for complaints, visits and a van, made through the services, once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from .. import stock
from ..models import Requisition, StockMove

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed twice, once for the module, and roll back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        first = Requisition.objects.count()
        call_command("seed_demo", stdout=StringIO())
        yield {"first": first, "second": Requisition.objects.count()}
        transaction.set_rollback(True)


def test_the_demo_has_requisitions_in_every_state_once(seeded):
    assert seeded["first"] == seeded["second"] == 9
    assert set(Requisition.objects.values_list("state", flat=True)) == set(Requisition.State.values)
    purposes = set(Requisition.objects.values_list("purpose", flat=True))
    assert purposes == set(Requisition.Purpose.values)


def test_the_demo_ledger_links_issues_to_complaints_and_visits_and_balances(seeded):
    issues = StockMove.objects.filter(kind=StockMove.Kind.ISSUE)
    assert issues.filter(complaint__isnull=False).exists() and issues.filter(visit__isnull=False).exists()
    assert StockMove.objects.filter(kind=StockMove.Kind.RETURN).exists()
    assert list(stock.discrepancies()) == []
