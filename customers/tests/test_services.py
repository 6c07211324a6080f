"""Every write to the ledger checks the actor's rights and leaves an audit entry."""

import datetime
import json

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from aftersales import roles as r
from customers import services
from customers.models import Contact, Customer, CustomerTier, Delivery

from .factories import ContactFactory, DeliveryFactory, ProductModelFactory

DELIVERED = datetime.date(2026, 2, 1)
READ_ONLY = [r.QUALITY_ENGINEER, r.QUALITY_DEPUTY, r.GENERAL_MANAGER, r.MANAGEMENT, r.WAREHOUSE_KEEPER, r.PURCHASING]


def _log(obj):
    return LogEntry.objects.filter(object_id=str(obj.pk), content_type__model=obj._meta.model_name)


def _changed_fields(entry):
    return json.loads(entry.change_message)[0]["changed"]["fields"]


def _tier():
    return CustomerTier.objects.get(code="B")


# Refusals.


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_create_a_customer(role_user, role):
    with pytest.raises(PermissionDenied):
        services.customer_create(actor=role_user(role), code="X-1", name="客户", tier=_tier())

    assert not Customer.objects.exists()


@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_cannot_change_a_customer_or_its_records(ledger, role_user, role):
    actor, customer = role_user(role), ledger.customer

    with pytest.raises(PermissionDenied):
        services.customer_update(actor=actor, customer=customer, name="改名")
    with pytest.raises(PermissionDenied):
        services.contact_save(actor=actor, customer=customer, name="新联系人", phone="1")
    with pytest.raises(PermissionDenied):
        services.delivery_save(actor=actor, customer=customer, delivery=customer.deliveries.get(), quantity=9)
    with pytest.raises(PermissionDenied):
        services.interaction_log(actor=actor, customer=customer, summary="来电")

    assert Customer.objects.get(pk=customer.pk).name == customer.name
    assert customer.contacts.count() == customer.deliveries.get().quantity == customer.interactions.count() == 1


def test_sales_cannot_change_another_salespersons_customer(ledger):
    with pytest.raises(PermissionDenied):
        services.customer_update(actor=ledger.sales, customer=ledger.others_customer, name="改名")
    with pytest.raises(PermissionDenied):
        services.contact_save(actor=ledger.sales, customer=ledger.others_customer, name="联系人", phone="1")
    with pytest.raises(PermissionDenied):
        services.interaction_log(actor=ledger.sales, customer=ledger.others_customer, summary="来电")


def test_sales_record_deliveries_of_their_own_customers_only(ledger):
    product_model = ProductModelFactory()

    delivery = services.delivery_save(
        actor=ledger.sales, customer=ledger.customer, product_model=product_model, delivery_date=DELIVERED
    )
    assert delivery.customer == ledger.customer
    with pytest.raises(PermissionDenied):
        services.delivery_save(
            actor=ledger.sales, customer=ledger.others_customer, product_model=product_model, delivery_date=DELIVERED
        )


def test_sales_cannot_change_another_customers_contact_through_their_own_customer(ledger):
    foreign = ledger.others_customer.contacts.get()

    with pytest.raises(PermissionDenied):
        services.contact_save(actor=ledger.sales, customer=ledger.customer, contact=foreign, name="篡改")

    assert Contact.objects.get(pk=foreign.pk).name != "篡改"


def test_delivery_of_another_customer_cannot_be_changed_through_this_one(ledger, role_user):
    foreign = ledger.others_customer.deliveries.get()

    with pytest.raises(PermissionDenied):
        services.delivery_save(
            actor=role_user(r.AFTERSALES_ENGINEER), customer=ledger.customer, delivery=foreign, quantity=9
        )

    assert Delivery.objects.get(pk=foreign.pk).quantity == 1


def test_call_cannot_name_a_contact_of_another_customer(ledger):
    with pytest.raises(PermissionDenied):
        services.interaction_log(
            actor=ledger.sales, customer=ledger.customer, summary="来电", contact=ledger.others_customer.contacts.get()
        )


