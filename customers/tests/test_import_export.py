"""Spreadsheet import and export of the ledger through the admin, and the admin's list pages."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales import roles
from aftersales.models import SpreadsheetJob
from aftersales.spreadsheets import safe_cell, unescape_cell
from customers.models import Customer, Delivery
from customers.resources import CustomerResource, DeliveryResource

from .factories import ContactFactory, CustomerFactory, DeliveryFactory, InteractionFactory, ProductModelFactory

XLSX, CSV = "0", "1"  # indexes of aftersales.spreadsheets.FORMATS
CUSTOMER_HEADERS = ["customer code", "name", "tier", "industry", "region", "responsible salesperson", "notes"]
DELIVERY_HEADERS = ["customer code", "product model", "quantity", "serial number", "delivery date"]
RISKY = ['=HYPERLINK("http://evil.example","点此")', "+1+2", "-3+4", "@SUM(A1)", "\tTAB", "\rCR"]


def xlsx_file(rows, name="ledger.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(model, action):
    return f"/admin/customers/{model}/{action}/"


def upload(client, model, file, file_format=XLSX):
    return client.post(url(model, "import"), {"format": file_format, "resource": "0", "import_file": file})


def confirm(client, model, preview):
    form = preview.context["confirm_form"]
    return client.post(url(model, "process_import"), {name: form.initial[name] for name in form.fields})


def export(client, model, resource, file_format):
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    return client.post(url(model, "export"), {"format": file_format, "resource": "0", **fields})


def _body(response) -> bytes:
    """Return the bytes of a streamed export; read once, the same bytes afterwards."""
    if not hasattr(response, "body_bytes"):
        response.body_bytes = b"".join(response.streaming_content)
    return response.body_bytes


def invalid_rows(response):
    """Return {spreadsheet row number: all error messages of the row} from a dry run."""
    result = response.context["result"]
    return {row.number: " ".join(m for ms in row.error_dict.values() for m in ms) for row in result.invalid_rows}


@pytest.fixture
def clerk(make_user):
    return make_user(roles.QUALITY_CLERK, username="clerk", is_staff=True)


@pytest.fixture
def clerk_client(client_for, clerk):
    """Return the clerk's client in English, the language the messages are asserted in."""
    return in_english(client_for(clerk))


@pytest.fixture
def sales(make_user):
    return make_user(roles.SALES, username="wang.li")


# Imports: the admin's button opens the background import (customers/tests/test_importers.py
# has the row rules); here the ledger's own exports and headers go through it.


