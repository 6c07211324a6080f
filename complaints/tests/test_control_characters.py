"""A complaint with a control character stored in it still exports, without the character."""

import io

import openpyxl
import pytest
from django.urls import reverse

from aftersales import roles
from customers.tests.factories import CustomerFactory

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def _rows(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


@pytest.fixture
def sales_customer(role_user):
    return CustomerFactory(salesperson=role_user(roles.SALES), name="华东\x07电力")


def test_the_complaint_export_drops_control_characters(client_for, make_user, sales_customer):
    complaint = ComplaintFactory(customer=sales_customer, title="断路器\x07拒合")
    leader = make_user(roles.QUALITY_LEADER, username="leader", is_staff=True)

    response = client_for(leader).get(reverse("admin:complaints_complaint_export"))

    assert response.status_code == 200
    [row] = _rows(response)[1:]
    assert row[0] == complaint.number and "华东电力" in row and "断路器拒合" in row