# Salesperson.


def test_sales_creating_a_customer_owns_it_whatever_salesperson_was_given(ledger):
    customer = services.customer_create(
        actor=ledger.sales, code="x-1", name=" 新客户 ", tier=_tier(), salesperson=ledger.other_sales
    )

    assert customer.salesperson == ledger.sales
    assert (customer.code, customer.name) == ("X-1", "新客户")


def test_sales_cannot_reassign_their_customer_to_another_salesperson(ledger):
    services.customer_update(actor=ledger.sales, customer=ledger.customer, salesperson=ledger.other_sales)

    ledger.customer.refresh_from_db()
    assert ledger.customer.salesperson == ledger.sales


def test_after_sales_manager_reassigns_a_customer(ledger, role_user):
    services.customer_update(
        actor=role_user(r.AFTERSALES_MANAGER), customer=ledger.customer, salesperson=ledger.other_sales
    )

    ledger.customer.refresh_from_db()
    assert ledger.customer.salesperson == ledger.other_sales


def test_after_sales_creates_a_customer_without_a_salesperson(role_user):
    customer = services.customer_create(actor=role_user(r.AFTERSALES_ENGINEER), code="X-2", name="客户", tier=_tier())

    assert customer.salesperson is None


def test_duplicate_customer_code_is_refused_by_the_service(ledger, role_user):
    with pytest.raises(ValidationError):
        services.customer_create(
            actor=role_user(r.AFTERSALES_MANAGER), code=ledger.customer.code.lower(), name="重复", tier=_tier()
        )


def test_delivery_with_a_serial_number_already_recorded_is_refused_by_the_service(ledger, role_user):
    serial = ledger.others_customer.deliveries.get().serial_number

    with pytest.raises(ValidationError):
        services.delivery_save(
            actor=role_user(r.AFTERSALES_ENGINEER),
            customer=ledger.customer,
            product_model=ProductModelFactory(),
            delivery_date=datetime.date(2026, 1, 1),
            serial_number=f" {serial.lower()} ",
        )


# Contacts.


def test_making_a_contact_primary_demotes_the_previous_one(ledger):
    old = ledger.customer.contacts.get(is_primary=True)

    new = services.contact_save(
        actor=ledger.sales, customer=ledger.customer, name="新负责人", phone="1", is_primary=True
    )

    assert Contact.objects.get(pk=old.pk).is_primary is False
    assert list(ledger.customer.contacts.filter(is_primary=True)) == [new]


def test_promoting_an_existing_contact_demotes_the_previous_primary(ledger):
    old = ledger.customer.contacts.get(is_primary=True)
    other = ContactFactory(customer=ledger.customer)

    services.contact_save(actor=ledger.sales, customer=ledger.customer, contact=other, is_primary=True)

    assert list(ledger.customer.contacts.filter(is_primary=True)) == [other]
    assert Contact.objects.get(pk=old.pk).is_primary is False


def test_primary_contact_of_another_customer_is_left_alone(ledger):
    services.contact_save(actor=ledger.sales, customer=ledger.customer, name="新负责人", phone="1", is_primary=True)

    assert ledger.others_customer.contacts.get().is_primary is True


# Warranty.


@pytest.mark.parametrize(
    ("delivered", "months", "warranty_end"),
    [
        (datetime.date(2026, 1, 15), 12, datetime.date(2027, 1, 14)),
        (datetime.date(2026, 3, 1), 24, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 1, 1), 6, datetime.date(2026, 6, 30)),
    ],
)
def test_warranty_ends_the_day_before_the_models_period_is_over(ledger, role_user, delivered, months, warranty_end):
    product_model = ProductModelFactory(warranty_months=months)

    delivery = services.delivery_save(
        actor=role_user(r.AFTERSALES_ENGINEER),
        customer=ledger.customer,
        product_model=product_model,
        delivery_date=delivered,
    )

    assert Delivery.objects.get(pk=delivery.pk).warranty_end == warranty_end


