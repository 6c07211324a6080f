"""The CAPA import as a background job: rows checked as capa_create would, all written through it or none."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from aftersales import roles
from aftersales.models import Notification, SpreadsheetJob

from .. import services
from ..models import CapaAction, CapaEvent, CapaSource, QualitySheet, SheetEvent
from .factories import CapaActionFactory, QualitySheetFactory

pytestmark = pytest.mark.django_db

S = QualitySheet.State
KIND = "quality.capaaction"
UPLOAD = reverse("spreadsheet-import", args=[KIND])
ACTIONS = reverse("admin:quality_capaaction_changelist")
ADMIN_IMPORT = reverse("admin:quality_capaaction_import")
ADMIN_EXPORT = reverse("admin:quality_capaaction_export")
HEADERS = ["type", "source", "quality sheet", "problem", "planned action", "owner", "department", "due date"]
Status = SpreadsheetJob.Status


def _in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def staff(make_user, client_for):
    """Return a function giving a client for a staff user holding ``role`` (and the user)."""

    def get(role, username=None):
        user = make_user(role, username=username or f"staff_{role}", is_staff=True)
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages are asserted in English
        return client, user

    return get


def _xlsx(rows, name="actions.xlsx"):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def _post(client, url, data=None):
    """Post; the check or write it queues runs when its transaction commits, as a worker would run it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


