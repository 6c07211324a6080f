"""Background imports of the ledger: upload, check, problems by row and column, confirm, all or nothing."""

import csv
import io

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales import roles
from aftersales.models import SpreadsheetJob
from customers.models import Contact, Customer, Delivery

from .factories import CustomerFactory, DeliveryFactory, ProductModelFactory

pytestmark = pytest.mark.django_db

HEADERS = ["客户编码", "客户名称", "等级", "联系人", "电话"]


def xlsx(rows, name="台账.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def csv_file(rows, name="台账.csv", encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding))


def post(client, url, data=None):
    """Post; the steps it queues run when its transaction commits, as a worker would run them."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


def upload(client, kind, file, **extra):
    return post(client, f"/spreadsheets/import/{kind}/", {"file": file, **extra})


def job_of(response) -> SpreadsheetJob:
    assert response.status_code == 302, response.content.decode()[:2000]
    return SpreadsheetJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


@pytest.fixture
def clerk(client_for, role_user):
    return client_for(roles.QUALITY_CLERK)


def test_upload_checks_then_confirm_writes_every_row(clerk, role_user):
    rows = [HEADERS] + [[f"KH{n:04d}", f"客户{n}", "A", f"联系人{n}", f"1391234{n:04d}"] for n in range(1, 31)]
    job = job_of(upload(clerk, "customers.customer", xlsx(rows)))
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.CHECKED
    assert (job.total_rows, job.created_count, job.problem_count) == (30, 30, 0)
    assert not Customer.objects.exists()  # nothing written before the user confirms
    page = clerk.get(f"/spreadsheets/{job.pk}/")
    assert "confirm-import" in page.content.decode()

    response = post(clerk, f"/spreadsheets/{job.pk}/confirm/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.DONE
    assert Customer.objects.count() == 30
    customer = Customer.objects.get(code="KH0007")
    assert (customer.name, customer.tier_id) == ("客户7", "A")
    contact = Contact.objects.get(customer=customer)
    assert (contact.name, contact.phone, contact.is_primary) == ("联系人7", "13912340007", True)
    assert LogEntry.objects.filter(user=role_user(roles.QUALITY_CLERK), object_id=str(customer.pk)).exists()


def test_one_bad_row_writes_nothing_and_names_row_column_and_reason(clerk):
    rows = [HEADERS, ["KH0001", "甲公司", "A", "张三", "13912345678"], ["KH0002", "乙公司", "Z", "李四", "见备注"]]
    job = job_of(upload(clerk, "customers.customer", xlsx(rows)))
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.INVALID
    problems = {(p.row, p.column): p for p in job.problems.all()}
    assert set(problems) == {(3, "tier"), (3, "contact phone")} or {key[0] for key in problems} == {3}
    page = clerk.get(f"/spreadsheets/{job.pk}/").content.decode()
    assert "见备注" in page and "problem-row" in page
    assert not Customer.objects.exists()
    assert post(clerk, f"/spreadsheets/{job.pk}/confirm/").status_code == 302
    assert not Customer.objects.exists()


FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[2] / "aftersales/tests/fixtures/spreadsheets"


def fixture(name):
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def checked(client, name, kind="customers.customer"):
    job = job_of(upload(client, kind, fixture(name)))
    job.refresh_from_db()
    return job


def problems_of(job):
    return [(p.row, p.column, p.value, p.message) for p in job.problems.order_by("id")]


def confirm(client, job):
    post(client, f"/spreadsheets/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.DONE, (job.status, job.failure, problems_of(job))
    return job


@pytest.mark.parametrize("name", ["gbk.csv", "utf8_bom.csv"])
def test_gbk_and_utf8_bom_csv_are_read_with_their_chinese_text(clerk, name):
    job = checked(clerk, name)
    assert job.status == SpreadsheetJob.Status.CHECKED, problems_of(job)
    confirm(clerk, job)
    customer = Customer.objects.get(code="KH0002")
    assert customer.name == "苏州精工设备厂"
    assert customer.contacts.get().phone == "0512-67891234"
    assert Customer.objects.get(code="KH0003").contacts.get().phone == "022-23456789-801"


def test_title_row_above_the_headers_is_skipped_and_said(clerk):
    job = checked(clerk, "title_row.xlsx")
    assert job.status == SpreadsheetJob.Status.CHECKED, problems_of(job)
    assert job.header_row > 1
    assert any(str(job.header_row) in note for note in job.notes)
    confirm(clerk, job)
    assert Customer.objects.filter(code__in=["KH0001", "KH0002", "KH0003"]).count() == 3
    assert not Customer.objects.filter(name__contains="台账").exists()


def test_numbers_typed_as_numbers_keep_mobiles_and_refuse_a_landline_that_lost_its_zero(clerk):
    job = checked(clerk, "numbers.xlsx")
    assert job.status == SpreadsheetJob.Status.INVALID
    found = problems_of(job)
    # Row 2: a 15-digit code and a mobile typed as numbers are exact, so they pass.
    # Row 3: 2584561234 was 025-84561234 before Excel dropped the 0. Row 4: a code past 15 digits.
    assert {row for row, *_rest in found} == {3, 4}, found
    assert "2584561234" in [value for _r, _c, value, _m in found]
    assert not Customer.objects.exists()


def test_e_notation_is_refused_for_codes_and_phones_naming_row_and_column(clerk):
    job = checked(clerk, "enotation.csv")
    assert job.status == SpreadsheetJob.Status.INVALID
    found = {(row, value) for row, _column, value, _message in problems_of(job)}
    assert (2, "2.03E+14") in found and (2, "1.38E+10") in found
    assert not Customer.objects.exists()


def test_full_width_codes_are_the_same_customer(clerk):
    CustomerFactory(code="KH0002", name="旧名称")
    job = checked(clerk, "fullwidth.csv")
    assert job.status == SpreadsheetJob.Status.CHECKED, problems_of(job)
    assert (job.created_count, job.updated_count) == (0, 1)
    confirm(clerk, job)
    customer = Customer.objects.get(code="KH0002")
    assert (customer.name, customer.tier_id) == ("苏州精工设备厂", "B")
    assert customer.contacts.get().phone == "0512-67891234"
    assert Customer.objects.count() == 1


def test_unclosed_quote_and_nul_byte_are_refused_with_the_row_and_no_traceback(clerk):
    for name in ("unclosed_quote.csv", "nul.csv"):
        job = checked(clerk, name)
        assert job.status == SpreadsheetJob.Status.INVALID, name
        page = clerk.get(f"/spreadsheets/{job.pk}/").content.decode()
        assert "Traceback" not in page and "Error" not in page
        assert job.problems.exists()
    unclosed = SpreadsheetJob.objects.get(original_name="unclosed_quote.csv")
    assert unclosed.problems.get().row is not None
    assert not Customer.objects.exists()


@pytest.mark.parametrize("name", ["control_chars.csv", "control_chars.xlsx"])
def test_control_characters_in_a_name_are_refused(clerk, name):
    job = checked(clerk, name)
    assert job.status == SpreadsheetJob.Status.INVALID
    assert any("U+00" in message for _r, _c, _v, message in problems_of(job)), problems_of(job)
    assert not Customer.objects.exists()


def test_the_sheet_with_the_columns_is_read_and_the_others_named(clerk):
    job = checked(clerk, "two_sheets.xlsx")
    assert job.status == SpreadsheetJob.Status.CHECKED, problems_of(job)
    assert job.sheet_name
    assert job.notes and any(job.sheet_name in note for note in job.notes)


def test_hidden_columns_are_reported_before_confirming(clerk):
    job = checked(clerk, "hidden_columns.xlsx")
    assert job.notes, "a hidden column must be named"
    page = clerk.get(f"/spreadsheets/{job.pk}/").content.decode()
    assert "job-notes" in page


def test_dates_out_of_range_are_refused_in_deliveries(clerk):
    customer = CustomerFactory(code="KH0001")
    ProductModelFactory(code="KX-100")
    rows = [
        ["客户编码", "产品型号", "序列号", "交付日期"],
        ["KH0001", "KX-100", "SN1", "2026年3月5日"],
        ["KH0001", "KX-100", "SN2", "9999-12-31"],
        ["KH0001", "KX-100", "SN3", "0001-01-01"],
        ["KH0001", "KX-100", "SN4", 46086],
    ]
    job = job_of(upload(clerk, "customers.delivery", xlsx(rows)))
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.INVALID
    assert {row for row, *_rest in problems_of(job)} == {3, 4}
    assert not Delivery.objects.filter(customer=customer).exists()
    page = clerk.get(f"/spreadsheets/{job.pk}/").content.decode()
    assert "9999-12-31" in page and "Traceback" not in page


def test_delivery_serial_in_e_notation_cannot_make_a_second_delivery(clerk):
    customer = CustomerFactory(code="KH0001")
    DeliveryFactory(customer=customer, serial_number="203000000000000")
    rows = [["客户编码", "产品型号", "序列号", "交付日期"], ["KH0001", "KX-100", "2.03E+14", "2026-03-05"]]
    ProductModelFactory(code="KX-100")
    job = job_of(upload(clerk, "customers.delivery", csv_file(rows)))
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.INVALID
    assert Delivery.objects.filter(customer=customer).count() == 1


def test_birthday_in_the_future_is_refused_for_contacts(clerk):
    CustomerFactory(code="KH0001")
    rows = [["客户编码", "姓名", "生日"], ["KH0001", "张三", "2999-01-01"], ["KH0001", "李四", "1980/3/5"]]
    job = job_of(upload(clerk, "customers.contact", xlsx(rows)))
    job.refresh_from_db()
    assert [row for row, *_rest in problems_of(job)] == [2]
    assert not Contact.objects.exists()


def test_oversize_file_is_refused_before_reading(clerk, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(clerk, "customers.customer", SimpleUploadedFile("big.csv", b"x" * 2000))
    assert response.status_code == 200
    assert "upload-error" in response.content.decode()
    assert not SpreadsheetJob.objects.exists()


def test_wrong_file_type_is_refused_with_a_translated_message(clerk):
    response = upload(clerk, "customers.customer", SimpleUploadedFile("ledger.pdf", b"%PDF-1.4"))
    assert "upload-error" in response.content.decode()
    assert not SpreadsheetJob.objects.exists()


def test_existing_customers_are_updated_and_unchanged_rows_counted(clerk):
    CustomerFactory(code="KH0001", name="甲公司")
    CustomerFactory(code="KH0002", name="乙公司")
    rows = [["客户编码", "客户名称"], ["KH0001", "甲公司"], ["KH0002", "乙公司（新）"], ["KH0003", "丙公司"]]
    job = job_of(upload(clerk, "customers.customer", xlsx(rows)))
    job.refresh_from_db()
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 1)
    confirm(clerk, job)
    assert Customer.objects.get(code="KH0002").name == "乙公司（新）"
    assert Customer.objects.count() == 3


def test_a_row_that_became_wrong_before_confirming_stops_the_whole_file(clerk):
    rows = [["客户编码", "客户名称", "业务员"], ["KH0001", "甲公司", ""], ["KH0002", "乙公司", "nobody_yet"]]
    seller = None
    job = job_of(upload(clerk, "customers.customer", xlsx(rows)))
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.INVALID  # no such user
    from aftersales.tests.factories import UserFactory

    seller = UserFactory(username="nobody_yet")
    job = job_of(upload(clerk, "customers.customer", xlsx(rows)))
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.CHECKED
    seller.is_active = False
    seller.save()
    post(clerk, f"/spreadsheets/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.INVALID
    assert [row for row, *_rest in problems_of(job)] == [3]
    assert not Customer.objects.exists()


def test_duplicate_code_in_one_file_names_the_first_row(clerk):
    rows = [["客户编码", "客户名称"], ["KH0001", "甲"], ["kh0001", "乙"]]
    job = job_of(upload(clerk, "customers.customer", xlsx(rows)))
    job.refresh_from_db()
    ((row, _column, _value, message),) = problems_of(job)
    assert row == 3 and "2" in message


def test_problem_report_and_problem_pages(clerk):
    rows = [["客户编码", "客户名称", "电话"]] + [[f"KH{n:04d}", f"客户{n}", "坏号码"] for n in range(120)]
    job = job_of(upload(clerk, "customers.customer", xlsx(rows)))
    job.refresh_from_db()
    assert job.problem_count == 120
    page = clerk.get(f"/spreadsheets/{job.pk}/").content.decode()
    assert page.count('data-testid="problem-row"') == 50
    first = job.problems.order_by("id")[49]
    fragment = clerk.get(f"/spreadsheets/{job.pk}/problems/?after={first.pk}").content.decode()
    assert fragment.count('data-testid="problem-row"') == 50
    report = clerk.get(f"/spreadsheets/{job.pk}/report/")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)), read_only=True)
    values = list(book.active.values)
    assert len(values) == 121 and values[1][0] == 2 and values[1][2] == "坏号码"


def test_template_has_chinese_headers_notes_and_drop_downs(clerk):
    response = clerk.get("/spreadsheets/import/customers.customer/template/")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert "客户编码*" in headers or any(h.startswith("客户编码") for h in headers), headers
    assert sheet.data_validations.dataValidation, "choice columns offer a drop-down list"
    notes = book.worksheets[-1]
    assert notes.max_row == len(headers) + 1


def test_a_template_imports_back_with_its_own_headers(clerk):
    response = clerk.get("/spreadsheets/import/customers.customer/template/")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    book.worksheets[0].append(["KH0009", "模板客户", "A"])
    out = io.BytesIO()
    book.save(out)
    job = job_of(upload(clerk, "customers.customer", SimpleUploadedFile("模板.xlsx", out.getvalue())))
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.CHECKED, problems_of(job)


def test_jobs_and_their_files_are_seen_only_by_who_ran_them(client_for, role_user, make_user):
    clerk = client_for(roles.QUALITY_CLERK)
    job = job_of(
        upload(clerk, "customers.customer", xlsx([["客户编码", "客户名称", "电话"], ["KH0001", "秘密客户", "坏"]]))
    )
    other = client_for(make_user(roles.QUALITY_CLERK, username="other_clerk"))
    for path in ("", "progress/", "problems/", "file/", "report/"):
        response = other.get(f"/spreadsheets/{job.pk}/{path}")
        assert response.status_code == 404, path
    assert "秘密客户" not in other.get("/spreadsheets/").content.decode()
    assert other.post(f"/spreadsheets/{job.pk}/confirm/").status_code == 404


def test_sales_staff_import_only_into_their_own_customers(client_for, make_user):
    from django.contrib.auth.models import Permission

    first = make_user(roles.SALES, username="sales_one")
    second = make_user(roles.SALES, username="sales_two")
    for user in (first, second):
        user.user_permissions.add(Permission.objects.get(codename="import_customer"))
    CustomerFactory(code="KH0001", name="一号的客户", salesperson=first)
    client = client_for(second)
    rows = [["客户编码", "客户名称"], ["KH0001", "被改的名字"], ["KH0002", "二号的新客户"]]
    job = job_of(upload(client, "customers.customer", xlsx(rows)))
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.INVALID
    assert [row for row, *_rest in problems_of(job)] == [2]
    assert Customer.objects.get(code="KH0001").name == "一号的客户"
    rows = [["客户编码", "客户名称"], ["KH0002", "二号的新客户"]]
    job = confirm(client, job_of(upload(client, "customers.customer", xlsx(rows))))
    assert Customer.objects.get(code="KH0002").salesperson == second


def test_nothing_is_lost_when_the_broker_is_down(clerk, monkeypatch):
    from aftersales import importing, tasks

    def down(*args, **kwargs):
        raise OSError("broker down")

    monkeypatch.setattr(tasks.check_import, "delay", down)
    job = job_of(upload(clerk, "customers.customer", xlsx([["客户编码", "客户名称"], ["KH0001", "甲"]])))
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.QUEUED
    monkeypatch.undo()
    SpreadsheetJob.objects.filter(pk=job.pk).update(
        updated_at=job.updated_at - __import__("datetime").timedelta(hours=1)
    )
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert importing.sweep()["check"] == 1
    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.CHECKED


def test_a_checked_import_waits_on_its_author_on_the_start_page(clerk, client_for, make_user, role_user):
    job = job_of(upload(clerk, "customers.customer", xlsx([["客户编码", "客户名称"], ["KH0001", "甲"]])))
    home = clerk.get("/").content.decode()
    assert f"/spreadsheets/{job.pk}/" in home and "waiting-imports" in home
    job_page = clerk.get(f"/spreadsheets/{job.pk}/").content.decode()
    assert (
        'data-testid="waiting-on"' in job_page
        and str(role_user(roles.QUALITY_CLERK)) in job_page.split('data-testid="waiting-on"')[1][:300]
    )
    other = client_for(make_user(roles.QUALITY_CLERK, username="clerk_two"))
    assert f"/spreadsheets/{job.pk}/" not in other.get("/").content.decode()
    post(clerk, f"/spreadsheets/{job.pk}/confirm/")
    assert f"/spreadsheets/{job.pk}/" not in clerk.get("/").content.decode()


def test_the_ledger_offers_the_imports_to_who_may_run_them(clerk, client_for):
    page = clerk.get("/customers/").content.decode()
    assert "/spreadsheets/import/customers.customer/" in page
    sales = client_for(roles.SALES).get("/customers/").content.decode()
    assert "/spreadsheets/import/" not in sales


def test_the_admin_keeps_a_read_only_record_of_every_import(clerk, client_for, make_user):
    job = job_of(upload(clerk, "customers.customer", xlsx([["客户编码", "客户名称"], ["KH0001", "甲"]])))
    admin = client_for(make_user(username="root", is_staff=True, is_superuser=True))
    page = admin.get("/admin/aftersales/spreadsheetjob/").content.decode()
    assert "台账.xlsx" in page and f"/admin/aftersales/spreadsheetjob/{job.pk}/change/" in page
    assert admin.get("/admin/aftersales/spreadsheetjob/add/").status_code == 403
    assert admin.post(f"/admin/aftersales/spreadsheetjob/{job.pk}/delete/").status_code == 403


# Files saved by LibreOffice Calc (its own xlsx writer and the old .xls format).


@pytest.mark.parametrize("name", ["lo_title_row.xlsx", "lo_title_row.xls"])
def test_libreoffice_files_with_a_merged_title_row_import(clerk, name):
    job = checked(clerk, name)
    assert job.status == SpreadsheetJob.Status.CHECKED, problems_of(job)
    assert (job.header_row, job.created_count) == (3, 3)
    confirm(clerk, job)
    customer = Customer.objects.get(code="KH0003")
    assert customer.name == "天津滨海制造有限公司"
    assert customer.contacts.get().phone == "022-23456789-801"


def test_libreoffice_hidden_columns_are_named(clerk):
    job = checked(clerk, "lo_hidden_columns.xlsx")
    assert any("电话" in note for note in job.notes), job.notes


def test_libreoffice_dates_read_as_the_import_reads_them():
    import datetime

    from aftersales import cells
    from aftersales.tabular import read_table

    spec = {"code": ["客户编码"], "since": ["首次合作日期"]}
    with (FIXTURES / "lo_dates.xlsx").open("rb") as handle:
        table = read_table(handle, "lo_dates.xlsx", spec, ["code"], xlsx_engine="calamine")
        converted, refused = [], []
        for number, row in table.rows:
            try:
                converted.append(
                    cells.date(row["since"], earliest=datetime.date(1990, 1, 1), latest=datetime.date(2030, 1, 1))
                )
            except cells.CellError:
                refused.append(number)
    assert converted == [datetime.date(2026, 3, 5)] * 8
    assert refused == [10, 11]


def test_files_of_old_finished_jobs_are_purged_and_the_record_kept(clerk):
    import datetime

    from django.utils import timezone

    from aftersales import importing

    bad_phone = [["客户编码", "客户名称", "电话"], ["KH0001", "甲", "坏"]]
    old = job_of(upload(clerk, "customers.customer", xlsx(bad_phone)))
    old.refresh_from_db()
    assert old.file and old.report and old.status == SpreadsheetJob.Status.INVALID
    stored = [old.file.path, old.report.path]
    SpreadsheetJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=91))
    recent = job_of(upload(clerk, "customers.customer", xlsx(bad_phone)))
    waiting = job_of(upload(clerk, "customers.customer", xlsx([["客户编码", "客户名称"], ["KH0003", "丙"]])))

    assert importing.purge_files() == 1

    old.refresh_from_db()
    assert not old.file and not old.report and old.problems.count() == 1
    assert not any(__import__("os").path.exists(path) for path in stored)
    assert clerk.get(f"/spreadsheets/{old.pk}/file/").status_code == 404
    assert clerk.get(f"/spreadsheets/{old.pk}/").status_code == 200
    for job in (recent, waiting):
        job.refresh_from_db()
        assert job.file
