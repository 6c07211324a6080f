"""A return reason with a control character is refused on the page; one already stored still exports."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from aftersales import roles
from customers.tests.factories import CustomerFactory, ProductModelFactory

from ..models import ReturnRecord
from .factories import ReturnRecordFactory

pytestmark = pytest.mark.django_db


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _rows(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


@pytest.fixture
def sales_customer(role_user):
    return CustomerFactory(salesperson=role_user(roles.SALES), name="华东\x07电力")


def _return_data(customer, reason):
    return {
        "customer": customer.pk,
        "product_model": ProductModelFactory().pk,
        "quantity": 1,
        "reason": reason,
        "decision": ReturnRecord.Decision.PENDING,
        "outcome": ReturnRecord.Outcome.PENDING,
        "requested_on": timezone.localdate().isoformat(),
    }


def test_a_return_reason_with_a_control_character_is_refused(client_for, sales_customer):
    client = _english(client_for(roles.SALES))

    response = client.post(reverse("servicing:return_create"), _return_data(sales_customer, "外壳\x07破损"))

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == [
        "Remove the control character U+0007; it cannot be typed or exported."
    ]
    assert not ReturnRecord.objects.exists()


def test_a_return_reason_may_have_several_lines(client_for, sales_customer):
    response = client_for(roles.SALES).post(
        reverse("servicing:return_create"), _return_data(sales_customer, "外壳破损\r\n\t运输磕碰")
    )

    assert response.status_code == 302
    assert ReturnRecord.objects.get().reason.endswith("运输磕碰")


def test_the_returns_export_drops_control_characters(client_for, sales_customer):
    ReturnRecordFactory(customer=sales_customer, reason="=外壳\x07破损\x0b")

    response = client_for(roles.QUALITY_LEADER).get(reverse("servicing:return_export"))

    assert response.status_code == 200
    rows = _rows(response)
    assert "=外壳破损" in rows[1] and "华东电力" in rows[1]
