"""Sales staff see the quality sheets of their own customers only."""

from django.urls import reverse

from aftersales import roles
from customers.tests.factories import CustomerFactory
from quality.models import QualitySheet

from .builders import sheet_at


def test_sales_see_only_their_own_customers_sheets(people, customer, make_user, client_for):
    other_sales = make_user(roles.SALES, username="other_sales_q")
    mine = sheet_at(people, QualitySheet.State.INVESTIGATING, customer=customer)
    theirs = sheet_at(people, QualitySheet.State.INVESTIGATING, customer=CustomerFactory(salesperson=other_sales))
    client = client_for(people.sales)

    assert client.get(reverse("quality:sheet_detail", args=[mine.number])).status_code == 200
    assert client.get(reverse("quality:sheet_detail", args=[theirs.number])).status_code == 404
    assert client.get(reverse("quality:sheet_print", args=[theirs.number])).status_code == 404
    listing = client.get(reverse("quality:workbench")).content.decode()
    assert mine.number in listing and theirs.number not in listing
    # The quality group sees both.
    assert client_for(people.leader).get(reverse("quality:sheet_detail", args=[theirs.number])).status_code == 200
