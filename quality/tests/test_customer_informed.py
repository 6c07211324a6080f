"""After a sheet closes, sales records telling the customer; it leaves their to-do list."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from customers.models import Interaction
from customers.tests.factories import CustomerFactory
from quality import selectors, services
from quality.models import QualitySheet, SheetEvent

from .builders import sheet_at


@pytest.fixture
def closed_sheet(people):
    customer = CustomerFactory(salesperson=people.sales)
    return sheet_at(people, QualitySheet.State.CLOSED, customer=customer, outcome="已返修并改进焊接工艺")


def test_sales_records_telling_the_customer_and_the_call_is_logged(people, closed_sheet):
    assert closed_sheet in selectors.my_tasks(user=people.sales).outcomes

    services.sheet_customer_informed(actor=people.sales, sheet=closed_sheet, note="电话告知设备科王科长")

    closed_sheet.refresh_from_db()
    assert closed_sheet.customer_informed_at is not None
    assert SheetEvent.objects.filter(sheet=closed_sheet, action=SheetEvent.Action.OUTCOME).exists()
    call = Interaction.objects.get(customer=closed_sheet.customer)
    assert call.direction == Interaction.Direction.OUTBOUND and closed_sheet.number in call.summary
    assert closed_sheet not in selectors.my_tasks(user=people.sales).outcomes


def test_telling_the_customer_needs_a_closed_sheet_a_note_and_the_right_role(people, closed_sheet):
    with pytest.raises(ValidationError):
        services.sheet_customer_informed(actor=people.sales, sheet=closed_sheet, note=" ")
    with pytest.raises(PermissionDenied):
        services.sheet_customer_informed(actor=people.gm, sheet=closed_sheet, note="已告知")
    open_sheet = sheet_at(people, QualitySheet.State.IN_PROGRESS, customer=closed_sheet.customer)
    with pytest.raises(ValidationError):
        services.sheet_customer_informed(actor=people.sales, sheet=open_sheet, note="已告知")
    services.sheet_customer_informed(actor=people.sales, sheet=closed_sheet, note="已告知")
    with pytest.raises(ValidationError):
        services.sheet_customer_informed(actor=people.sales, sheet=closed_sheet, note="再次告知")


def test_the_sheet_page_offers_the_step_to_sales_once(people, closed_sheet, client_for):
    client = client_for(people.sales)
    assert 'data-testid="panel-inform"' in client.get(closed_sheet.get_absolute_url()).content.decode()
    response = client.post(reverse("quality:sheet_inform", args=[closed_sheet.number]), {"inform-note": "已电话告知"})
    assert response.status_code == 302
    page = client.get(closed_sheet.get_absolute_url()).content.decode()
    assert 'data-testid="panel-inform"' not in page
