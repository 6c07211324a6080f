"""The quality admin: read-only stages, transitions as actions through the services, CAPA export."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales import roles
from complaints.models import Severity

from ..models import CapaAction, CapaEvent, QualitySheet, ReminderLog, SheetEvent
from ..resources import CapaActionResource
from .factories import AssessmentFactory, CapaActionFactory, DepartmentTaskFactory, QualitySheetFactory

pytestmark = pytest.mark.django_db

S = QualitySheet.State
SHEETS = reverse("admin:quality_qualitysheet_changelist")
ACTIONS = reverse("admin:quality_capaaction_changelist")
XLSX, CSV = "0", "1"  # indexes of aftersales.spreadsheets.FORMATS
RISKY = ['=HYPERLINK("http://evil.example","点此")', "+1+2", "-3+4", "@SUM(A1)"]


def _in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def staff(make_user, client_for):
    """Return a function giving an admin client for a staff user holding ``role`` (and the user)."""

    def get(role=None, username=None, superuser=False):
        user = make_user(
            *([role] if role else []),
            username=username or f"staff_{role or 'admin'}",
            is_staff=True,
            is_superuser=superuser,
        )
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # messages are asserted in English
        return client, user

    return get


def _texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _act(client, url, action, records, **extra):
    data = {"action": action, "_selected_action": [r.pk for r in records], "index": 0, **extra}
    return client.post(url, data, follow=True)


def _queries(client, url) -> int:
    client.get(url)  # warm the per-process caches (content types, site) first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _offered(client, url) -> set[str]:
    form = client.get(url).context["action_form"]
    return set(dict(form.fields["action"].choices)) - {""} if form else set()


def _sheet_change(sheet) -> str:
    return reverse("admin:quality_qualitysheet_change", args=[sheet.pk])


# --- list and change pages ------------------------------------------------------------------


def _sheet_with_parts(people, **kwargs):
    sheet = QualitySheetFactory(state=S.IN_PROGRESS, approved=True, investigator=people.investigator, **kwargs)
    DepartmentTaskFactory(sheet=sheet, owner=people.owner)
    AssessmentFactory(sheet=sheet, person=people.owner)
    action = CapaActionFactory(sheet=sheet, owner=people.owner)
    action.checks.create(checked_on=timezone.localdate(), finding="进度正常", checked_by=people.leader)
    CapaEvent.objects.create(action=action, actor=people.leader, to_state=action.state, note="opened")
    SheetEvent.objects.create(sheet=sheet, actor=people.leader, action=SheetEvent.Action.RAISED)
    ReminderLog.objects.create(kind="capa_overdue", object_id=action.pk, sent_on=timezone.localdate())
    return sheet


@pytest.mark.parametrize(
    "model",
    [
        "qualitysheet",
        "capaaction",
        "departmenttask",
        "assessment",
        "capacheck",
        "capaevent",
        "sheetevent",
        "reminderlog",
    ],
)
def test_changelist_query_count_does_not_grow_with_rows(staff, people, model):
    client, _leader = staff(roles.QUALITY_LEADER)
    url = reverse(f"admin:quality_{model}_changelist")
    _sheet_with_parts(people)
    few = _queries(client, url)
    for _ in range(4):
        _sheet_with_parts(people, severity=Severity.MAJOR)
    assert _queries(client, url) == few


def test_sheet_change_page_query_count_does_not_grow_with_its_parts(staff, people):
    client, _leader = staff(roles.QUALITY_LEADER)
    sheet = _sheet_with_parts(people)
    few = _queries(client, _sheet_change(sheet))
    for _ in range(4):
        DepartmentTaskFactory(sheet=sheet)
        AssessmentFactory(sheet=sheet)
        CapaActionFactory(sheet=sheet)
        SheetEvent.objects.create(sheet=sheet, actor=people.clerk, action=SheetEvent.Action.TASK, note="x")
    page = client.get(_sheet_change(sheet)).text
    assert "进度正常" not in page  # checks belong to the action's page
    assert _queries(client, _sheet_change(sheet)) == few


def test_capa_change_page_shows_checks_and_history(staff, people):
    client, _leader = staff(roles.QUALITY_LEADER)
    action = _sheet_with_parts(people).capa_actions.get()

    page = client.get(reverse("admin:quality_capaaction_change", args=[action.pk])).text

    assert "进度正常" in page and "opened" in page


def test_sheet_stage_and_signatures_are_never_editable(staff, people):
    client, _admin = staff(superuser=True)
    sheet = QualitySheetFactory(state=S.AWAITING_APPROVAL, reviewed=True)

    response = client.get(_sheet_change(sheet))
    assert "state" not in response.context["adminform"].form.fields
    assert not response.context["adminform"].form.fields  # nothing changes outside the investigation
    assert client.post(_sheet_change(sheet), {"state": S.CLOSED, "title": "x"}).status_code == 403
    sheet.refresh_from_db()
    assert sheet.state == S.AWAITING_APPROVAL


def test_investigator_corrects_the_analysis_through_the_service(staff, people):
    client, engineer = staff(roles.QUALITY_ENGINEER)
    sheet = QualitySheetFactory(state=S.INVESTIGATING, investigator=engineer)

    form = client.get(_sheet_change(sheet)).context["adminform"].form
    assert set(form.fields) == {
        "root_cause",
        "analysis",
        "five_whys",
        "fishbone",
        "containment",
        "proposed_disposal",
        "scope_note",
    }
    data = {"root_cause": "design", "analysis": "电缆室空间不足", "five_whys": '["为何放电", "为何间距不足"]'}
    data.update({"fishbone": "", "containment": "", "proposed_disposal": "更换加长套管", "scope_note": ""})
    data.update({"state": S.CLOSED, "title": "改过的标题", "approved_at_0": "2030-01-01"})
    for prefix in ("complaint_links", "tasks", "assessments", "capa_actions", "files", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(_sheet_change(sheet), data)

    assert response.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.root_cause, sheet.analysis, sheet.five_whys) == (
        "design",
        "电缆室空间不足",
        ["为何放电", "为何间距不足"],
    )
    assert sheet.state == S.INVESTIGATING and sheet.approved_at is None and sheet.title != "改过的标题"
    assert sheet.events.filter(action=SheetEvent.Action.ANALYSIS, actor=engineer).exists()


def test_another_engineer_cannot_change_the_analysis(staff, people):
    client, _engineer = staff(roles.QUALITY_ENGINEER)
    sheet = QualitySheetFactory(state=S.INVESTIGATING, investigator=people.other_engineer)

    assert client.get(_sheet_change(sheet)).status_code == 200  # may look
    assert client.post(_sheet_change(sheet), {"analysis": "x"}).status_code == 403


def test_sheets_and_actions_cannot_be_added_or_deleted_even_by_a_superuser(staff, people):
    client, _admin = staff(superuser=True)
    sheet = _sheet_with_parts(people)
    action = sheet.capa_actions.get()

    for model, record in (("qualitysheet", sheet), ("capaaction", action)):
        assert client.get(reverse(f"admin:quality_{model}_add")).status_code == 403
        assert client.post(reverse(f"admin:quality_{model}_delete", args=[record.pk])).status_code == 403
    for url in (SHEETS, ACTIONS):
        assert "delete_selected" not in _offered(client, url)
    assert QualitySheet.objects.filter(pk=sheet.pk).exists() and CapaAction.objects.filter(pk=action.pk).exists()


def test_capa_state_is_read_only(staff, people):
    client, _admin = staff(superuser=True)
    action = CapaActionFactory()
    url = reverse("admin:quality_capaaction_change", args=[action.pk])

    assert not client.get(url).context["adminform"].form.fields
    assert client.post(url, {"state": CapaAction.State.CLOSED}).status_code == 403
    action.refresh_from_db()
    assert action.state == CapaAction.State.OPEN


def test_records_and_reminders_are_read_only(staff, people):
    client, _leader = staff(roles.QUALITY_LEADER)
    _sheet_with_parts(people)
    for model in ("departmenttask", "assessment", "capacheck", "capaevent", "sheetevent", "reminderlog"):
        assert client.get(reverse(f"admin:quality_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:quality_{model}_add")).status_code == 403


def test_reminder_log_is_for_the_quality_group_leader(staff):
    client, _engineer = staff(roles.QUALITY_ENGINEER)

    assert client.get(reverse("admin:quality_sheetevent_changelist")).status_code == 200
    assert client.get(reverse("admin:quality_reminderlog_changelist")).status_code == 403


# --- sheet transitions as actions -----------------------------------------------------------


def test_actions_are_offered_by_role(staff):
    offered = {role: _offered(staff(role)[0], SHEETS) for role in roles.QUALITY + (roles.GENERAL_MANAGER,)}

    assert offered[roles.QUALITY_LEADER] == {"review", "send_back", "close"}
    assert offered[roles.QUALITY_DEPUTY] == {"sign_approval", "send_back"}
    assert offered[roles.GENERAL_MANAGER] == {"sign_approval", "send_back"}
    assert offered[roles.QUALITY_CLERK] == set()
    assert offered[roles.QUALITY_ENGINEER] == set()


def test_review_action_calls_the_service_for_each_row(staff, people):
    client, leader = staff(roles.QUALITY_LEADER)
    first, second = (QualitySheetFactory(state=S.UNDER_REVIEW, analysed=True) for _ in range(2))

    response = _act(client, SHEETS, "review", [first, second], reason="分析到位")

    for sheet in (first, second):
        sheet.refresh_from_db()
        assert sheet.state == S.AWAITING_APPROVAL and sheet.reviewed_by == leader
        assert sheet.events.filter(to_state=S.AWAITING_APPROVAL, actor=leader, note="分析到位").exists()
    [message] = _texts(response)
    assert first.number in message and second.number in message


def test_action_reports_each_failure_by_number_and_keeps_the_others(staff):
    client, _leader = staff(roles.QUALITY_LEADER)
    ready = QualitySheetFactory(state=S.UNDER_REVIEW, analysed=True)
    draft = QualitySheetFactory(state=S.DRAFT)

    response = _act(client, SHEETS, "review", [ready, draft])

    ready.refresh_from_db()
    draft.refresh_from_db()
    assert (ready.state, draft.state) == (S.AWAITING_APPROVAL, S.DRAFT)
    texts = _texts(response)
    assert any(text.startswith(draft.number) for text in texts)
    assert any(ready.number in text and draft.number not in text for text in texts)


def test_deputy_signs_and_the_general_manager_completes_a_major_sheet(staff):
    deputy_client, deputy = staff(roles.QUALITY_DEPUTY)
    gm_client, gm = staff(roles.GENERAL_MANAGER)
    sheet = QualitySheetFactory(state=S.AWAITING_APPROVAL, reviewed=True, severity=Severity.MAJOR)

    _act(deputy_client, SHEETS, "sign_approval", [sheet], reason="同意")
    _act(gm_client, SHEETS, "sign_approval", [sheet])

    sheet.refresh_from_db()
    assert (sheet.approved_by, sheet.gm_approved_by) == (deputy, gm)
    assert sheet.approvals_complete()


def test_general_manager_cannot_sign_a_general_sheet(staff):
    client, _gm = staff(roles.GENERAL_MANAGER)
    sheet = QualitySheetFactory(state=S.AWAITING_APPROVAL, reviewed=True)

    response = _act(client, SHEETS, "sign_approval", [sheet])

    sheet.refresh_from_db()
    assert sheet.approved_at is None and sheet.gm_approved_at is None
    [message] = _texts(response)
    assert message.startswith(sheet.number)


def test_send_back_needs_a_reason(staff):
    client, deputy = staff(roles.QUALITY_DEPUTY)
    sheet = QualitySheetFactory(state=S.AWAITING_APPROVAL, reviewed=True)

    response = _act(client, SHEETS, "send_back", [sheet], reason="  ")
    sheet.refresh_from_db()
    assert sheet.state == S.AWAITING_APPROVAL
    assert "Write the text" in _texts(response)[0]

    _act(client, SHEETS, "send_back", [sheet], reason="处置方案未覆盖同批次产品")
    sheet.refresh_from_db()
    assert sheet.state == S.INVESTIGATING and sheet.reviewed_by is None
    assert sheet.events.filter(note="处置方案未覆盖同批次产品", actor=deputy).exists()


def test_close_takes_the_outcome_and_names_what_blocks_it(staff, people):
    client, _leader = staff(roles.QUALITY_LEADER)
    blocked = QualitySheetFactory(state=S.IN_PROGRESS, approved=True)
    ready = QualitySheetFactory(state=S.IN_PROGRESS, approved=True)
    DepartmentTaskFactory(sheet=ready, acknowledged_at=timezone.now(), done_at=timezone.now())
    AssessmentFactory(sheet=ready)
    CapaActionFactory(sheet=ready, state=CapaAction.State.CLOSED)

    response = _act(client, SHEETS, "close", [blocked, ready], reason="已更换柜门，客户确认")

    blocked.refresh_from_db()
    ready.refresh_from_db()
    assert (blocked.state, ready.state) == (S.IN_PROGRESS, S.CLOSED)
    assert ready.outcome == "已更换柜门，客户确认"
    assert any(text.startswith(blocked.number) and "assessment" in text for text in _texts(response))


def test_a_role_without_the_step_cannot_post_the_action(staff):
    client, _clerk = staff(roles.QUALITY_CLERK)
    sheet = QualitySheetFactory(state=S.UNDER_REVIEW, analysed=True)

    _act(client, SHEETS, "review", [sheet])

    sheet.refresh_from_db()
    assert sheet.state == S.UNDER_REVIEW


# --- CAPA actions ---------------------------------------------------------------------------


def test_capa_actions_are_offered_to_the_verifier_only(staff):
    assert _offered(staff(roles.QUALITY_LEADER)[0], ACTIONS) == {"verify_effective", "cancel"}
    assert _offered(staff(roles.QUALITY_CLERK)[0], ACTIONS) == set()


def test_verify_effective_needs_the_evidence_and_closes_completed_actions(staff):
    client, leader = staff(roles.QUALITY_LEADER)
    done = CapaActionFactory(due_for_verification=True)
    still_open = CapaActionFactory()

    _act(client, ACTIONS, "verify_effective", [done], reason="")
    done.refresh_from_db()
    assert done.state == CapaAction.State.COMPLETED

    response = _act(client, ACTIONS, "verify_effective", [done, still_open], reason="连续三个月无同类投诉")
    done.refresh_from_db()
    still_open.refresh_from_db()
    assert done.state == CapaAction.State.CLOSED and done.verified_by == leader
    assert done.verification_note == "连续三个月无同类投诉"
    assert still_open.state == CapaAction.State.OPEN
    assert any(text.startswith(still_open.number) for text in _texts(response))


def test_cancel_with_reason_records_it_in_the_history(staff):
    client, leader = staff(roles.QUALITY_LEADER)
    action = CapaActionFactory()

    _act(client, ACTIONS, "cancel", [action], reason="与 CA-2026-0001 重复")

    action.refresh_from_db()
    assert action.state == CapaAction.State.CANCELLED
    assert action.events.filter(to_state=CapaAction.State.CANCELLED, actor=leader, note="与 CA-2026-0001 重复").exists()


# --- CAPA export (the import is a background job: test_capa_import.py) ----------------------


def _export(client, file_format):
    fields = {f"capaactionresource_{name}": "on" for name in CapaActionResource().get_export_order()}
    return client.post(reverse("admin:quality_capaaction_export"), {"format": file_format, "resource": "0", **fields})


def _content(response) -> bytes:
    """The body of an export, which streams."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_export_needs_the_explicit_export_permission(staff):
    deputy, _user = staff(roles.QUALITY_DEPUTY)
    assert reverse("admin:quality_capaaction_export") in deputy.get(ACTIONS).text
    assert _export(deputy, CSV).status_code == 200
    engineer, _user = staff(roles.QUALITY_ENGINEER)
    assert reverse("admin:quality_capaaction_export") not in engineer.get(ACTIONS).text
    assert _export(engineer, CSV).status_code == 403


