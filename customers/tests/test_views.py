"""Who may open and change which ledger page, per role; the list's search, filters and pages."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from aftersales import roles as r
from customers.models import Contact, Customer, Delivery, Interaction

from .factories import ContactFactory, CustomerFactory, DeliveryFactory, ProductModelFactory

# What each role may do in the ledger, as the procedures assign it (DOMAIN.md §1 and the roles table).
VIEWERS = {r.SALES, *r.AFTERSALES, *r.QUALITY, r.GENERAL_MANAGER, r.MANAGEMENT}
CUSTOMER_EDITORS = {r.SALES, *r.AFTERSALES, r.QUALITY_LEADER, r.QUALITY_CLERK}
CONTACT_EDITORS = CUSTOMER_EDITORS
DELIVERY_EDITORS = {r.SALES, *r.AFTERSALES, r.QUALITY_LEADER, r.QUALITY_CLERK}
INTERACTION_LOGGERS = {r.SALES, *r.AFTERSALES}
ALL_SEEING = VIEWERS - {r.SALES}


def _url(page, customer=None):
    """Return the address of a ledger page, for ``customer`` where the page is about one."""
    if page == "list":
        return reverse("customers:list")
    if page == "create":
        return reverse("customers:create")
    if page == "contact_edit":
        return reverse("customers:contact_edit", args=[customer.pk, customer.contacts.get().pk])
    if page == "delivery_edit":
        return reverse("customers:delivery_edit", args=[customer.pk, customer.deliveries.get().pk])
    return reverse(f"customers:{page}", args=[customer.pk])


GET_PAGES = {
    "list": VIEWERS,
    "detail": VIEWERS,
    "contacts": VIEWERS,
    "deliveries": VIEWERS,
    "interactions": VIEWERS,
    "create": CUSTOMER_EDITORS,
    "edit": CUSTOMER_EDITORS,
    "contact_add": CONTACT_EDITORS,
    "contact_edit": CONTACT_EDITORS,
    "delivery_add": DELIVERY_EDITORS,
    "delivery_edit": DELIVERY_EDITORS,
}
CUSTOMER_PAGES = [page for page in GET_PAGES if page not in ("list", "create")]


@pytest.mark.parametrize("role", r.ALL)
@pytest.mark.parametrize("page", list(GET_PAGES))
def test_page_opens_only_for_roles_allowed_on_it(ledger, client_for, page, role):
    response = client_for(role).get(_url(page, ledger.customer))

    assert response.status_code == (200 if role in GET_PAGES[page] else 403)


@pytest.mark.parametrize("page", [*GET_PAGES, "interaction_add"])
def test_anonymous_visitor_is_sent_to_login(ledger, client, page):
    url = _url(page, ledger.customer)

    response = client.post(url) if page == "interaction_add" else client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('login')}?next=")


@pytest.mark.parametrize("page", CUSTOMER_PAGES)
def test_sales_cannot_open_another_salespersons_customer(ledger, client_for, page):
    response = client_for(r.SALES).get(_url(page, ledger.others_customer))

    assert response.status_code == 404


def test_sales_cannot_log_a_call_for_another_salespersons_customer(ledger, client_for):
    url = _url("interaction_add", ledger.others_customer)

    response = client_for(r.SALES).post(url, {"kind": "call", "direction": "in", "summary": "x"})

    assert response.status_code == 404
    assert not Interaction.objects.filter(summary="x").exists()


def test_sales_lists_only_their_own_customers(ledger, client_for):
    response = client_for(r.SALES).get(reverse("customers:list"))

    assert list(response.context["page"]) == [ledger.customer]


@pytest.mark.parametrize("role", sorted(ALL_SEEING))
def test_after_sales_quality_and_management_list_every_customer(ledger, client_for, role):
    response = client_for(role).get(reverse("customers:list"))

    assert set(response.context["page"]) == {ledger.customer, ledger.others_customer}


@pytest.mark.parametrize("role", sorted(VIEWERS))
def test_detail_page_offers_edit_and_call_log_only_to_those_allowed(ledger, client_for, role):
    response = client_for(role).get(_url("detail", ledger.customer))

    assert response.context["can_edit"] is (role in CUSTOMER_EDITORS)
    assert response.context["can_log"] is (role in INTERACTION_LOGGERS)
    assert (_url("edit", ledger.customer) in response.content.decode()) is (role in CUSTOMER_EDITORS)


def test_detail_page_falls_back_to_first_tab_when_asked_for_an_unknown_one(ledger, client_for):
    response = client_for(r.SALES).get(_url("detail", ledger.customer), {"tab": "nonsense"})

    assert response.context["active_tab"] == "contacts"
    assert f'hx-get="{_url("contacts", ledger.customer)}" hx-trigger="load' in response.content.decode()


@pytest.mark.parametrize("tab", ["contacts", "deliveries", "interactions"])
def test_tab_needs_its_own_read_permission(ledger, client_for, make_user, tab):
    user = make_user()
    codenames = ["view_customer", "view_all_customers"]
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="customers", codename__in=codenames))
    client = client_for(user)

    detail = client.get(_url("detail", ledger.customer))

    assert detail.context["tabs"] == []
    assert client.get(_url(tab, ledger.customer)).status_code == 403


@pytest.mark.parametrize(
    ("now", "badge"),
    [("2027-01-14T15:59:00Z", "text-bg-success"), ("2027-01-14T16:00:00Z", "text-bg-warning")],
    ids=["last-day-in-shanghai", "next-day-in-shanghai"],
)
def test_deliveries_tab_marks_warranty_by_the_day_in_china(ledger, client_for, now, badge):
    assert ledger.customer.deliveries.get().warranty_end == datetime.date(2027, 1, 14)

    with time_machine.travel(now, tick=False):
        page = client_for(r.SALES).get(_url("deliveries", ledger.customer)).content.decode()

    assert f'class="badge {badge}"' in page


# Writes: what a valid form posts on each page, and what changes when it is accepted.


def _customer_data(**overrides):
    data = {"code": "NEW-001", "name": "新建客户", "tier": "B", "industry": "rail", "relationship": "regular"}
    return {"is_active": "on", **data, **overrides}


def _delivery_data(_customer=None):
    model = ProductModelFactory(code="KX-NEW")
    return {"product_model": model.pk, "quantity": 2, "serial_number": "SN-NEW-1", "delivery_date": "2026-03-01"}


WRITES = {
    # page: (allowed roles, form data, what to read back before and after)
    "create": (CUSTOMER_EDITORS, lambda c: _customer_data(), lambda c: Customer.objects.count()),
    "edit": (
        CUSTOMER_EDITORS,
        lambda c: _customer_data(code=c.code, name="改名后的客户"),
        lambda c: Customer.objects.get(pk=c.pk).name,
    ),
    "contact_add": (CONTACT_EDITORS, lambda c: {"name": "王工", "phone": "13800000000"}, lambda c: c.contacts.count()),
    "contact_edit": (
        CONTACT_EDITORS,
        lambda c: {"name": "李经理", "email": "li@example.com"},
        lambda c: c.contacts.get().name,
    ),
    "delivery_add": (DELIVERY_EDITORS, _delivery_data, lambda c: c.deliveries.count()),
    "delivery_edit": (DELIVERY_EDITORS, _delivery_data, lambda c: c.deliveries.get().serial_number),
    "interaction_add": (
        INTERACTION_LOGGERS,
        lambda c: {"kind": "call", "direction": "in", "occurred_at": "2026-03-01T10:00", "summary": "询问备件"},
        lambda c: c.interactions.count(),
    ),
}


def _form_errors(response):
    context = response.context or {}
    form = context.get("form") or context.get("interaction_form")
    return form.errors if form is not None else None


@pytest.mark.parametrize("role", r.ALL)
@pytest.mark.parametrize("page", list(WRITES))
def test_page_saves_only_for_roles_allowed_to_write(ledger, client_for, page, role):
    allowed, data, read_back = WRITES[page]
    before = read_back(ledger.customer)

    response = client_for(role).post(_url(page, ledger.customer), data(ledger.customer))

    if role in allowed:
        assert response.status_code == 302, _form_errors(response)
        assert read_back(ledger.customer) != before
    else:
        assert response.status_code == 403
        assert read_back(ledger.customer) == before


@pytest.mark.parametrize("page", [p for p in WRITES if p != "create"])
def test_sales_cannot_write_to_another_salespersons_customer(ledger, client_for, page):
    _allowed, data, read_back = WRITES[page]
    before = read_back(ledger.others_customer)

    response = client_for(r.SALES).post(_url(page, ledger.others_customer), data(ledger.others_customer))

    assert response.status_code == 404
    assert read_back(ledger.others_customer) == before


def test_sales_creating_a_customer_becomes_its_salesperson(client_for, sales_user):
    response = client_for(r.SALES).post(reverse("customers:create"), _customer_data())

    customer = Customer.objects.get(code="NEW-001")
    assert response["Location"] == customer.get_absolute_url()
    assert customer.salesperson == sales_user


def test_sales_is_not_offered_the_salesperson_field(client_for):
    response = client_for(r.SALES).get(reverse("customers:create"))

    assert "salesperson" not in response.context["form"].fields


def test_sales_cannot_hand_their_customer_to_another_salesperson(ledger, client_for):
    data = _customer_data(code=ledger.customer.code, salesperson=ledger.other_sales.pk)

    client_for(r.SALES).post(_url("edit", ledger.customer), data)

    ledger.customer.refresh_from_db()
    assert ledger.customer.salesperson == ledger.sales


def test_after_sales_manager_assigns_the_salesperson(ledger, client_for):
    data = _customer_data(code=ledger.customer.code, salesperson=ledger.other_sales.pk)

    client_for(r.AFTERSALES_MANAGER).post(_url("edit", ledger.customer), data)

    ledger.customer.refresh_from_db()
    assert ledger.customer.salesperson == ledger.other_sales


def test_contact_cannot_be_edited_through_another_customers_address(ledger, client_for):
    foreign_contact = ledger.others_customer.contacts.get()
    url = reverse("customers:contact_edit", args=[ledger.customer.pk, foreign_contact.pk])

    response = client_for(r.AFTERSALES_MANAGER).post(url, {"name": "篡改", "phone": "1"})

    assert response.status_code == 404
    assert Contact.objects.get(pk=foreign_contact.pk).name != "篡改"


def test_delivery_cannot_be_edited_through_another_customers_address(ledger, client_for):
    foreign_delivery = ledger.others_customer.deliveries.get()
    url = reverse("customers:delivery_edit", args=[ledger.customer.pk, foreign_delivery.pk])

    response = client_for(r.AFTERSALES_MANAGER).post(url, _delivery_data())

    assert response.status_code == 404
    assert Delivery.objects.get(pk=foreign_delivery.pk).customer == ledger.others_customer


def test_call_logged_through_htmx_returns_a_fresh_form_and_refreshes_the_register(ledger, client_for):
    url = _url("interaction_add", ledger.customer)
    data = {"kind": "call", "direction": "in", "occurred_at": "2026-03-01T10:00", "summary": "询问备件"}

    response = client_for(r.SALES).post(url, data, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Trigger"] == "interactionLogged"
    assert ledger.customer.interactions.filter(summary="询问备件", handled_by=ledger.sales).exists()


# The list: search, filters, pages.


def _listed(client, **params):
    return set(client.get(reverse("customers:list"), params).context["page"])


@pytest.fixture
def manager_client(client_for):
    return client_for(r.AFTERSALES_MANAGER)


@pytest.mark.parametrize(
    "text",
    ["华东电力", "电力设备", "c0", "139", "sn"],
    ids=["name-start", "name-middle", "code-lowercase", "contact-phone", "serial-lowercase"],
)
def test_search_finds_customer_by_name_code_phone_or_serial(ledger, manager_client, text):
    target = ledger.customer
    target.contacts.update(phone="13912345678")
    Customer.objects.filter(pk=target.pk).update(code="C0-777")
    Delivery.objects.filter(customer=target).update(serial_number="SN-777")
    other = ledger.others_customer
    other.contacts.update(phone="02500000000")
    Customer.objects.filter(pk=other.pk).update(code="X-1")
    Delivery.objects.filter(customer=other).update(serial_number="ZZ-1")

    assert _listed(manager_client, q=text) == {target}


def test_search_by_full_serial_number_finds_the_customer(ledger, manager_client):
    serial = ledger.others_customer.deliveries.get().serial_number

    assert _listed(manager_client, q=serial.lower()) == {ledger.others_customer}


def test_search_with_nothing_matching_shows_no_customer(ledger, manager_client):
    assert _listed(manager_client, q="不存在的客户") == set()


@pytest.mark.parametrize(
    "params",
    [{"tier": "A"}, {"industry": "rail"}, {"region": "陕西"}, {"relationship": "key"}, {"is_active": "false"}],
    ids=lambda p: next(iter(p)),
)
def test_list_filter_keeps_only_matching_customers(ledger, manager_client, params):
    Customer.objects.filter(pk=ledger.others_customer.pk).update(
        tier="A", industry="rail", region="陕西", relationship="key", is_active=False
    )

    assert _listed(manager_client, **params) == {ledger.others_customer}


def test_list_filter_active_keeps_only_active_customers(ledger, manager_client):
    Customer.objects.filter(pk=ledger.others_customer.pk).update(is_active=False)

    assert _listed(manager_client, is_active="true") == {ledger.customer}


@pytest.mark.parametrize(
    "params",
    [{"tier": "Z"}, {"industry": "moon"}, {"salesperson": "abc"}, {"is_active": "maybe"}, {"page": "x"}],
    ids=lambda p: next(iter(p)),
)
def test_list_ignores_nonsense_in_the_address(ledger, manager_client, params):
    response = manager_client.get(reverse("customers:list"), params)

    assert response.status_code == 200


def test_list_filter_by_salesperson(ledger, manager_client):
    assert _listed(manager_client, salesperson=ledger.other_sales.pk) == {ledger.others_customer}


def test_sales_is_not_offered_the_salesperson_filter_and_cannot_use_it(ledger, client_for):
    response = client_for(r.SALES).get(reverse("customers:list"), {"salesperson": ledger.other_sales.pk})

    assert "salesperson" not in response.context["filter"].form.fields
    assert list(response.context["page"]) == [ledger.customer]


def test_search_and_filters_combine(ledger, manager_client):
    CustomerFactory(name="华东电力二厂", tier_id="A")

    assert {c.name for c in _listed(manager_client, q="华东电力", tier="A")} == {"华东电力二厂"}


def test_list_is_paged_fifty_at_a_time_and_keeps_the_filter_in_page_links(manager_client):
    CustomerFactory.create_batch(60, region="江苏")

    first = manager_client.get(reverse("customers:list"), {"region": "江苏"})
    second = manager_client.get(reverse("customers:list"), {"region": "江苏", "page": 2})
    beyond = manager_client.get(reverse("customers:list"), {"region": "江苏", "page": 99})

    assert len(first.context["page"]) == 50
    assert len(second.context["page"]) == 10
    assert beyond.context["page"].number == 2
    assert "?region=%E6%B1%9F%E8%8B%8F&amp;page=2" in first.content.decode()


def test_list_answers_htmx_with_the_table_only(ledger, manager_client):
    response = manager_client.get(reverse("customers:list"), headers={"HX-Request": "true"})

    assert [t.name for t in response.templates][0] == "customers/_customer_table.html"
    assert b"<html" not in response.content


def test_tab_partial_is_paged(ledger, manager_client):
    ContactFactory.create_batch(24, customer=ledger.customer)
    DeliveryFactory.create_batch(24, customer=ledger.customer)

    contacts = manager_client.get(_url("contacts", ledger.customer), {"page": 2})
    deliveries = manager_client.get(_url("deliveries", ledger.customer), {"page": 2})

    assert len(contacts.context["page"]) == 5
    assert len(deliveries.context["page"]) == 5
