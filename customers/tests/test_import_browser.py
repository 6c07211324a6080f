"""End to end in a real browser: a quality clerk imports a 5,000-row customer ledger.

The queued steps run in a background thread, as a worker runs them, so the page has to
follow the job through its progress fragment: the first upload has two bad rows and
writes nothing, the problems name their rows; the fixed file passes, and confirming it
writes every row.
"""

import io
import re
import threading
import types

import openpyxl
import pytest
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from aftersales import cells, importing, roles, tasks
from aftersales.models import SpreadsheetJob
from conftest import browser_login
from customers.models import Contact, Customer

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

ROWS = 5000
HEADERS = ["客户编码", "客户名称", "等级", "联系人", "电话"]
BAD_PHONE_AT = 1234  # the 1,234th customer: sheet row 1236 (title row, header row)
BAD_TIER_AT = 4321
WAIT = 60_000  # ms: a check or write of 5,000 rows (5 to 11 s on a busy machine), then a poll of 1 s


def customer_row(n):
    return [f"KH{n:05d}", f"南京恒通电力设备有限公司{n}", "ABC"[n % 3], f"张伟{n}", f"139{n:08d}"]


def write_ledger(path, *, fixed):
    """The office's ledger: a title row above the Chinese headers, then ROWS customers."""
    # A workbook as Excel saves it: shared strings and the sheet's dimension written.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "客户"
    sheet.append(["2026年客户台账"])
    sheet.append(HEADERS)
    for n in range(1, ROWS + 1):
        row = customer_row(n)
        if not fixed and n == BAD_PHONE_AT:
            row[4] = "见备注"
        if not fixed and n == BAD_TIER_AT:
            row[2] = "特级"
        sheet.append(row)
    book.save(path)


def sheet_row(n):
    return n + 2


def in_chinese(text, **values):
    """What the page says: the site's language is Chinese, whatever the catalogue holds today."""
    with translation.override("zh-hans"):
        return gettext(text) % values if values else gettext(text)


def column_of(importer, key):
    with translation.override("zh-hans"):
        return importer.label(key)


def cell_error(convert, value):
    with translation.override("zh-hans"), pytest.raises(cells.CellError) as error:
        convert(value)
    return str(error.value.message)


@pytest.fixture
def worker(monkeypatch):
    """Run the queued check and write in threads, as a Celery worker would, not in the request."""
    threads, errors = [], []

    def queue(step):
        def delay(job_id):
            def run():
                try:
                    step(job_id)
                except BaseException as error:  # noqa: BLE001 — reported by the test
                    errors.append(error)
                finally:
                    connection.close()

            thread = threading.Thread(target=run, name=f"{step.__name__}-{job_id}", daemon=True)
            threads.append(thread)
            thread.start()

        return types.SimpleNamespace(delay=delay)

    monkeypatch.setattr(tasks, "check_import", queue(importing.run_check))
    monkeypatch.setattr(tasks, "write_import", queue(importing.run_write))
    yield threads
    for thread in threads:
        thread.join(timeout=60)
    assert not [thread.name for thread in threads if thread.is_alive()], "a background step did not finish"
    assert not errors, errors


def upload(page, path):
    page.get_by_test_id("upload-form").locator("input[type=file]").set_input_files(path)
    page.get_by_test_id("upload-submit").click()
    page.wait_for_url(re.compile(r"/spreadsheets/\d+/$"))
    # Whether the worker is still busy or already through, the page shows the job's progress.
    expect(page.get_by_test_id("job-progress-bar")).to_be_visible()
    return SpreadsheetJob.objects.get(pk=int(page.url.rstrip("/").split("/")[-1]))


