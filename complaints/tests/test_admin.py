"""The admin for quality managers: read-only stages, transitions as actions, xlsx export, calendar."""

import datetime
import html
import re
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales import roles
from aftersales.models import CalendarDay, NumberSequence
from customers.tests.factories import ContactFactory, CustomerFactory

from ..models import Complaint, ComplaintEvent, SlaPolicy
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:complaints_complaint_changelist")
EXPORT = reverse("admin:complaints_complaint_export")


def _change_url(complaint) -> str:
    return reverse("admin:complaints_complaint_change", args=[complaint.pk])


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
        return client_for(user), user

    return get


def _texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _act(client, action, complaints, **extra):
    data = {"action": action, "_selected_action": [c.pk for c in complaints], "index": 0, **extra}
    return client.post(CHANGELIST, data, follow=True)


def _queries(client, url) -> int:
    client.get(url)  # warm the per-process caches (content types, site) first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- changelist and change form ------------------------------------------------------


def test_changelist_query_count_does_not_grow_with_rows(staff, people):
    client, _leader = staff(roles.QUALITY_LEADER)
    ComplaintFactory(assignee=people.engineer)
    few = _queries(client, CHANGELIST)
    ComplaintFactory.create_batch(8, assignee=people.engineer, severity="serious")
    assert _queries(client, CHANGELIST) == few


def test_changelist_shows_the_service_level_and_filters_by_it(staff):
    client, _leader = staff(roles.QUALITY_LEADER)
    late = ComplaintFactory(received_at=timezone.now() - datetime.timedelta(hours=30))
    fresh = ComplaintFactory()

    response = client.get(CHANGELIST, {"sla": "breached"})

    assert late.number in response.text
    assert fresh.number not in response.text


def test_change_form_query_count_does_not_grow_with_the_timeline(staff, people):
    client, _leader = staff(roles.QUALITY_LEADER)
    complaint = ComplaintFactory(assignee=people.engineer)
    ComplaintEvent.objects.create(complaint=complaint, actor=people.engineer, action=ComplaintEvent.Action.RECEIVED)
    few = _queries(client, _change_url(complaint))
    for _ in range(6):
        ComplaintEvent.objects.create(complaint=complaint, actor=people.manager, action=ComplaintEvent.Action.UPDATED)
    assert _queries(client, _change_url(complaint)) == few


def test_state_and_clock_are_never_editable(staff):
    client, _admin = staff(superuser=True)
    complaint = ComplaintFactory()
    due = complaint.resolution_due_at

    form = client.get(_change_url(complaint)).context["adminform"].form
    assert "state" not in form.fields
    for name in ("resolution_due_at", "first_responded_at", "manager_approved_at", "closed_at", "assignee"):
        assert name not in form.fields
    data = {"title": "新标题", "description": complaint.description, "channel": "phone", "category": "quality"}
    data.update({"state": Complaint.State.CLOSED, "resolution_due_at_0": "2030-01-01", "closed_at_0": "2030-01-01"})
    data.update({f"{prefix}-{key}": value for prefix in ("events", "attachments") for key, value in _empty_inline()})
    response = client.post(_change_url(complaint), data)

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.title == "新标题"
    assert complaint.state == Complaint.State.RECEIVED
    assert complaint.resolution_due_at == due
    assert complaint.events.filter(action=ComplaintEvent.Action.UPDATED, actor=_admin).exists()


def _empty_inline():
    return [("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000")]


def test_contact_of_another_customer_is_refused(staff):
    client, _admin = staff(superuser=True)
    complaint = ComplaintFactory()
    stranger = ContactFactory(customer=CustomerFactory())
    data = {"title": complaint.title, "description": "x", "channel": "phone", "category": "quality"}
    data["contact"] = stranger.pk
    data.update({f"{prefix}-{key}": value for prefix in ("events", "attachments") for key, value in _empty_inline()})

    response = client.post(_change_url(complaint), data)

    assert response.status_code == 200
    assert "contact" in response.context["adminform"].form.errors


