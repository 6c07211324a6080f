"""The rating form: its default period, the figures refilled when the period changes, a period rated twice."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from aftersales import roles
from aftersales.tests.pages import english
from parts import services

from .purchasing_factories import PurchasePlanLineFactory, SupplierFactory
from .test_suppliers import SCORES, receipt

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = datetime.datetime(2026, 12, 3, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _december():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def supplier():
    return SupplierFactory()


@pytest.fixture
def receive(supplier, role_user):
    line = PurchasePlanLineFactory(supplier=supplier, state="ordered", order_reference="PO")

    def make(day, received=10, rejected=0, promised=None):
        return receipt(line, received, rejected, day, promised or day, role_user(roles.PURCHASING))

    return make


def _value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)[0]
    found = re.search(r'value="([^"]*)"', tag)
    return found[1] if found else ""


def _form(client, supplier, **params) -> str:
    response = english(client).get(reverse("parts:supplier_rate", args=[supplier.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_current_quarter_is_the_default_when_it_has_receipts(client_for, supplier, receive):
    receive(D(2026, 8, 1), rejected=5)
    receive(D(2026, 11, 20), rejected=1)
    page = _form(client_for(roles.PURCHASING), supplier)
    assert _value(page, "period") == "2026-Q4"
    assert _value(page, "quality") == "90" and _value(page, "lead_time") == "100"
    assert "prefilled from 1 receipt in 2026-Q4" in page


def test_the_latest_quarter_with_receipts_is_the_default_otherwise(client_for, supplier, receive):
    receive(D(2026, 4, 2), rejected=1, promised=D(2026, 4, 1))
    page = _form(client_for(roles.PURCHASING), supplier)
    assert _value(page, "period") == "2026-Q2"
    assert _value(page, "quality") == "90" and _value(page, "lead_time") == "0"


def test_without_receipts_the_last_complete_quarter_is_the_default(client_for, supplier):
    page = _form(client_for(roles.PURCHASING), supplier)
    assert _value(page, "period") == "2026-Q3" and _value(page, "quality") == ""
    assert "No receipts from this supplier in 2026-Q3" in page
    assert services.rating_default_period(supplier, D(2026, 2, 10)) == "2025-Q4"


def test_a_period_in_the_address_is_still_honoured(client_for, supplier, receive):
    receive(D(2026, 11, 20))
    receive(D(2026, 7, 20), rejected=2)
    page = _form(client_for(roles.PURCHASING), supplier, period="2026-Q3")
    assert _value(page, "period") == "2026-Q3" and _value(page, "quality") == "80"


def test_the_period_field_refills_quality_and_lead_time_from_a_fragment(client_for, supplier, receive):
    receive(D(2026, 11, 20))
    receive(D(2026, 7, 20), rejected=3, promised=D(2026, 7, 1))
    client = english(client_for(roles.PURCHASING))
    page = _form(client, supplier)
    prefill_url = reverse("parts:supplier_rate_prefill", args=[supplier.pk])
    period_input = re.search(r'<input[^>]*name="period"[^>]*>', page)[0]
    assert f'hx-get="{prefill_url}"' in period_input and 'hx-target="#rating-prefill"' in period_input
    assert 'id="rating-prefill"' in page

    fragment = client.get(prefill_url, {"period": "2026-Q3"}).content.decode()
    assert "<html" not in fragment and "prefilled from 1 receipt in 2026-Q3" in fragment
    assert _value(fragment, "quality") == "70" and _value(fragment, "lead_time") == "0"
    # the other scores are outside the swapped part, so what was typed there stays
    assert all(f'name="{name}"' not in fragment for name in ("period", "qualification", "reputation", "price", "notes"))

    empty = client.get(prefill_url, {"period": "2025-Q1"}).content.decode()
    assert "No receipts from this supplier in 2025-Q1" in empty and _value(empty, "quality") == ""
    wrong = client.get(prefill_url, {"period": "2026-Q7"}).content.decode()
    assert "A period is a quarter such as 2026-Q3" in wrong


def test_the_fragment_is_for_raters_only(client_for, supplier):
    url = reverse("parts:supplier_rate_prefill", args=[supplier.pk])
    assert client_for(roles.MANAGEMENT).get(url, {"period": "2026-Q3"}).status_code == 403


def test_a_period_already_rated_is_flagged_and_refused(client_for, supplier, receive, role_user):
    receive(D(2026, 11, 20))
    services.rating_save(actor=role_user(roles.PURCHASING), supplier=supplier, period="2026-Q4", scores=SCORES)
    client = english(client_for(roles.PURCHASING))
    page = _form(client, supplier)
    assert "The supplier is already rated for 2026-Q4." in page

    posted = {**SCORES, "period": "2026-Q4", "notes": "kept"}
    response = client.post(reverse("parts:supplier_rate", args=[supplier.pk]), posted)
    page = response.content.decode()
    assert response.status_code == 400 and page.count("The supplier is already rated for 2026-Q4.") == 1
    assert _value(page, "qualification") == "100" and "kept" in page
    assert supplier.ratings.count() == 1
