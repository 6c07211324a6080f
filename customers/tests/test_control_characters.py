"""A control character is refused where it is typed, and never breaks an export of what got in anyway."""

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from aftersales import roles
from customers.models import Customer

from .factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def _customer_data(**overrides):
    data = {"code": "NEW-001", "name": "新建客户", "tier": "B", "industry": "rail", "relationship": "regular"}
    return {"is_active": "on", **data, **overrides}


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize(
    "field, value, expected",
    [("name", "华东\x07电力", "U+0007"), ("code", "C\x0b01", "U+000B"), ("address", "南京\x1f路", "U+001F")],
)
def test_a_customer_with_a_control_character_is_refused_and_nothing_saved(client_for, field, value, expected):
    client = _english(client_for(roles.SALES))

    response = client.post(reverse("customers:create"), _customer_data(**{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        f"Remove the control character {expected}; it cannot be typed or exported."
    ]
    assert not Customer.objects.exists()


def test_the_message_is_translated(client_for):
    client = client_for(roles.SALES)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.post(reverse("customers:create"), _customer_data(name="华东\x07电力"))

    assert "U+0007" in response.context["form"].errors["name"][0]
    assert not Customer.objects.exists()


def test_a_contact_phone_with_a_control_character_is_refused(client_for, role_user):
    customer = CustomerFactory(salesperson=role_user(roles.SALES))
    client = _english(client_for(roles.SALES))

    response = client.post(
        reverse("customers:contact_add", args=[customer.pk]), {"name": "李明", "phone": "139\x070000"}
    )

    assert "U+0007" in " ".join(response.context["form"].errors["phone"])
    assert not customer.contacts.exists()


@pytest.fixture
def clerk_client(client_for, make_user):
    return _english(client_for(make_user(roles.QUALITY_CLERK, username="clerk", is_staff=True)))


@pytest.fixture
def bell_customer():
    """A customer whose name holds a bell character, as an old import let in."""
    customer = CustomerFactory(name="华东\x07电力\x0b有限公司", code="HD-007")
    ContactFactory(customer=customer, name="李\x07明")
    return customer


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_admin_xlsx_export_drops_the_control_character_and_keeps_the_row(clerk_client, bell_customer):
    response = clerk_client.get("/admin/customers/customer/export/?format=0")

    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(_body(response))).active.iter_rows(values_only=True))
    assert ("HD-007", "华东电力有限公司") == rows[1][:2]


def test_the_admin_csv_export_keeps_the_text_as_it_is(clerk_client, bell_customer):
    response = clerk_client.get("/admin/customers/contact/export/?format=1")

    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert "李\x07明" in rows[1]