def test_complaints_cannot_be_added_or_deleted_even_by_a_superuser(staff):
    client, _admin = staff(superuser=True)
    complaint = ComplaintFactory()

    assert client.get(reverse("admin:complaints_complaint_add")).status_code == 403
    assert client.post(reverse("admin:complaints_complaint_delete", args=[complaint.pk])).status_code == 403
    assert "delete_selected" not in dict(client.get(CHANGELIST).context["action_form"].fields["action"].choices)
    assert Complaint.objects.filter(pk=complaint.pk).exists()


# --- transitions as actions ----------------------------------------------------------


def test_start_analysis_action_calls_the_service_for_each_row(staff):
    client, manager = staff(roles.AFTERSALES_MANAGER)
    first, second = ComplaintFactory(), ComplaintFactory()

    response = _act(client, "start_analysis", [first, second])

    for complaint in (first, second):
        complaint.refresh_from_db()
        assert complaint.state == Complaint.State.ANALYSING
        assert complaint.events.filter(action=ComplaintEvent.Action.TRANSITION, actor=manager).exists()
    [message] = _texts(response)
    assert first.number in message and second.number in message


def test_action_reports_each_failure_by_number_and_keeps_the_others(staff):
    client, _manager = staff(roles.AFTERSALES_MANAGER)
    ready = ComplaintFactory()
    closed = ComplaintFactory(state=Complaint.State.CLOSED, accepted=True, analysed=True)

    response = _act(client, "start_analysis", [ready, closed])

    ready.refresh_from_db()
    closed.refresh_from_db()
    assert ready.state == Complaint.State.ANALYSING
    assert closed.state == Complaint.State.CLOSED
    texts = _texts(response)
    assert any(text.startswith(closed.number) for text in texts)
    assert any(ready.number in text and closed.number not in text for text in texts)


def test_engineer_cannot_take_a_complaint_assigned_to_someone_else(staff, people):
    client, _engineer = staff(roles.AFTERSALES_ENGINEER)
    complaint = ComplaintFactory(assignee=people.other_engineer)

    response = _act(client, "start_analysis", [complaint])

    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.RECEIVED
    [message] = _texts(response)
    assert complaint.number in message


def test_general_manager_cannot_sign_a_general_complaint(staff):
    client, _gm = staff(roles.GENERAL_MANAGER)
    complaint = ComplaintFactory(state=Complaint.State.AWAITING_APPROVAL, analysed=True)

    response = _act(client, "sign_approval", [complaint])

    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.AWAITING_APPROVAL
    assert complaint.manager_approved_at is None
    [message] = _texts(response)
    assert complaint.number in message


def test_manager_signature_moves_a_general_complaint_to_rectification(staff):
    client, manager = staff(roles.AFTERSALES_MANAGER)
    complaint = ComplaintFactory(state=Complaint.State.AWAITING_APPROVAL, analysed=True)

    _act(client, "sign_approval", [complaint])

    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.RECTIFYING
    assert complaint.manager_approved_by == manager


def test_cancel_needs_a_reason(staff):
    client, _manager = staff(roles.AFTERSALES_MANAGER)
    complaint = ComplaintFactory()

    response = _act(client, "cancel", [complaint], reason="  ")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.RECEIVED
    assert len(_texts(response)) == 1

    _act(client, "cancel", [complaint], reason="重复登记")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.CANCELLED
    assert complaint.cancel_reason == "重复登记"


def test_send_back_with_reason_returns_to_analysis(staff):
    client, _manager = staff(roles.AFTERSALES_MANAGER)
    complaint = ComplaintFactory(state=Complaint.State.AWAITING_APPROVAL, analysed=True)

    _act(client, "send_back", [complaint], reason="缺少报价明细")

    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.ANALYSING
    assert complaint.events.filter(note="缺少报价明细").exists()


