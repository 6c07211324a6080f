"""Claim costs: who writes them when, totals computed in SQL by month, the export."""

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory

from ..selectors import cost_list, cost_totals
from ..services import claim_cost_save

pytestmark = pytest.mark.django_db
COST = {
    "parts": Decimal("800.00"),
    "labour_hours": Decimal("3.5"),
    "hourly_rate": Decimal("120.00"),
    "travel": Decimal("260.00"),
    "other": Decimal("40.00"),
}


def _received(customer, year, month, **extra):
    at = datetime.datetime(year, month, 10, 9, tzinfo=datetime.UTC)
    return ComplaintFactory(customer=customer, received_at=at, **extra)


def test_engineer_records_the_cost_and_the_labour_and_total_are_computed(people, customer):
    complaint = _received(customer, 2026, 10, state=Complaint.State.RECTIFYING)
    cost = claim_cost_save(actor=people.engineer, complaint=complaint, notes="现场更换", **COST)
    assert (cost.labour, cost.total) == (Decimal("420.00"), Decimal("1520.00"))


def test_after_closing_only_the_after_sales_manager_corrects_the_cost(people, customer):
    complaint = _received(customer, 2026, 10, state=Complaint.State.CLOSED)
    with pytest.raises(PermissionDenied):
        claim_cost_save(actor=people.engineer, complaint=complaint, **COST)
    cost = claim_cost_save(actor=people.manager, complaint=complaint, **{**COST, "other": Decimal(0)})
    assert cost.total == Decimal("1480.00")


@pytest.mark.parametrize("role", ["sales", "leader", "gm"])
def test_sales_and_readers_do_not_write_costs(people, customer, role):
    with pytest.raises(PermissionDenied):
        claim_cost_save(actor=getattr(people, role), complaint=_received(customer, 2026, 10), **COST)


def test_month_totals_are_summed_in_sql(people, customer, django_assert_num_queries):
    october = [_received(customer, 2026, 10) for _ in range(2)]
    for complaint in october + [_received(customer, 2026, 11)]:
        claim_cost_save(actor=people.engineer, complaint=complaint, **COST)
    rows = cost_list(user=people.leader, month=datetime.date(2026, 10, 1))
    with django_assert_num_queries(1):
        totals = cost_totals(rows)
    assert totals["count"] == 2
    assert (totals["parts"], totals["labour"], totals["total"]) == (
        Decimal("1600.00"),
        Decimal("840.00"),
        Decimal("3040.00"),
    )


def test_cost_list_page_shows_the_months_rows_and_total_to_readers_not_to_sales(people, customer, client_for):
    complaint = _received(customer, 2026, 10)
    claim_cost_save(actor=people.engineer, complaint=complaint, **COST)
    page = client_for(people.gm).get("/service/costs/?month=2026-10").content.decode()
    assert complaint.number in page and "1520.00" in page
    assert complaint.number not in client_for(people.gm).get("/service/costs/?month=2026-11").content.decode()
    assert client_for(people.sales).get("/service/costs/").status_code == 403


def test_export_is_an_xlsx_of_the_filtered_costs(people, customer, client_for):
    complaint = _received(customer, 2026, 10)
    claim_cost_save(actor=people.engineer, complaint=complaint, **COST)
    response = client_for(people.leader).get("/service/costs/export/?month=2026-10")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == complaint.number and Decimal(str(rows[1][10])) == Decimal("1520")


def test_engineer_edits_the_cost_on_its_page_and_the_complaint_panel_shows_it(people, customer, client_for):
    complaint = _received(customer, 2026, 10, state=Complaint.State.ANALYSING)
    engineer = client_for(people.engineer)
    data = {**{k: str(v) for k, v in COST.items()}, "notes": ""}
    assert engineer.post(f"/service/complaint/{complaint.number}/cost/", data).status_code == 302
    assert "1520.00" in engineer.get(f"/complaints/{complaint.number}/").content.decode()
    refused = engineer.post(f"/service/complaint/{complaint.number}/cost/", {**data, "travel": "-5"})
    assert refused.status_code == 200 and complaint.claim_cost.travel == Decimal("260.00")
