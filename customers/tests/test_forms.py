"""A rejected form is shown again with its errors, and nothing is written."""

import pytest
from django.urls import reverse

from aftersales import roles as r
from customers.models import Contact, Customer, Delivery, Interaction

from .factories import ContactFactory, ProductModelFactory


@pytest.fixture
def manager(client_for):
    return client_for(r.AFTERSALES_MANAGER)


def _customer_data(**overrides):
    return {"code": "NEW-001", "name": "新建客户", "tier": "B", "relationship": "regular", **overrides}


def _delivery_data(**overrides):
    model = ProductModelFactory(code="KX-NEW")
    return {"product_model": model.pk, "quantity": 1, "delivery_date": "2026-03-01", **overrides}


def _interaction_data(**overrides):
    return {"kind": "call", "direction": "in", "occurred_at": "2026-03-10T09:30", "summary": "设备异响", **overrides}


@pytest.mark.parametrize("code", ["C-100", "c-100", " c-100 "])
def test_duplicate_customer_code_is_refused_with_a_message_in_the_form(ledger, manager, code):
    Customer.objects.filter(pk=ledger.customer.pk).update(code="C-100")
    count = Customer.objects.count()

    response = manager.post(reverse("customers:create"), _customer_data(code=code))

    assert response.status_code == 200
    [message] = response.context["form"].errors["code"]
    assert "C-100" in message
    assert message in response.content.decode()
    assert Customer.objects.count() == count


def test_duplicate_customer_code_is_refused_when_editing_another_customer(ledger, manager):
    url = reverse("customers:edit", args=[ledger.customer.pk])

    response = manager.post(url, _customer_data(code=ledger.others_customer.code, name="改名"))

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Customer.objects.get(pk=ledger.customer.pk).name == ledger.customer.name


def test_customer_form_without_required_fields_shows_chinese_errors_by_default(manager):
    response = manager.post(reverse("customers:create"), {"tier": "B", "relationship": "regular"})

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert set(response.context["form"].errors) == {"code", "name"}
    assert "这个字段是必填项。" in response.content.decode()  # from Django's own catalogue
    assert not Customer.objects.exists()


def test_customer_edit_without_a_name_changes_nothing(ledger, manager):
    url = reverse("customers:edit", args=[ledger.customer.pk])

    response = manager.post(url, _customer_data(code=ledger.customer.code, name="", region="新区域"))

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    ledger.customer.refresh_from_db()
    assert ledger.customer.region == "江苏"


def test_contact_needs_a_phone_or_an_e_mail(ledger, manager):
    response = manager.post(reverse("customers:contact_add", args=[ledger.customer.pk]), {"name": "赵工"})

    assert response.status_code == 200
    [message] = response.context["form"].non_field_errors()
    assert message in response.content.decode()
    assert not Contact.objects.filter(name="赵工").exists()


@pytest.mark.parametrize("data", [{"phone": "13800000000"}, {"email": "zhao@example.com"}], ids=["phone", "e-mail"])
def test_contact_with_either_a_phone_or_an_e_mail_is_saved(ledger, manager, data):
    response = manager.post(reverse("customers:contact_add", args=[ledger.customer.pk]), {"name": "赵工", **data})

    assert response.status_code == 302
    assert ledger.customer.contacts.filter(name="赵工").exists()


def test_contact_with_a_bad_e_mail_is_refused(ledger, manager):
    url = reverse("customers:contact_add", args=[ledger.customer.pk])

    response = manager.post(url, {"name": "赵工", "email": "not-an-address"})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert not Contact.objects.filter(name="赵工").exists()


def test_new_primary_contact_from_the_page_replaces_the_old_one(ledger, manager):
    old = ledger.customer.contacts.get(is_primary=True)
    url = reverse("customers:contact_add", args=[ledger.customer.pk])

    response = manager.post(url, {"name": "新负责人", "phone": "13700000000", "is_primary": "on"})

    assert response.status_code == 302
    assert ledger.customer.contacts.get(is_primary=True).name == "新负责人"
    assert not Contact.objects.get(pk=old.pk).is_primary