def test_actions_are_offered_by_role(staff):
    leader, _user = staff(roles.QUALITY_LEADER)
    complaint = ComplaintFactory()

    choices = dict(leader.get(CHANGELIST).context["action_form"].fields["action"].choices)
    assert "export_selected" in choices
    assert not {"cancel", "start_analysis", "sign_approval"} & set(choices)
    response = _act(leader, "cancel", [complaint], reason="试图取消")
    complaint.refresh_from_db()
    assert complaint.state == Complaint.State.RECEIVED
    assert response.status_code == 200


# --- export --------------------------------------------------------------------------


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    # Text that looks like a formula is stored as text (no apostrophe in xlsx).
    assert not [cell.coordinate for row in workbook.active.iter_rows() for cell in row if cell.data_type == "f"]
    return list(workbook.active.iter_rows(values_only=True))


def test_export_of_the_filtered_changelist(staff):
    client, _leader = staff(roles.QUALITY_LEADER)
    risky = ComplaintFactory(title='=HYPERLINK("http://evil.example","点我")', description="+1-2", severity="major")
    ComplaintFactory(severity="major", state=Complaint.State.CANCELLED)
    ComplaintFactory(severity="general")

    listing = client.get(CHANGELIST, {"severity__exact": "major", "state__exact": "received"})
    [link] = re.findall(rf'href="({re.escape(EXPORT)}[^"]*)"', listing.text)
    assert set(html.unescape(link).split("?")[1].split("&")) == {"severity__exact=major", "state__exact=received"}
    rows = _sheet(client.get(html.unescape(link)))

    header, *data = rows
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    number_header = str(Complaint._meta.get_field("number").verbose_name)
    title_header = str(Complaint._meta.get_field("title").verbose_name)
    assert row[number_header] == risky.number
    assert row[title_header] == risky.title
    assert row[str(Complaint._meta.get_field("description").verbose_name)] == "+1-2"
    received = row[str(Complaint._meta.get_field("received_at").verbose_name)]
    beijing = risky.received_at.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert abs(received - beijing) < datetime.timedelta(seconds=1)


def test_export_selected_action(staff):
    client, _leader = staff(roles.QUALITY_LEADER)
    chosen, _other = ComplaintFactory(), ComplaintFactory()

    response = client.post(CHANGELIST, {"action": "export_selected", "_selected_action": [chosen.pk], "index": 0})

    _header, *data = _sheet(response)
    assert [row[0] for row in data] == [chosen.number]


def test_export_needs_the_export_permission(staff):
    client, _user = staff(roles.QUALITY_ENGINEER)
    ComplaintFactory()

    assert client.get(EXPORT).status_code == 403
    assert EXPORT not in client.get(CHANGELIST).text


def test_sales_staff_export_only_their_customers(staff, make_user):
    client, sales = staff(roles.SALES)
    sales.user_permissions.add(*_perms("export_complaint"))
    own = ComplaintFactory(customer=CustomerFactory(salesperson=sales))
    ComplaintFactory()

    _header, *data = _sheet(client.get(EXPORT))
    assert [row[0] for row in data] == [own.number]


def _perms(*codenames):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="complaints", codename__in=codenames)


# --- other complaint records -----------------------------------------------------------


def test_sla_policy_is_editable_by_quality_managers_but_never_deleted(staff):
    client, _leader = staff(roles.QUALITY_LEADER)
    policy = SlaPolicy.objects.get(severity="major")
    url = reverse("admin:complaints_slapolicy_change", args=[policy.pk])
    data = {"first_response_hours": 12, "resolution_hours": 24, "at_risk_percent": 75, "mode": "calendar"}
    data.update({"workday_start": "08:30", "workday_end": "17:30"})

    assert client.post(url, data).status_code == 302
    policy.refresh_from_db()
    assert (policy.severity, policy.first_response_hours, policy.resolution_hours) == ("major", 12, 24)
    assert client.post(reverse("admin:complaints_slapolicy_delete", args=[policy.pk])).status_code == 403
    assert client.get(reverse("admin:complaints_slapolicy_add")).status_code == 403


@pytest.mark.parametrize("model", ["pauseperiod", "complaint"])
def test_changelists_render_for_a_superuser(staff, model):
    client, _admin = staff(superuser=True)
    assert client.get(reverse(f"admin:complaints_{model}_changelist")).status_code == 200