def expect_stage(page, status, rows):
    """The job page after the worker reached ``status``: its label, the bar full, every row counted."""
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_have_attribute("data-status", status, timeout=WAIT)
    expect(page.get_by_test_id("job-status")).to_have_text(in_chinese(SpreadsheetJob.Status(status).label))
    expect(page.get_by_test_id("job-progress-bar")).to_have_attribute("value", "100")
    expect(page.get_by_test_id("job-rows")).to_have_text(
        in_chinese("%(done)s of %(total)s rows", done=rows, total=rows)
    )
    # A finished stage stops the polling.
    expect(progress).not_to_have_attribute("hx-trigger", re.compile("."))


def test_clerk_imports_5000_rows_fixes_the_reported_rows_and_imports_again(browser_page, role_user, worker, tmp_path):
    page, base_url = browser_page
    clerk = role_user(roles.QUALITY_CLERK)
    ledger = tmp_path / "客户台账.xlsx"
    write_ledger(ledger, fixed=False)

    browser_login(page, base_url, clerk.username)
    page.goto(f"{base_url}/spreadsheets/import/customers.customer/")
    first = upload(page, ledger)

    # The check runs in the background; the page follows it and lists what is wrong.
    expect_stage(page, "invalid", ROWS)
    problems = page.get_by_test_id("problem-row")
    expect(problems).to_have_count(2)
    importer = importing.importer_for("customers.customer")(user=clerk)
    phone, phone_problem = column_of(importer, "phone"), cell_error(cells.phone, "见备注")
    tier, tier_problem = column_of(importer, "tier"), cell_error(importer.tier_choice, "特级")
    expect(problems.nth(0).locator("td")).to_have_text([str(sheet_row(BAD_PHONE_AT)), phone, "见备注", phone_problem])
    expect(problems.nth(1).locator("td")).to_have_text([str(sheet_row(BAD_TIER_AT)), tier, "特级", tier_problem])
    expect(page.get_by_test_id("confirm-import")).to_have_count(0)
    assert Customer.objects.count() == 0
    page.screenshot(path="/tmp/import_problems.png", full_page=True)

    # The problems come as a workbook too, the same rows and columns.
    report = page.get_by_test_id("report-download")
    response = page.request.get(base_url + report.get_attribute("href"))
    assert response.status == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.body()), read_only=True)
    listed = [row[:3] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert listed == [(sheet_row(BAD_PHONE_AT), phone, "见备注"), (sheet_row(BAD_TIER_AT), tier, "特级")]

    # The clerk fixes the two rows and uploads the file again.
    write_ledger(ledger, fixed=True)
    page.get_by_test_id("import-again").click()
    second = upload(page, ledger)
    assert second.pk != first.pk
    expect_stage(page, "checked", ROWS)
    expect(page.get_by_test_id("job-summary")).to_contain_text(
        in_chinese(
            "All %(rows)s rows passed the checks: %(created)s to add, %(updated)s to change, %(unchanged)s unchanged. "
            "Nothing is written until you confirm.",
            rows=ROWS,
            created=ROWS,
            updated=0,
            unchanged=0,
        )
    )
    assert Customer.objects.count() == 0

    page.get_by_test_id("confirm-import").click()
    expect_stage(page, "done", ROWS)
    expect(page.get_by_test_id("job-summary")).to_contain_text(
        in_chinese(
            "Imported %(rows)s rows: %(created)s added, %(updated)s changed, %(unchanged)s unchanged.",
            rows=ROWS,
            created=ROWS,
            updated=0,
            unchanged=0,
        )
    )
    assert Customer.objects.count() == ROWS
    fixed = Customer.objects.get(code=f"KH{BAD_PHONE_AT:05d}")
    assert fixed.name == f"南京恒通电力设备有限公司{BAD_PHONE_AT}"
    assert Contact.objects.get(customer=fixed).phone == f"139{BAD_PHONE_AT:08d}"
    assert Customer.objects.get(code=f"KH{BAD_TIER_AT:05d}").tier_id == customer_row(BAD_TIER_AT)[2]
    assert len(worker) == 3  # two checks and one write, each in its own thread