@pytest.mark.parametrize("serial", ["SN-DUP", "sn-dup ", " Sn-Dup"])
def test_delivery_with_a_serial_number_already_recorded_is_refused(ledger, manager, serial):
    Delivery.objects.filter(customer=ledger.others_customer).update(serial_number="SN-DUP")
    count = Delivery.objects.count()

    response = manager.post(
        reverse("customers:delivery_add", args=[ledger.customer.pk]), _delivery_data(serial_number=serial)
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["serial_number"]
    assert "SN-DUP" in message
    assert message in response.content.decode()
    assert Delivery.objects.count() == count


def test_delivery_keeps_its_own_serial_number_when_edited(ledger, manager):
    delivery = ledger.customer.deliveries.get()
    url = reverse("customers:delivery_edit", args=[ledger.customer.pk, delivery.pk])

    response = manager.post(url, _delivery_data(serial_number=delivery.serial_number, quantity=3))

    assert response.status_code == 302
    assert Delivery.objects.get(pk=delivery.pk).quantity == 3


def test_deliveries_without_serial_numbers_do_not_clash(ledger, manager):
    Delivery.objects.update(serial_number="")
    url = reverse("customers:delivery_add", args=[ledger.customer.pk])

    response = manager.post(url, _delivery_data(batch_number="B-9"))

    assert response.status_code == 302
    assert Delivery.objects.filter(serial_number="").count() == 3


@pytest.mark.parametrize("quantity", ["0", "-1", ""])
def test_delivery_needs_a_positive_quantity(ledger, manager, quantity):
    url = reverse("customers:delivery_add", args=[ledger.customer.pk])

    response = manager.post(url, _delivery_data(quantity=quantity, serial_number="SN-Q"))

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Delivery.objects.filter(serial_number="SN-Q").exists()


def test_delivery_of_an_inactive_product_model_is_refused(ledger, manager):
    model = ProductModelFactory(code="KX-OLD", is_active=False)
    url = reverse("customers:delivery_add", args=[ledger.customer.pk])

    response = manager.post(url, _delivery_data(product_model=model.pk, serial_number="SN-OLD"))

    assert response.status_code == 200
    assert "product_model" in response.context["form"].errors


def test_follow_up_before_the_interaction_is_refused(ledger, manager):
    url = reverse("customers:interaction_add", args=[ledger.customer.pk])

    response = manager.post(url, _interaction_data(follow_up_on="2026-03-09"))

    assert response.status_code == 200
    [message] = response.context["interaction_form"].errors["follow_up_on"]
    assert message in response.content.decode()
    assert not Interaction.objects.filter(summary="设备异响").exists()


def test_follow_up_on_the_day_of_the_interaction_is_accepted(ledger, manager):
    url = reverse("customers:interaction_add", args=[ledger.customer.pk])

    response = manager.post(url, _interaction_data(follow_up_on="2026-03-10"))

    assert response.status_code == 302
    assert Interaction.objects.filter(summary="设备异响").exists()


def test_refused_call_log_through_htmx_answers_422_with_the_form(ledger, manager):
    url = reverse("customers:interaction_add", args=[ledger.customer.pk])

    response = manager.post(url, _interaction_data(summary=""), headers={"HX-Request": "true"})

    assert response.status_code == 422
    assert "summary" in response.context["interaction_form"].errors
    assert b"<html" not in response.content
    assert ledger.customer.interactions.count() == 1


def test_call_cannot_name_a_contact_of_another_customer(ledger, manager):
    foreign = ledger.others_customer.contacts.get()
    url = reverse("customers:interaction_add", args=[ledger.customer.pk])

    response = manager.post(url, _interaction_data(contact=foreign.pk))

    assert response.status_code == 200
    assert "contact" in response.context["interaction_form"].errors
    assert not Interaction.objects.filter(summary="设备异响").exists()


def test_call_naming_a_contact_of_the_customer_is_logged(ledger, manager):
    contact = ContactFactory(customer=ledger.customer)
    url = reverse("customers:interaction_add", args=[ledger.customer.pk])

    manager.post(url, _interaction_data(contact=contact.pk))

    assert Interaction.objects.get(summary="设备异响").contact == contact