# --- aftersales: calendar, numbering, users ------------------------------------------


def test_calendar_warns_when_next_year_has_no_holidays(staff):
    client, _admin = staff(superuser=True)
    url = reverse("admin:aftersales_calendarday_changelist")
    with time_machine.travel(datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC)):
        assert not [m for m in _texts(client.get(url)) if "2027" in m]
        CalendarDay.objects.filter(date__year=2027).delete()
        response = client.get(url)
    assert any("2027" in text for text in _texts(response))
    assert "load-holidays" in response.text


def test_loading_next_years_holidays_from_the_admin(staff):
    client, _admin = staff(superuser=True)
    CalendarDay.objects.filter(date__year=2027).delete()
    with time_machine.travel(datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC)):
        response = client.post(reverse("admin:aftersales_calendarday_load_holidays"), {"year": "2027"}, follow=True)
        assert CalendarDay.objects.filter(date__year=2027, kind=CalendarDay.Kind.HOLIDAY).count() > 10
        assert not [m for m in _texts(response) if "has no public holidays" in m]
        assert client.get(reverse("admin:aftersales_calendarday_load_holidays")).status_code == 405


def test_calendar_loading_needs_the_add_permission(staff):
    client, _deputy = staff(roles.QUALITY_DEPUTY)  # may read the calendar, not change it
    assert client.post(reverse("admin:aftersales_calendarday_load_holidays"), {"year": "2027"}).status_code == 403


def test_number_sequences_are_read_only(staff):
    client, _admin = staff(superuser=True)
    sequence = NumberSequence.objects.create(key="TS-202611", last_value=7)
    url = reverse("admin:aftersales_numbersequence_change", args=[sequence.pk])

    assert client.get(url).status_code == 200
    client.post(url, {"key": "TS-202611", "last_value": 1})
    sequence.refresh_from_db()
    assert sequence.last_value == 7
    assert client.get(reverse("admin:aftersales_numbersequence_add")).status_code == 403


def test_user_admin_shows_the_department_head_flag(staff, people):
    client, _admin = staff(superuser=True)
    listing = client.get(reverse("admin:aftersales_user_changelist"), {"is_department_head__exact": "1"})
    assert people.head.username in listing.text
    assert people.engineer.username not in listing.text
    form = client.get(reverse("admin:aftersales_user_change", args=[people.head.pk])).context["adminform"].form
    assert "is_department_head" in form.fields


# --- the sweeper's alert log ------------------------------------------------------------


def test_the_alert_log_lists_each_claimed_alert_read_only_for_those_who_run_the_service_levels(staff):
    from complaints import sla
    from complaints.models.complaint import ServiceLevelAlert

    late = ComplaintFactory(received_at=timezone.now() - datetime.timedelta(hours=60))
    sla.sweep(timezone.now())
    claimed = ServiceLevelAlert.objects.filter(complaint=late)
    assert claimed.filter(kind="response_breached").exists()
    url = reverse("admin:complaints_servicelevelalert_changelist")

    client, _leader = staff(roles.QUALITY_LEADER)
    page = client.get(url).content.decode()
    assert late.number in page and "首次响应已超时" in page
    few = _queries(client, url)
    ComplaintFactory.create_batch(4, received_at=timezone.now() - datetime.timedelta(hours=60))
    sla.sweep(timezone.now())
    assert _queries(client, url) == few
    assert client.get(url, {"q": late.number}).status_code == 200
    alert = claimed.first()
    change = client.get(reverse("admin:complaints_servicelevelalert_change", args=[alert.pk]))
    assert change.status_code == 200 and 'type="submit"' not in change.content.decode().split('id="content-main"')[1]
    assert client.get(reverse("admin:complaints_servicelevelalert_add")).status_code == 403

    engineer_client, _engineer = staff(roles.AFTERSALES_ENGINEER)
    assert engineer_client.get(url).status_code == 403
