"""Supervision pages per role, by content: who reads, who records, who issues notices; print, overview, queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales import roles
from aftersales.tests.pages import english

from ..models import CapaAction
from ..models.supervision import SupervisionCheck
from . import factories_supervision as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
READERS = [
    roles.QUALITY_LEADER,
    roles.QUALITY_CLERK,
    roles.QUALITY_ENGINEER,
    roles.QUALITY_DEPUTY,
    roles.AFTERSALES_MANAGER,
    roles.GENERAL_MANAGER,
    roles.MANAGEMENT,
]


@pytest.fixture
def world(role_user):
    leader = role_user(roles.QUALITY_LEADER)
    head = role_user(roles.AFTERSALES_MANAGER)
    f.item(max_score=10, text="服务热线接听及时")
    unit = f.unit(name="莱阳服务站", head=head)
    check = f.check(checker=leader, unit=unit)
    finding = f.finding(check, by=leader, text="FINDING-TEXT-投诉超时")
    return {"leader": leader, "unit": unit, "check": check, "finding": finding}


@pytest.mark.parametrize("code", READERS)
def test_readers_see_list_check_overview_and_print(client_for, world, code):
    client = english(client_for(code))
    check = world["check"]
    assert check.number in client.get(reverse("quality:supervision_list")).content.decode()
    page = client.get(check.get_absolute_url()).content.decode()
    assert "FINDING-TEXT-投诉超时" in page and "服务热线接听及时" in page
    assert "莱阳服务站" in client.get(reverse("quality:supervision_overview")).content.decode()
    assert "FINDING-TEXT" in client.get(reverse("quality:supervision_print", args=[check.number])).content.decode()


@pytest.mark.parametrize("code", [roles.SALES, roles.AFTERSALES_ENGINEER, roles.WAREHOUSE_KEEPER])
def test_sales_and_engineers_are_refused(client_for, world, code):
    client = client_for(code)
    number = world["check"].number
    for url in (
        reverse("quality:supervision_list"),
        reverse("quality:supervision_overview"),
        reverse("quality:supervision_create"),
        reverse("quality:supervision_detail", args=[number]),
        reverse("quality:supervision_print", args=[number]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"FINDING-TEXT" not in response.content and "莱阳服务站".encode() not in response.content
    response = client.post(reverse("quality:supervision_complete", args=[number]))
    assert response.status_code == 403


def test_management_reads_but_cannot_record(client_for, world):
    client = english(client_for(roles.MANAGEMENT))
    page = client.get(world["check"].get_absolute_url()).content.decode()
    assert 'name="score-' not in page and "Record the finding" not in page
    assert client.get(reverse("quality:supervision_create")).status_code == 403
    assert client.post(reverse("quality:supervision_complete", args=[world["check"].number])).status_code == 403


def test_checker_scores_and_completes_through_the_pages(client_for, world):
    client = english(client_for(world["leader"]))
    check = world["check"]
    row = check.scores.get()
    response = client.post(reverse("quality:supervision_score", args=[check.number]), {f"score-{row.item_id}": "12"})
    assert response.status_code == 400 and "between 0 and 10" in response.content.decode()
    client.post(reverse("quality:supervision_score", args=[check.number]), {f"score-{row.item_id}": "8"})
    client.post(reverse("quality:supervision_complete", args=[check.number]))
    check.refresh_from_db()
    assert (check.state, check.total_score) == ("completed", 8)
    page = client.get(check.get_absolute_url()).content.decode()
    assert "hold the service-quality analysis meeting" in page


def test_create_page_reports_every_error_at_once(client_for, world):
    client = english(client_for(roles.QUALITY_CLERK))
    future = TODAY + timedelta(days=2)
    response = client.post(
        reverse("quality:supervision_create"),
        {
            "unit": world["unit"].pk,
            "kind": "monthly",
            "period": f"{future + timedelta(days=40):%Y-%m}",
            "checked_on": f"{future:%Y-%m-%d}",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "in the future" in page and "cannot come after the check date" in page
    response = client.post(
        reverse("quality:supervision_create"),
        {"unit": world["unit"].pk, "kind": "spot", "period": f"{TODAY:%Y-%m}", "checked_on": f"{TODAY:%Y-%m-%d}"},
    )
    assert response.status_code == 302


def test_notice_button_issues_for_leader_and_is_disabled_with_why_for_the_manager(client_for, world):
    check, finding = world["check"], world["finding"]
    manager_page = english(client_for(roles.AFTERSALES_MANAGER)).get(check.get_absolute_url()).content.decode()
    assert 'data-testid="issue-notice-disabled"' in manager_page
    assert "Only the quality group leader or clerk issues rectification notices." in manager_page
    client = english(client_for(world["leader"]))
    prefix = f"notice-{finding.pk}"
    response = client.post(
        reverse("quality:supervision_issue_notice", args=[check.number, finding.pk]),
        {
            f"{prefix}-owner": world["unit"].head_id,
            f"{prefix}-planned_action": "整改: 限期处理",
            f"{prefix}-reply_deadline": f"{TODAY + timedelta(days=7):%Y-%m-%d}",
            f"{prefix}-due_date": f"{TODAY + timedelta(days=30):%Y-%m-%d}",
        },
    )
    assert response.status_code == 302
    action = CapaAction.objects.get()
    assert action.number in client.get(check.get_absolute_url()).content.decode()
    capa_page = client.get(action.get_absolute_url()).content.decode()
    assert check.number in capa_page and 'data-testid="supervision-origin"' in capa_page


def test_list_filters_and_constant_queries(client_for, world, django_assert_max_num_queries):
    client = client_for(world["leader"])
    for n in range(12):
        f.check(checker=world["leader"], unit=f.unit(), kind=SupervisionCheck.Kind.SPOT, state="completed", total=n)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("quality:supervision_list")).content.decode()
    assert page.count('data-testid="check-row"') == 13
    filtered = client.get(reverse("quality:supervision_list"), {"kind": "monthly"}).content.decode()
    assert filtered.count('data-testid="check-row"') == 1
    assert (
        client.get(reverse("quality:supervision_list"), {"year": TODAY.year - 1})
        .content.decode()
        .count('data-testid="check-row"')
        == 0
    )


def test_my_work_lists_my_drafts(client_for, world):
    page = english(client_for(world["leader"])).get(reverse("complaints:my_work")).content.decode()
    assert world["check"].number in page


def test_overview_constant_queries(client_for, world, django_assert_max_num_queries):
    client = client_for(roles.MANAGEMENT)
    for _n in range(6):
        unit = f.unit()
        f.check(checker=world["leader"], unit=unit, state="completed", total=80, maximum=100)
    with django_assert_max_num_queries(12):
        client.get(reverse("quality:supervision_overview"))


def test_overview_figures_hand_counted(client_for, role_user):
    leader = role_user(roles.QUALITY_LEADER)
    year = TODAY.year - 1  # a past year: every month is past
    a, b = f.unit(name="甲站", code="A"), f.unit(name="乙站", code="B")
    f.unit(name="停用站", code="Z", is_active=False)
    f.check(
        checker=leader,
        unit=a,
        period=date(year, 1, 1),
        checked_on=date(year, 1, 20),
        state="completed",
        total=88,
        maximum=100,
    )
    f.check(
        checker=leader,
        unit=a,
        period=date(year, 2, 1),
        checked_on=date(year, 2, 20),
        state="completed",
        total=91,
        maximum=100,
    )
    f.check(checker=leader, unit=b, period=date(year, 1, 1), checked_on=date(year, 1, 22))  # draft still counts
    survey = f.check(
        checker=leader,
        unit=a,
        kind=SupervisionCheck.Kind.SITE_SURVEY,
        period=date(year, 5, 1),
        checked_on=date(year, 5, 5),
        state="completed",
        total=40,
        maximum=50,
    )
    f.check(
        checker=leader,
        unit=b,
        kind=SupervisionCheck.Kind.SITE_SURVEY,
        period=date(year, 6, 1),
        checked_on=date(year, 6, 5),
    )  # a draft survey is not done yet
    notice = CapaAction.objects.create(
        number="CA-2025-9999",
        source="supervision",
        problem="p",
        planned_action="a",
        owner=leader,
        department="甲站",
        due_date=TODAY,
        created_by=leader,
        notice_unit="甲站",
        reply_deadline=TODAY,
    )
    f.finding(survey, by=leader, notice=notice)
    page = (
        english(client_for(roles.QUALITY_CLERK))
        .get(reverse("quality:supervision_overview"), {"year": year})
        .content.decode()
    )
    assert "Customer site surveys: 1 of at least 3 this year." in page
    assert "2 more surveys are needed." in page and "Not surveyed yet: 乙站" in page
    # 24 unit-months, 3 with a monthly check: 21 gaps; the inactive unit is not shown.
    assert "21 past months without a monthly check." in page and "停用站" not in page
    row_a = page.split('data-unit="A"')[1].split("</tr>")[0]
    assert ">88.0<" in row_a and ">91.0<" in row_a
    assert 'data-testid="unit-surveys">1<' in row_a and 'data-testid="unit-notices">1<' in row_a
    row_b = page.split('data-unit="B"')[1].split("</tr>")[0]
    assert ">draft<" in row_b and 'data-testid="unit-surveys">0<' in row_b and 'data-testid="unit-notices">0<' in row_b


def test_print_page_shows_scores_and_total(client_for, world):
    check = world["check"]
    check.scores.update(score=7, remark="REMARK-7")
    page = (
        english(client_for(roles.QUALITY_CLERK))
        .get(reverse("quality:supervision_print", args=[check.number]))
        .content.decode()
    )
    assert "Service quality check record" in page and "REMARK-7" in page and "莱阳服务站" in page


def test_a_refused_score_keeps_every_typed_score_and_remark_and_marks_the_item(client_for, role_user):
    leader = role_user(roles.QUALITY_LEADER)
    first, second = f.item(max_score=10, text="热线"), f.item(max_score=15, text="态度")
    check = f.check(checker=leader, unit=f.unit())
    client = english(client_for(leader))
    response = client.post(
        reverse("quality:supervision_score", args=[check.number]),
        {
            f"score-{first.pk}": "12",
            f"remark-{first.pk}": "REMARK-ONE",
            f"score-{second.pk}": "13.5",
            f"remark-{second.pk}": "REMARK-TWO",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and "热线: the score lies between 0 and 10." in page
    assert f'name="score-{first.pk}" value="12"' in page and f'name="score-{second.pk}" value="13.5"' in page
    assert "REMARK-ONE" in page and "REMARK-TWO" in page
    assert page.count("is-invalid") == 1
    assert not check.scores.filter(score__isnull=False).exists()


@pytest.mark.parametrize("typed", ["NaN", "sNaN", "Infinity", "-Infinity", "abc"])
def test_a_score_that_is_not_a_number_is_refused_not_an_error(client_for, role_user, typed):
    leader = role_user(roles.QUALITY_LEADER)
    entry = f.item(max_score=10, text="热线")
    check = f.check(checker=leader, unit=f.unit())
    response = english(client_for(leader)).post(
        reverse("quality:supervision_score", args=[check.number]), {f"score-{entry.pk}": typed}
    )
    assert response.status_code == 400 and "the score lies between 0 and 10" in response.content.decode()


def test_the_unit_checked_is_never_called_a_product(client_for, world):
    """ "Unit" elsewhere means a machine (产品); the supervision pages name the service unit."""
    client = client_for(world["leader"])
    number = world["check"].number
    for url in (
        reverse("quality:supervision_list"),
        reverse("quality:supervision_create"),
        reverse("quality:supervision_overview"),
        reverse("quality:supervision_detail", args=[number]),
    ):
        main = client.get(url).content.decode().split("<main", 1)[1].split("</main>", 1)[0]
        assert "产品" not in main and "受检单位" in main, url
    assert english(client).get(reverse("quality:supervision_overview")).content.decode().count("Unit checked") == 1


def test_the_checks_download_as_xlsx_with_the_list_filters(client_for, world):
    import io

    import openpyxl

    leader = world["leader"]
    spot = f.check(checker=leader, unit=f.unit(name="青岛服务站"), kind=SupervisionCheck.Kind.SPOT, state="completed")
    SupervisionCheck.objects.filter(pk=spot.pk).update(total_score=42, max_score=50)
    client = english(client_for(roles.MANAGEMENT))
    listing = client.get(reverse("quality:supervision_list"), {"kind": "spot"}).content.decode()
    assert f"{reverse('quality:supervision_xlsx')}?kind=spot" in listing
    response = client.get(reverse("quality:supervision_xlsx"), {"kind": "spot"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Number", "Checked on", "Code", "Unit checked")
    assert len(rows) == 2 and rows[1][0] == spot.number and rows[1][3] == "青岛服务站"
    assert (rows[1][8], rows[1][9], rows[1][11]) == (42, 50, 0)
    everything = client.get(reverse("quality:supervision_xlsx"))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(everything.streaming_content))).active.values)
    mine = next(row for row in rows if row[0] == world["check"].number)
    assert mine[11] == 1 and mine[12] == 0  # one finding, no notice yet


@pytest.mark.parametrize("code", [roles.SALES, roles.AFTERSALES_ENGINEER])
def test_the_xlsx_is_refused_to_those_who_may_not_read_checks(client_for, world, code):
    assert client_for(code).get(reverse("quality:supervision_xlsx")).status_code == 403


def test_notice_form_reports_missing_fields_and_past_dates_at_once(client_for, world):
    finding, check = world["finding"], world["check"]
    prefix = f"notice-{finding.pk}"
    past = TODAY - timedelta(days=3)
    response = english(client_for(world["leader"])).post(
        reverse("quality:supervision_issue_notice", args=[check.number, finding.pk]),
        {
            f"{prefix}-owner": "",
            f"{prefix}-planned_action": "",
            f"{prefix}-reply_deadline": f"{past:%Y-%m-%d}",
            f"{prefix}-due_date": f"{past:%Y-%m-%d}",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and page.count("This field is required.") == 2
    assert "The written reply cannot be due" in page and "is in the past; give today or a later day." in page
    assert not CapaAction.objects.exists()


def test_meeting_form_reports_a_future_date_with_missing_notes(client_for, world):
    check = world["check"]
    SupervisionCheck.objects.filter(pk=check.pk).update(state="completed")
    client = english(client_for(world["leader"]))
    response = client.post(
        reverse("quality:supervision_meeting", args=[check.number]),
        {"held_on": f"{TODAY + timedelta(days=2):%Y-%m-%d}", "notes": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "This field is required." in page
    assert "The meeting cannot be held in the future" in page
    response = client.post(
        reverse("quality:supervision_meeting", args=[check.number]),
        {"held_on": f"{check.checked_on - timedelta(days=1):%Y-%m-%d}", "notes": "通报"},
    )
    assert response.status_code == 400 and "cannot come before the check" in response.content.decode()


@pytest.mark.parametrize("year", ["99999", "0", "-5", "abc"])
def test_a_year_no_date_can_hold_lists_every_check(client_for, world, year):
    response = client_for(world["leader"]).get(reverse("quality:supervision_list"), {"year": year})
    assert response.status_code == 200 and world["check"].number in response.content.decode()


def test_create_page_reports_a_missing_unit_with_wrong_dates(client_for, world):
    future = TODAY + timedelta(days=2)
    response = english(client_for(roles.QUALITY_CLERK)).post(
        reverse("quality:supervision_create"),
        {"unit": "", "kind": "monthly", "period": f"{future + timedelta(days=40):%Y-%m}", "checked_on": f"{future}"},
    )
    page = response.content.decode()
    assert "This field is required." in page and "in the future" in page
    assert "cannot come after the check date" in page and not SupervisionCheck.objects.exclude(pk=world["check"].pk)


def test_a_step_on_a_check_completed_meanwhile_says_why_it_was_refused(client_for, world):
    check = world["check"]
    SupervisionCheck.objects.filter(pk=check.pk).update(state="completed")
    client = english(client_for(world["leader"]))
    for name, data in (
        ("supervision_finding", {"description": "LATE-FINDING", "severity": "minor"}),
        ("supervision_edit", {"checked_on": f"{check.checked_on}", "summary": "LATE"}),
    ):
        response = client.post(reverse(f"quality:{name}", args=[check.number]), data)
        page = response.content.decode()
        assert response.status_code == 400 and f"Check {check.number} is completed; it can no longer change." in page
        assert "see the marked form below" not in page
    assert not check.findings.filter(description="LATE-FINDING").exists()
