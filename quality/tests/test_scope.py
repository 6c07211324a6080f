"""Affected scope: the other deliveries of the sheet's batch, with their customers, and of its model."""

import pytest

from customers.tests.factories import CustomerFactory, DeliveryFactory, ProductModelFactory
from quality.selectors import affected_scope

from .factories import QualitySheetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def model():
    return ProductModelFactory(code="KYN28-12")


@pytest.fixture
def own_unit(model):
    return DeliveryFactory(product_model=model, batch_number="B2026-07", serial_number="SN-OWN")


@pytest.fixture
def sheet(own_unit):
    return QualitySheetFactory(
        customer=own_unit.customer,
        product_model=own_unit.product_model,
        batch_number=own_unit.batch_number,
        serial_number=own_unit.serial_number,
    )


def test_other_deliveries_of_the_batch_are_found_with_their_customers(sheet, own_unit, model):
    other_customers = [CustomerFactory(name="华电检修公司"), CustomerFactory(name="国网南京供电")]
    same_batch = [DeliveryFactory(customer=c, product_model=model, batch_number="B2026-07") for c in other_customers]
    same_customer = DeliveryFactory(customer=own_unit.customer, product_model=model, batch_number="B2026-07")
    DeliveryFactory(product_model=model, batch_number="B2026-08")

    scope = affected_scope(sheet)
    assert set(scope.batch) == {*same_batch, same_customer}
    assert {delivery.customer for delivery in scope.batch} == {*other_customers, own_unit.customer}
    assert scope.batch_customers == 3


def test_the_sheets_own_unit_is_left_out(sheet, own_unit):
    scope = affected_scope(sheet)
    assert own_unit not in scope.batch
    assert own_unit not in scope.model


def test_batch_and_serial_are_matched_whatever_their_case_or_spaces(own_unit, model):
    other = DeliveryFactory(product_model=model, batch_number="B2026-07")
    sheet = QualitySheetFactory(product_model=model, batch_number=" b2026-07 ", serial_number="sn-own")
    assert affected_scope(sheet).batch == [other]


def test_deliveries_of_the_same_model_from_other_batches_are_counted(sheet, model):
    other_batch = DeliveryFactory(product_model=model, batch_number="B2025-11")
    DeliveryFactory(product_model=ProductModelFactory(code="XGN15-12"), batch_number="B2026-09")
    scope = affected_scope(sheet)
    assert scope.model == [other_batch]
    assert scope.model_count == 1
    assert scope.batch == []


def test_sheet_without_batch_or_model_has_no_scope():
    sheet = QualitySheetFactory(batch_number="", product_model=None, serial_number="")
    DeliveryFactory(batch_number="")
    scope = affected_scope(sheet)
    assert (scope.batch, scope.model, scope.model_count) == ([], [], 0)


def test_scope_takes_a_fixed_number_of_queries(sheet, model, django_assert_max_num_queries):
    for _ in range(5):
        DeliveryFactory(customer=CustomerFactory(), product_model=model, batch_number="B2026-07")
    with django_assert_max_num_queries(3):
        scope = affected_scope(sheet)
        assert [delivery.customer.name for delivery in scope.batch]
        assert [delivery.product_model.code for delivery in scope.model]