def _upload(client, file) -> SpreadsheetJob:
    response = _post(client, UPLOAD, {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return SpreadsheetJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def _checked(client, file) -> SpreadsheetJob:
    job = _upload(client, file)
    job.refresh_from_db()
    return job


def _confirm(client, job) -> SpreadsheetJob:
    _post(client, f"/spreadsheets/{job.pk}/confirm/")
    job.refresh_from_db()
    return job


def _problems(job) -> dict[int, str]:
    """The messages of each row's problems, with their columns and values, as one text per row."""
    found = {}
    for problem in job.problems.order_by("row", "id"):
        text = f"[{problem.column}] {problem.value} {problem.message}"
        found[problem.row] = f"{found[problem.row]} {text}" if problem.row in found else text
    return found


def _export(client) -> bytes:
    response = client.get(f"{ADMIN_EXPORT}?format=0")  # xlsx
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_bad_rows_are_each_reported_and_no_action_is_written(staff, people):
    client, _clerk = staff(roles.QUALITY_CLERK)
    sheet = QualitySheetFactory(state=S.IN_PROGRESS, approved=True)
    closed = QualitySheetFactory(state=S.CLOSED, approved=True)
    due = _in_days(20).isoformat()
    owner = people.owner.username
    file = _xlsx(
        [
            HEADERS,
            ["Corrective", "", sheet.number, "柜门变形", "增加首件检验", owner, "生产部", due],  # good
            ["Corrective", "", sheet.number, "柜门变形", "增加首件检验", "nobody", "生产部", due],
            ["Corrective", "Survey finding", "", "备件周期长", "建立安全库存", owner, "采购部", "2020-01-01"],
            ["Preventive", "Supervision check", "", "回访记录不全", "补录回访记录", owner, "售后服务组", due],
            ["Corrective", "", closed.number, "柜门变形", "增加首件检验", owner, "生产部", due],
            ["Sometimes", "", "", "x", "y", owner, "生产部", "next week"],
            ["Corrective", "", "QI-1999-0001", "x", "y", owner, "生产部", due],
            ["Preventive", "", "", "x", "y", owner, "生产部", due],
        ]
    )

    job = _checked(client, file)

    assert job.status == Status.INVALID
    errors = _problems(job)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9}
    assert "[owner] nobody" in errors[3]
    assert "[due date] 2020-01-01" in errors[4] and "past" in errors[4]
    assert "rectification notice" in errors[5]
    assert "[unit to rectify]" in errors[5] and "[written reply due]" in errors[5]
    assert f"[quality sheet] {closed.number}" in errors[6] and "closed" in errors[6]
    assert "[type] Sometimes" in errors[7] and "[due date] next week" in errors[7]
    assert "[quality sheet] QI-1999-0001" in errors[8]
    assert "[source]" in errors[9]  # neither a source nor a sheet
    assert not CapaAction.objects.exists()
    # The page names each row, column and value.
    page = client.get(f"/spreadsheets/{job.pk}/").content.decode()
    assert "nobody" in page and "QI-1999-0001" in page
    # Confirming an invalid import writes nothing.
    assert _confirm(client, job).status == Status.INVALID
    assert not CapaAction.objects.exists()


def test_one_bad_row_writes_no_row(staff, people):
    client, _clerk = staff(roles.QUALITY_CLERK)
    due = _in_days(10)
    owner = people.owner.username
    file = _xlsx(
        [
            HEADERS,
            ["Preventive", "Audit", "", "内审发现", "修订作业指导书", owner, "技术部", due],
            ["Preventive", "Audit", "", "内审发现", "", owner, "技术部", due],
        ]
    )

    job = _checked(client, file)

    assert job.status == Status.INVALID
    assert list(_problems(job)) == [3] and "[planned action]" in _problems(job)[3]
    assert not CapaAction.objects.exists()


def test_good_file_is_checked_then_created_through_the_service_on_confirm(staff, people, queued):
    client, clerk = staff(roles.QUALITY_CLERK)
    sheet = QualitySheetFactory(state=S.IN_PROGRESS, approved=True)
    due = _in_days(30)
    headers = [*HEADERS, "unit to rectify", "written reply due"]
    owner = people.owner.username
    file = _xlsx(
        [
            headers,
            ["corrective", "", sheet.number.lower(), "柜门变形", "增加首件检验", owner, "生产部", due, "", ""],
            ["preventive", "supervision", "", "回访记录不全", "补录", owner, "售后", due, "华东站", due],
        ]
    )

    job = _checked(client, file)
    assert job.status == Status.CHECKED, _problems(job)
    assert (job.total_rows, job.created_count, job.problem_count) == (2, 2, 0)
    assert not CapaAction.objects.exists()  # nothing written before the user confirms

    job = _confirm(client, job)

    assert job.status == Status.DONE and job.created_count == 2
    first, second = CapaAction.objects.order_by("number")
    assert (first.sheet, first.source, first.kind) == (sheet, CapaSource.QUALITY_SHEET, CapaAction.Kind.CORRECTIVE)
    assert (second.source, second.notice_unit, second.reply_deadline) == (CapaSource.SUPERVISION, "华东站", due)
    assert second.kind == CapaAction.Kind.PREVENTIVE and second.verification_days == 30
    for action in (first, second):
        assert action.number.startswith(f"CA-{timezone.localdate():%Y}-")
        assert action.created_by == clerk and action.owner == people.owner and action.due_date == due
        assert action.events.filter(actor=clerk, to_state=CapaAction.State.OPEN).exists()
        assert LogEntry.objects.filter(user=clerk, object_id=str(action.pk)).exists()
    assert sheet.events.filter(action=SheetEvent.Action.CAPA, note__startswith=first.number).exists()
    # Each owner is told through the outbox, as for an action opened on its page.
    assert sorted(queued) == sorted([("capa_assigned", first.pk), ("capa_assigned", second.pk)])


def test_chinese_headers_and_a_verification_period_are_read(staff, people):
    client, _clerk = staff(roles.QUALITY_CLERK)
    due = _in_days(15)
    file = _xlsx(
        [
            ["措施类型", "来源", "问题描述", "纠正措施", "责任人", "责任部门", "计划完成日期", "验证天数"],
            ["预防措施", "审核", "内审发现", "修订作业指导书", people.owner.username, "技术部", due, 60],
        ]
    )

    job = _confirm(client, _checked(client, file))

    assert job.status == Status.DONE, _problems(job)
    action = CapaAction.objects.get()
    assert (action.kind, action.source, action.verification_days) == (
        CapaAction.Kind.PREVENTIVE,
        CapaSource.AUDIT,
        60,
    )


def test_a_sheet_closed_before_confirming_stops_the_whole_file(staff, people):
    client, _clerk = staff(roles.QUALITY_CLERK)
    sheet = QualitySheetFactory(state=S.IN_PROGRESS, approved=True)
    due = _in_days(5)
    owner = people.owner.username
    file = _xlsx(
        [
            HEADERS,
            ["Corrective", "Audit", "", "内审发现", "修订作业指导书", owner, "技术部", due],
            ["Corrective", "", sheet.number, "柜门变形", "增加首件检验", owner, "生产部", due],
        ]
    )
    job = _checked(client, file)
    assert job.status == Status.CHECKED
    QualitySheet.objects.filter(pk=sheet.pk).update(state=S.CLOSED)

    job = _confirm(client, job)

    assert job.status == Status.INVALID
    assert list(_problems(job)) == [3] and "closed" in _problems(job)[3]
    assert not CapaAction.objects.exists()


def test_a_write_refused_by_capa_create_rolls_back_the_file_and_names_the_row(staff, people, monkeypatch):
    client, _clerk = staff(roles.QUALITY_CLERK)
    due = _in_days(5)
    owner = people.owner.username
    file = _xlsx(
        [
            HEADERS,
            ["Corrective", "Audit", "", "内审发现", "修订作业指导书", owner, "技术部", due],
            ["Corrective", "Audit", "", "拒收", "增加首件检验", owner, "生产部", due],
        ]
    )
    job = _checked(client, file)
    assert job.status == Status.CHECKED
    real = services.capa_create

    def capa_create(**data):
        if data["problem"] == "拒收":
            raise ValidationError("The due date is no longer allowed.", code="due_date")
        return real(**data)

    monkeypatch.setattr(services, "capa_create", capa_create)

    job = _confirm(client, job)

    assert job.status == Status.INVALID
    [(row, column, message)] = job.problems.values_list("row", "column", "message")
    assert (row, column, message) == (3, "due date", "The due date is no longer allowed.")
    # The first row had been written inside the import's transaction: rolled back with it.
    assert not CapaAction.objects.exists()
    assert not CapaEvent.objects.exists()
    assert not Notification.objects.filter(kind="quality.capa_assigned").exists()
    assert not LogEntry.objects.exists()


def test_reimporting_an_export_adds_nothing(staff, people):
    client, _clerk = staff(roles.QUALITY_CLERK)
    action = CapaActionFactory()
    exported = _export(client)

    job = _checked(client, SimpleUploadedFile("back.xlsx", exported))

    assert job.status == Status.INVALID
    errors = _problems(job)
    assert list(errors) == [2] and action.number in errors[2]
    assert "[number]" in errors[2]
    assert CapaAction.objects.count() == 1
    assert _confirm(client, job).status == Status.INVALID
    assert CapaAction.objects.count() == 1


def test_import_needs_the_explicit_import_permission(staff):
    for role in (roles.QUALITY_DEPUTY, roles.QUALITY_ENGINEER):
        client, _user = staff(role)
        page = client.get(ACTIONS).text
        assert ADMIN_IMPORT not in page and UPLOAD not in page
        assert client.get(ADMIN_IMPORT).status_code == 403
        assert client.get(UPLOAD).status_code == 403
        assert client.get(reverse("spreadsheet-template", args=[KIND])).status_code == 403
        assert _post(client, UPLOAD, {"file": _xlsx([HEADERS])}).status_code == 403
    assert not SpreadsheetJob.objects.exists()


def test_clerk_sees_import_and_export_and_the_import_opens_the_background_import(staff):
    client, _clerk = staff(roles.QUALITY_CLERK)
    page = client.get(ACTIONS).text

    assert ADMIN_IMPORT in page
    assert ADMIN_EXPORT in page
    response = client.get(ADMIN_IMPORT)
    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert client.get(UPLOAD).status_code == 200


def test_template_has_the_columns_and_imports_back(staff, people):
    client, _clerk = staff(roles.QUALITY_CLERK)
    response = client.get(reverse("spreadsheet-template", args=[KIND]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert "problem*" in headers and "owner*" in headers and "due date*" in headers
    row = {"type": "Preventive", "source": "Audit", "problem*": "内审发现", "planned action*": "修订"}
    row |= {"owner*": people.owner.username, "department*": "技术部", "due date*": _in_days(3)}
    sheet.append([row.get(header) for header in headers])
    out = io.BytesIO()
    book.save(out)

    job = _checked(client, SimpleUploadedFile("模板.xlsx", out.getvalue()))

    assert job.status == Status.CHECKED, _problems(job)


def _big_workbook(rows: int, name="bomb.xlsx") -> SimpleUploadedFile:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for _row in range(rows):
        sheet.append(["x"])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def test_capa_import_has_the_same_limits(staff, monkeypatch):
    client, _clerk = staff(roles.QUALITY_CLERK, username="clerk2")
    read = []
    monkeypatch.setattr("aftersales.tabular.read_table", lambda *args, **kwargs: read.append(args))

    response = _post(client, UPLOAD, {"file": _big_workbook(60_000)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "upload-error" in page
    assert "bomb.xlsx has more than 50,000 rows; import at most 50,000 rows at a time." in page
    assert not SpreadsheetJob.objects.exists()
    assert read == []  # refused before anything reads the rows