def test_warranty_uses_the_default_period_when_the_model_has_none(ledger, role_user, settings):
    settings.DEFAULT_WARRANTY_MONTHS = 18
    product_model = ProductModelFactory(warranty_months=None)

    delivery = services.delivery_save(
        actor=role_user(r.AFTERSALES_ENGINEER),
        customer=ledger.customer,
        product_model=product_model,
        delivery_date=datetime.date(2026, 1, 15),
    )

    assert delivery.warranty_end == datetime.date(2027, 7, 14)


def test_changing_the_delivery_date_moves_the_warranty_end(ledger, role_user):
    delivery = ledger.customer.deliveries.get()

    services.delivery_save(
        actor=role_user(r.AFTERSALES_ENGINEER),
        customer=ledger.customer,
        delivery=delivery,
        delivery_date=datetime.date(2026, 6, 1),
    )

    assert Delivery.objects.get(pk=delivery.pk).warranty_end == datetime.date(2027, 5, 31)


def test_delivery_in_warranty_until_its_last_day(ledger):
    delivery = DeliveryFactory(customer=ledger.customer, delivery_date=datetime.date(2026, 1, 15))

    assert delivery.in_warranty(datetime.date(2027, 1, 14))
    assert not delivery.in_warranty(datetime.date(2027, 1, 15))


# Audit trail.


def test_creating_a_customer_is_logged_as_an_addition(ledger):
    customer = services.customer_create(actor=ledger.sales, code="X-3", name="客户", tier=_tier())

    [entry] = _log(customer)
    assert (entry.user, entry.action_flag) == (ledger.sales, ADDITION)


def test_changing_a_customer_logs_the_changed_field_names(ledger, role_user):
    manager = role_user(r.AFTERSALES_MANAGER)

    services.customer_update(
        actor=manager, customer=ledger.customer, name="新名称", region="浙江", address=ledger.customer.address
    )

    [entry] = _log(ledger.customer)
    assert (entry.user, entry.action_flag) == (manager, CHANGE)
    assert _changed_fields(entry) == ["name", "region"]


def test_saving_a_customer_unchanged_writes_no_audit_entry(ledger):
    services.customer_update(actor=ledger.sales, customer=ledger.customer, name=ledger.customer.name)

    assert not _log(ledger.customer).exists()


def test_contact_changes_are_logged_with_their_field_names(ledger):
    contact = services.contact_save(actor=ledger.sales, customer=ledger.customer, name="新联系人", phone="1")
    services.contact_save(actor=ledger.sales, customer=ledger.customer, contact=contact, phone="2", email="a@b.cn")

    added, changed = _log(contact).order_by("pk")
    assert (added.action_flag, changed.action_flag) == (ADDITION, CHANGE)
    assert _changed_fields(changed) == ["email", "phone"]


def test_delivery_changes_are_logged_with_their_field_names(ledger, role_user):
    engineer = role_user(r.AFTERSALES_ENGINEER)
    delivery = services.delivery_save(
        actor=engineer, customer=ledger.customer, product_model=ProductModelFactory(), delivery_date=DELIVERED
    )
    services.delivery_save(actor=engineer, customer=ledger.customer, delivery=delivery, quantity=5)

    added, changed = _log(delivery).order_by("pk")
    assert (added.action_flag, added.user, changed.user) == (ADDITION, engineer, engineer)
    assert _changed_fields(changed) == ["quantity"]


def test_interaction_is_registered_with_the_actor_as_handler(ledger):
    interaction = services.interaction_log(actor=ledger.sales, customer=ledger.customer, summary="询问价格")

    assert interaction.handled_by == ledger.sales
    assert interaction.customer == ledger.customer


def test_refused_write_leaves_no_audit_entry(ledger, role_user):
    with pytest.raises(PermissionDenied):
        services.customer_update(actor=role_user(r.MANAGEMENT), customer=ledger.customer, name="改名")

    assert not LogEntry.objects.exists()