def start_import(client, kind, file):
    """Upload, run the queued check as a worker would, and return the job."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/spreadsheets/import/customers.{kind}/", {"file": file})
    assert response.status_code == 302, response.content.decode()[:1000]
    return SpreadsheetJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def confirm_import(client, job):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/spreadsheets/{job.pk}/confirm/")
    job.refresh_from_db()
    return job


def problems(job) -> dict[int, str]:
    found = {}
    for problem in job.problems.all():
        found[problem.row] = (found.get(problem.row, "") + " " + problem.message).strip()
    return found


def test_admin_import_button_opens_the_background_import(clerk_client):
    for model in ("customer", "contact", "delivery"):
        response = clerk_client.get(url(model, "import"))
        assert response.status_code == 302
        assert response["Location"] == f"/spreadsheets/import/customers.{model}/"
    assert clerk_client.get("/spreadsheets/import/customers.customer/").status_code == 200


@pytest.mark.parametrize(
    "headers, expected",
    [
        (["name", "tier"], "customer code"),
        (["customer code", "name", "name"], "name"),
    ],
)
def test_file_with_wrong_columns_is_refused_with_the_reason(clerk_client, headers, expected):
    job = start_import(clerk_client, "customer", xlsx_file([headers, ["C1", "华东电力", "A"][: len(headers)]]))

    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.INVALID
    (problem,) = job.problems.all()
    assert expected in problem.message
    assert not Customer.objects.exists()


def test_unknown_columns_are_named_and_ignored(clerk_client):
    job = start_import(
        clerk_client, "customer", xlsx_file([["customer code", "name", "colour"], ["C1", "华东电力", "红"]])
    )

    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.CHECKED
    assert any("colour" in note for note in job.notes)


def test_file_that_is_not_a_spreadsheet_is_refused(clerk_client):
    job = start_import(clerk_client, "customer", SimpleUploadedFile("ledger.xlsx", b"this is not a workbook"))

    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.INVALID
    assert "Traceback" not in clerk_client.get(f"/spreadsheets/{job.pk}/").content.decode()


def test_good_customer_file_is_checked_then_written_on_confirm(clerk_client, clerk, sales):
    existing = CustomerFactory(code="C900", name="旧名称")
    file = xlsx_file(
        [
            CUSTOMER_HEADERS,
            [" c001 ", "华东电力", "A", "power", "江苏", "wang.li", "+86 重点客户"],
            ["C900", "新名称", "B", "", "", "", ""],
            [None] * len(CUSTOMER_HEADERS),  # an empty line at the end is skipped
        ]
    )

    job = start_import(clerk_client, "customer", file)

    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count) == (SpreadsheetJob.Status.CHECKED, 1, 1)
    assert not Customer.objects.filter(code="C001").exists()  # the check writes nothing
    confirm_import(clerk_client, job)
    created = Customer.objects.get(code="C001")
    assert (created.name, created.tier_id, created.industry, created.salesperson) == ("华东电力", "A", "power", sales)
    assert created.notes == "+86 重点客户"
    existing.refresh_from_db()
    assert (existing.name, existing.tier_id) == ("新名称", "B")
    # One audit entry per written row.
    assert LogEntry.objects.filter(user=clerk).count() == 2


def test_good_delivery_file_is_written_with_its_warranty_end(clerk_client):
    customer = CustomerFactory(code="C001")
    ProductModelFactory(code="KX-001", warranty_months=24)
    file = xlsx_file(
        [
            DELIVERY_HEADERS,
            ["c001", "KX-001", 2, "sn-1", datetime.datetime(2026, 1, 15)],
            ["C001", "KX-001", "", "", "2026/02/01"],
        ]
    )

    job = confirm_import(clerk_client, start_import(clerk_client, "delivery", file))

    assert job.status == SpreadsheetJob.Status.DONE, problems(job)
    unit, lot = customer.deliveries.order_by("delivery_date")
    assert (unit.serial_number, unit.quantity, unit.delivery_date) == ("SN-1", 2, datetime.date(2026, 1, 15))
    assert unit.warranty_end == datetime.date(2028, 1, 14)
    assert (lot.serial_number, lot.quantity, lot.delivery_date) == ("", 1, datetime.date(2026, 2, 1))


def test_new_primary_contact_takes_over_from_the_previous_one(clerk_client):
    customer = CustomerFactory(code="C001")
    old = ContactFactory(customer=customer, name="老王", is_primary=True)
    file = xlsx_file([["customer code", "name", "phone", "primary contact"], ["C001", "小李", 13900000009, "是"]])

    job = confirm_import(clerk_client, start_import(clerk_client, "contact", file))

    assert job.status == SpreadsheetJob.Status.DONE, problems(job)
    old.refresh_from_db()
    assert not old.is_primary
    new = customer.contacts.get(is_primary=True)
    assert (new.name, new.phone) == ("小李", "13900000009")  # a mobile typed as a number keeps its digits


def test_confirm_writes_nothing_when_the_file_no_longer_passes(clerk_client):
    CustomerFactory(code="C001")
    ProductModelFactory(code="KX-001")
    file = xlsx_file(
        [DELIVERY_HEADERS, ["C001", "KX-001", 1, "SN-1", "2026-01-15"], ["C001", "KX-001", 1, "SN-2", "2026-01-16"]]
    )
    job = start_import(clerk_client, "delivery", file)
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.CHECKED
    # Meanwhile someone records SN-2 for another customer.
    DeliveryFactory(customer=CustomerFactory(code="C777"), serial_number="SN-2")

    job = confirm_import(clerk_client, job)

    assert job.status == SpreadsheetJob.Status.INVALID
    assert list(problems(job)) == [3]
    assert not Delivery.objects.filter(serial_number="SN-1").exists()


@pytest.mark.parametrize("file_format, name", [(XLSX, "back.xlsx"), (CSV, "back.csv")])
def test_exported_file_imports_back_unchanged(clerk_client, sales, file_format, name):
    CustomerFactory(code="C001", name="华东电力", salesperson=sales, notes="+86 重点", industry="rail")
    exported = _body(export(clerk_client, "customer", CustomerResource, file_format))

    job = start_import(clerk_client, "customer", SimpleUploadedFile(name, exported))

    job.refresh_from_db()
    assert (job.status, job.unchanged_count) == (SpreadsheetJob.Status.CHECKED, 1), problems(job)
    confirm_import(clerk_client, job)
    customer = Customer.objects.get(code="C001")
    assert (customer.notes, customer.industry, customer.salesperson) == ("+86 重点", "rail", sales)


def test_import_accepts_the_headers_of_a_file_exported_in_another_language(client_for, clerk):
    CustomerFactory(code="C001", name="华东电力")
    english_client = in_english(client_for(clerk))
    chinese = _body(export(client_for(clerk), "customer", CustomerResource, XLSX))  # the default language
    english = _body(export(english_client, "customer", CustomerResource, XLSX))
    assert headers_of(chinese) != headers_of(english)

    for client, file in ((english_client, chinese), (client_for(clerk), english)):
        job = start_import(client, "customer", SimpleUploadedFile("back.xlsx", file))
        job.refresh_from_db()
        assert (job.status, job.unchanged_count) == (SpreadsheetJob.Status.CHECKED, 1), problems(job)


def headers_of(xlsx_bytes):
    return next(openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active.iter_rows(values_only=True))


# Exports are formula-safe


@pytest.fixture
def risky_customers():
    CustomerFactory(code="C000", name=RISKY[0], notes="plain")
    for number, text in enumerate(RISKY[1:], start=1):
        CustomerFactory(code=f"C00{number}", name=f"客户{number}", notes=text)


def test_xlsx_export_stores_formulae_as_text(clerk_client, risky_customers):
    DeliveryFactory(quantity=3, customer=Customer.objects.get(code="C001"))
    response = export(clerk_client, "customer", CustomerResource, XLSX)

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(_body(response))).active
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    by_code = {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}
    # Stored as text, never a formula, and shown as typed: no apostrophe in xlsx.
    assert by_code["C000"]["name"] == RISKY[0]
    for number, text in enumerate(RISKY[1:], start=1):
        assert by_code[f"C00{number}"]["notes"].startswith(text[0].replace("\r", "\n"))
    assert by_code["C000"]["notes"] == "plain"
    assert by_code["C000"]["active"] is True  # booleans stay booleans, not the text "True"

    sheet = openpyxl.load_workbook(io.BytesIO(_body(export(clerk_client, "delivery", DeliveryResource, XLSX)))).active
    row = dict(zip(*sheet.iter_rows(values_only=True), strict=True))
    assert row["quantity"] == 3  # numbers stay numbers
    assert row["delivery date"] == datetime.datetime(2026, 1, 15)  # and dates dates


def test_csv_export_neutralises_formulae(clerk_client, risky_customers):
    response = export(clerk_client, "customer", CustomerResource, CSV)

    assert response.status_code == 200
    assert _body(response).startswith(b"\xef\xbb\xbf")  # so that Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"), newline="")))
    by_code = {row["customer code"]: row for row in rows}
    assert by_code["C000"]["name"] == "'" + RISKY[0]
    for number, text in enumerate(RISKY[1:], start=1):
        assert by_code[f"C00{number}"]["notes"] == "'" + text


@pytest.mark.parametrize("text", RISKY)
def test_safe_cell_quotes_risky_text_once_and_import_unquotes_it(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell(safe_cell(text)) == "'" + text
    assert unescape_cell(safe_cell(text)) == text


@pytest.mark.parametrize("value", [-5, -1.5, 0, None, True, datetime.date(2026, 1, 1), "plain", "'quoted", "a=b"])
def test_safe_cell_leaves_numbers_dates_and_plain_text_alone(value):
    assert safe_cell(value) == value


# Permissions


def test_staff_without_import_or_export_permission_is_refused(client_for, make_user):
    engineer = make_user(roles.QUALITY_ENGINEER, username="engineer", is_staff=True)  # reads the ledger only
    client = client_for(engineer)

    page = client.get("/admin/customers/customer/")
    assert page.status_code == 200
    assert url("customer", "import") not in page.content.decode()
    assert url("customer", "export") not in page.content.decode()
    assert client.get(url("customer", "import")).status_code == 403
    assert client.get("/spreadsheets/import/customers.customer/").status_code == 403
    assert (
        client.post("/spreadsheets/import/customers.customer/", {"file": xlsx_file([CUSTOMER_HEADERS])}).status_code
        == 403
    )
    assert client.post(url("customer", "process_import"), {"format": XLSX}).status_code == 403
    assert export(client, "customer", CustomerResource, XLSX).status_code == 403


def test_export_permission_alone_does_not_allow_import(client_for, make_user):
    deputy = make_user(roles.QUALITY_DEPUTY, username="deputy", is_staff=True)
    client = client_for(deputy)
    CustomerFactory(code="C001")

    page = client.get("/admin/customers/customer/").content.decode()
    assert url("customer", "export") in page and url("customer", "import") not in page
    assert export(client, "customer", CustomerResource, CSV).status_code == 200
    assert client.get(url("delivery", "import")).status_code == 403


def test_clerk_sees_import_and_export_buttons(clerk_client):
    page = clerk_client.get("/admin/customers/customer/").content.decode()

    assert url("customer", "import") in page and url("customer", "export") in page


# Admin pages


def _ledger_rows(count, user):
    for _ in range(count):
        customer = CustomerFactory(salesperson=user)
        contact = ContactFactory(customer=customer)
        DeliveryFactory(customer=customer)
        InteractionFactory(customer=customer, contact=contact, handled_by=user)


@pytest.mark.parametrize("model", ["customer", "contact", "delivery", "interaction", "productmodel", "customertier"])
def test_admin_list_page_queries_do_not_grow_with_rows(make_user, client_for, model):
    superuser = make_user(username="root", is_staff=True, is_superuser=True)
    client = client_for(superuser)
    counts = []
    for rows in (1, 5):
        _ledger_rows(rows, superuser)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/admin/customers/{model}/").status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_admin_search_finds_a_customer_by_contact_phone_or_serial_number(clerk_client):
    customer = CustomerFactory(code="C001", name="华东电力")
    ContactFactory(customer=customer, phone="13912345678")
    DeliveryFactory(customer=customer, serial_number="SN20260001")
    CustomerFactory(code="C002", name="西北轨道")

    for term in ("1391234", "sn2026", "华东", "c00"):
        found = clerk_client.get("/admin/customers/customer/", {"q": term}).context["cl"].result_list
        assert customer in found, term
    found = clerk_client.get("/admin/customers/customer/", {"q": "1391234"}).context["cl"].result_list
    assert list(found) == [customer]


def test_staff_salesperson_sees_only_own_customers_in_admin(client_for, make_user):
    seller = make_user(roles.SALES, username="seller", is_staff=True)
    own, other = CustomerFactory(salesperson=seller), CustomerFactory()
    ContactFactory(customer=own), ContactFactory(customer=other)

    client = client_for(seller)

    assert list(client.get("/admin/customers/customer/").context["cl"].result_list) == [own]
    assert {c.customer for c in client.get("/admin/customers/contact/").context["cl"].result_list} == {own}
    assert client.get(f"/admin/customers/customer/{other.pk}/change/").status_code == 302  # "does not exist"


def test_customer_and_delivery_pages_show_contacts_inline_and_warranty_end_read_only(clerk_client):
    delivery = DeliveryFactory(product_model=ProductModelFactory(warranty_months=12))
    ContactFactory(customer=delivery.customer, name="张伟")

    customer_page = clerk_client.get(f"/admin/customers/customer/{delivery.customer.pk}/change/")
    delivery_page = clerk_client.get(f"/admin/customers/delivery/{delivery.pk}/change/")

    assert "张伟" in customer_page.content.decode()
    assert 'name="warranty_end"' not in delivery_page.content.decode()
    assert "warranty_end" in delivery_page.context["adminform"].readonly_fields
    assert clerk_client.get("/admin/customers/delivery/add/").status_code == 200
