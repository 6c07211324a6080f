"""A complaint export of more rows than a request may write runs as a background job."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import NoReverseMatch, reverse

from aftersales import roles
from aftersales.models import SpreadsheetJob
from aftersales.tests.pages import source_language  # noqa: F401
from customers.tests.factories import CustomerFactory

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("admin:complaints_complaint_export")


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def two_salespeople(make_user):
    """Two salespeople allowed to export, each with complaints of their own customers."""
    permission = Permission.objects.get(codename="export_complaint", content_type__app_label="complaints")
    people = []
    for name in ("sales1", "sales2"):
        user = make_user(roles.SALES, username=name, is_staff=True)
        user.user_permissions.add(permission)
        customer = CustomerFactory(salesperson=user, name=f"{name}-客户\x07有限公司", code=f"{name.upper()}-C")
        complaints = [ComplaintFactory(customer=customer, title=f"{name}-title-{i}") for i in range(3)]
        people.append((user, complaints))
    return people


def _report_rows(job) -> list[tuple]:
    with job.report.open("rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).active
    return list(sheet.iter_rows(values_only=True))


def test_export_above_the_threshold_runs_as_a_job_with_only_the_users_rows(
    client_for, two_salespeople, settings, private_media, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    (sales1, mine), (_sales2, theirs) = two_salespeople

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sales1).get(EXPORT)

    job = SpreadsheetJob.objects.get()
    assert response.status_code == 302
    try:
        assert response["Location"] == reverse("spreadsheet-job", kwargs={"pk": job.pk})
    except NoReverseMatch:
        pass  # the jobs' pages are not installed yet: the redirect falls back to the list
    assert (job.kind, job.created_by, job.status) == ("complaints", sales1, SpreadsheetJob.Status.DONE)
    assert job.total_rows == job.processed_rows == 3 and job.finished_at is not None
    header, *rows = _report_rows(job)
    assert sorted(row[0] for row in rows) == sorted(c.number for c in mine)
    text = repr(rows)
    assert "sales2" not in text and not any(c.number in text for c in theirs)
    assert "sales1-客户有限公司" in text  # the control character is dropped, the row kept


def test_export_under_the_threshold_is_sent_at_once(client_for, two_salespeople):
    (sales1, mine), _other = two_salespeople

    response = client_for(sales1).get(EXPORT)

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sorted(row[0] for row in rows) == sorted(c.number for c in mine)
    assert not SpreadsheetJob.objects.exists()


def test_a_broker_that_is_down_leaves_the_job_queued(
    client_for, two_salespeople, settings, private_media, django_capture_on_commit_callbacks, monkeypatch
):
    from aftersales import tasks

    settings.EXPORT_INLINE_MAX_ROWS = 0
    sales1, _mine = two_salespeople[0]

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.run_export, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sales1).get(EXPORT)

    assert response.status_code == 302
    assert SpreadsheetJob.objects.get().status == SpreadsheetJob.Status.QUEUED


def test_the_sweep_sends_a_job_the_broker_lost_once_it_is_back(
    client_for, two_salespeople, settings, private_media, django_capture_on_commit_callbacks, monkeypatch
):
    import datetime

    from aftersales import importing, tasks

    settings.EXPORT_INLINE_MAX_ROWS = 0
    sales1, mine = two_salespeople[0]
    monkeypatch.setattr(tasks.run_export, "delay", lambda *args, **kwargs: (_ for _ in ()).throw(ConnectionError()))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(sales1).get(EXPORT)
    monkeypatch.undo()
    job = SpreadsheetJob.objects.get()
    assert importing.sweep()["export"] == 0  # not stale yet: its task may still start
    SpreadsheetJob.objects.update(updated_at=job.updated_at - datetime.timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert importing.sweep()["export"] == 1

    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.DONE
    assert job.original_name.endswith(".xlsx")
    header, *rows = _report_rows(job)
    assert sorted(row[0] for row in rows) == sorted(c.number for c in mine)


@pytest.mark.usefixtures("source_language")
def test_a_failing_export_records_a_message_without_a_traceback(
    two_salespeople, private_media, django_capture_on_commit_callbacks, monkeypatch
):
    # Started in English, the job writes its message in English (the language is kept in its params).
    from aftersales import exporting

    sales1, _mine = two_salespeople[0]

    def broken(user, params):
        raise RuntimeError("secret detail")

    monkeypatch.setitem(
        exporting._registry,
        "complaints",
        exporting.get_export("complaints").__class__(
            kind="complaints", title="x", permission="complaints.export_complaint", build=broken
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = exporting.start_export(user=sales1, kind="complaints", params={})

    job.refresh_from_db()
    assert job.status == SpreadsheetJob.Status.FAILED
    assert "could not be written" in job.failure and "secret" not in job.failure and "Traceback" not in job.failure