@pytest.fixture
def risky_actions(people):
    sheet = QualitySheetFactory(state=S.IN_PROGRESS, approved=True, title="=1+1")
    return [
        CapaActionFactory(sheet=sheet, problem=text, planned_action=f"计划 {n}", department="-生产部")
        for n, text in enumerate(RISKY)
    ]


def test_xlsx_export_escapes_formula_cells(staff, risky_actions):
    client, _clerk = staff(roles.QUALITY_CLERK)

    response = _export(client, XLSX)

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(_content(response))).active
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    rows = list(sheet.iter_rows(values_only=True))
    by_number = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    for action in risky_actions:
        row = by_number[action.number]
        # Stored as text, never a formula, and shown as typed: no apostrophe in xlsx.
        assert row["problem"] == action.problem
        assert row["department"] == "-生产部"
        assert row["planned action"] == action.planned_action
        assert row["due date"] == datetime.datetime.combine(action.due_date, datetime.time())  # a real date
        assert row["times found not effective"] == 0  # numbers stay numbers


def test_csv_export_escapes_formula_cells(staff, risky_actions):
    client, _clerk = staff(roles.QUALITY_CLERK)

    response = _export(client, CSV)

    rows = list(csv.DictReader(io.StringIO(_content(response).decode("utf-8-sig"), newline="")))
    assert sorted(row["problem"] for row in rows) == sorted("'" + text for text in RISKY)
