"""The admin's export page answers any address: a format in the address, a wrong one, a stale filter."""

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.messages import get_messages

from aftersales import roles
from customers.resources import ContactResource, CustomerResource, DeliveryResource

from .factories import ContactFactory, CustomerFactory, DeliveryFactory

MODELS = ["customer", "contact", "delivery"]
RESOURCES = {"customer": CustomerResource, "contact": ContactResource, "delivery": DeliveryResource}


@pytest.fixture
def clerk_client(client_for, make_user):
    client = client_for(make_user(roles.QUALITY_CLERK, username="clerk", is_staff=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def ledger():
    customer = CustomerFactory(name="华东电力设备有限公司", code="HD-001")
    ContactFactory(customer=customer, name="李明")
    DeliveryFactory(customer=customer, serial_number="SN-0001")
    return customer


def _export_url(model, query=""):
    return f"/admin/customers/{model}/export/{query}"


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _body(response) -> bytes:
    """Return the bytes of a streamed export; read once, the same bytes afterwards."""
    if not hasattr(response, "body_bytes"):
        response.body_bytes = b"".join(response.streaming_content)
    return response.body_bytes


@pytest.mark.parametrize("model", MODELS)
def test_format_in_the_address_sends_that_file(clerk_client, ledger, model):
    response = clerk_client.get(_export_url(model, "?format=1"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert len(rows) == 2  # the header and the one record
    assert "HD-001" in rows[1]


@pytest.mark.parametrize("model", MODELS)
def test_xlsx_in_the_address_sends_a_workbook(clerk_client, ledger, model):
    response = clerk_client.get(_export_url(model, "?format=0"))

    sheet = openpyxl.load_workbook(io.BytesIO(_body(response))).active
    assert sheet.max_row == 2
    assert "HD-001" in [cell.value for cell in sheet[2]]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("choice", ["2", "7", "x", "-1", ""])
def test_unknown_format_in_the_address_shows_the_form_and_says_so(clerk_client, ledger, model, choice):
    response = clerk_client.get(_export_url(model, f"?format={choice}"))

    assert response.status_code == 200
    assert "form" in response.context
    assert _messages(response) == [f"“{choice}” is not an export format; choose one below (0 (xlsx), 1 (csv))."]


@pytest.mark.parametrize("model", MODELS)
def test_unknown_format_posted_is_a_form_error(clerk_client, ledger, model):
    response = clerk_client.post(_export_url(model, "?format=1"), {"format": "9", "resource": "0"})

    assert response.status_code == 200
    assert response.context["form"].errors["format"]


@pytest.mark.parametrize("model", MODELS)
def test_posting_the_form_from_an_address_with_a_format_exports(clerk_client, ledger, model):
    resource = RESOURCES[model]
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}

    response = clerk_client.post(_export_url(model, "?format=1"), {"format": "1", "resource": "0", **fields})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "HD-001" in _body(response).decode("utf-8-sig")


@pytest.mark.parametrize("model", MODELS)
def test_a_filter_that_does_not_apply_is_dropped_with_a_message(clerk_client, ledger, model):
    response = clerk_client.get(_export_url(model, "?no_such_field=1"), follow=True)

    assert response.redirect_chain == [(_export_url(model), 302)]
    assert response.status_code == 200
    assert "form" in response.context
    assert any("do not apply" in text and "were dropped" in text for text in _messages(response))


def test_a_valid_filter_still_narrows_the_export(clerk_client, ledger):
    CustomerFactory(code="XB-002", is_active=False)

    response = clerk_client.get(_export_url("customer", "?format=1&is_active__exact=0"))

    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert [row for row in rows[1:] if "XB-002" in row] and not [row for row in rows if "HD-001" in row]


def test_export_in_the_address_needs_the_export_permission(client_for, make_user, ledger):
    client = client_for(make_user(roles.QUALITY_ENGINEER, is_staff=True))

    assert client.get(_export_url("customer", "?format=1")).status_code == 403
