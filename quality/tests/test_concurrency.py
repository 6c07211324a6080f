"""Real threads on PostgreSQL: an approval is signed once, sheet numbers stay unique and gap-free."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_fsm import ConcurrentTransition

from aftersales.tests.threads import run_together
from complaints.models import Severity
from quality import services
from quality.models import QualitySheet, SheetEvent

from .factories import QualitySheetFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _sign_at_once(*signers, sheet):
    outcomes = run_together(*(lambda s=s: services.sheet_sign_approval(actor=s, sheet=sheet) for s in signers))
    signed = [o for o in outcomes if isinstance(o, QualitySheet)]
    refused = [o for o in outcomes if isinstance(o, ValidationError | ConcurrentTransition)]
    return signed, refused, outcomes


def test_two_deputies_signing_the_same_sheet_at_once_sign_it_once(people):
    sheet = QualitySheetFactory(state=QualitySheet.State.AWAITING_APPROVAL, reviewed=True)
    deputies = [people.deputy, people.second_deputy]
    signed, refused, outcomes = _sign_at_once(*deputies, sheet=sheet)
    assert (len(signed), len(refused)) == (1, 1), outcomes
    sheet.refresh_from_db()
    assert sheet.approved_by in deputies
    assert sheet.approvals_complete()
    assert SheetEvent.objects.filter(sheet=sheet, action=SheetEvent.Action.APPROVAL).count() == 1


def test_deputy_and_general_manager_signing_a_major_sheet_at_once_both_count(people):
    sheet = QualitySheetFactory(state=QualitySheet.State.AWAITING_APPROVAL, reviewed=True, severity=Severity.MAJOR)
    signed, refused, outcomes = _sign_at_once(people.deputy, people.gm, sheet=sheet)
    assert (len(signed), len(refused)) == (2, 0), outcomes
    sheet.refresh_from_db()
    assert (sheet.approved_by, sheet.gm_approved_by) == (people.deputy, people.gm)
    assert SheetEvent.objects.filter(sheet=sheet, action=SheetEvent.Action.APPROVAL).count() == 2


def test_sheets_raised_at_once_get_distinct_consecutive_numbers(people):
    def raise_sheet(n):
        return lambda: services.sheet_raise(actor=people.investigator, title=f"端子过热 {n}", description="红外测温")

    outcomes = run_together(*(raise_sheet(n) for n in range(8)))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    year = timezone.localdate().year
    assert sorted(sheet.number for sheet in outcomes) == [f"QI-{year}-{n:04d}" for n in range(1, 9)]
    assert QualitySheet.objects.count() == 8
