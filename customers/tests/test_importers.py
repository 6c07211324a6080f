"""Background imports of the ledger: upload, check, problems by row and column, confirm, all or nothing."""

import csv
import io

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales import roles
from aftersales.models import SpreadsheetJob
from customers.models import Contact, Customer

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
