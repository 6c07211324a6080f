"""People and scorecard pages per role, by content: two salespeople, their manager, management, an outsider."""

import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.tests.pages import english
from staff.models import StaffProfile

from .factories import member
from .factories_scorecards import at, november

pytestmark = pytest.mark.django_db

NOV = {"period": "2026-11"}


@pytest.fixture
def world(settings):
    settings.COMPANY_NAME = "江苏华电开关有限公司"
    with time_machine.travel(at("2026-12-03", "10:00"), tick=False):
        w = november()
    StaffProfile.objects.filter(user=w.sales).update(employee_number="EMP-WANG")
    StaffProfile.objects.filter(user=w.sales2).update(employee_number="EMP-LI")
    w.outsider = member("sc_outsider", "aftersales_manager", rated=False)
    return w


def _get(client, user, name, *, query=NOV, **kwargs):
    client.force_login(user)
    english(client)
    with time_machine.travel(at("2026-12-03", "10:00"), tick=True):
        return client.get(reverse(f"staff:{name}", kwargs=kwargs), query)


def test_sales_see_their_own_card_and_not_their_colleagues(client, world):
    page = _get(client, world.sales, "people").content.decode()
    assert "EMP-WANG" in page and "EMP-LI" not in page and "张伟" not in page
    team = _get(client, world.sales, "team_scorecard").content.decode()
    assert "王 芳" in team or "芳" in team
    assert "李" not in team and "张伟" not in team
    assert _get(client, world.sales, "scorecard", person_pk=world.sales.pk).status_code == 200
    for name in ("person", "scorecard", "scorecard_print"):
        assert _get(client, world.sales, name, person_pk=world.sales2.pk).status_code == 404


def test_the_manager_sees_the_team_side_by_side_with_a_totals_row(client, world):
    page = _get(client, world.manager, "team_scorecard").content.decode()
    for person in (world.sales, world.sales2, world.engineer):
        assert f'data-person="{person.pk}"' in page
    assert 'data-testid="team-total"' in page
    assert "75.0 (3/4)" in page and "50.0 (2/4)" in page and "16.33" in page and "1/2 (50.0)" in page
    assert "How it counts" in page


def test_management_sees_everyone_and_an_outside_manager_no_one(client, world):
    page = _get(client, world.boss, "team_scorecard").content.decode()
    assert f'data-person="{world.sales2.pk}"' in page
    outside = _get(client, world.outsider, "team_scorecard").content.decode()
    assert f'data-person="{world.sales.pk}"' not in outside
    assert _get(client, world.outsider, "scorecard", person_pk=world.engineer.pk).status_code == 404
    assert _get(client, world.outsider, "person", person_pk=world.engineer.pk).status_code == 404


def test_a_user_without_staff_access_is_refused(client, world):
    nobody = member("sc_nobody", rated=False)
    assert _get(client, nobody, "team_scorecard").status_code == 403


def test_the_card_shows_the_figures_the_previous_period_and_a_six_period_trend(client, world):
    page = _get(client, world.manager, "scorecard", person_pk=world.engineer.pk).content.decode()
    assert "Scorecard of" in page and "2026-10" in page
    assert page.count("<th>2026-0") + page.count("<th>2026-1") >= 6
    assert "4.20" in page and "3.80" in page and "3.5" in page and "1, 1, 85.00" in page
    quarter = _get(client, world.manager, "scorecard", person_pk=world.engineer.pk, query={"period": "2026-Q4"})
    assert "4.00" in quarter.content.decode()


def test_a_wrong_period_is_said_and_last_month_shown(client, world):
    page = _get(client, world.manager, "team_scorecard", query={"period": "2026-13"}).content.decode()
    assert "Write the period as" in page


def test_the_person_page_links_to_the_scorecard(client, world):
    page = _get(client, world.manager, "person", person_pk=world.engineer.pk).content.decode()
    assert reverse("staff:scorecard", kwargs={"person_pk": world.engineer.pk}) in page
    assert "张" in page


def test_the_print_pages_carry_the_company_name_on_a_landscape_sheet(client, world):
    page = _get(client, world.manager, "team_scorecard_print").content.decode()
    assert "江苏华电开关有限公司" in page and "scorecard_print.css" in page
    card = _get(client, world.manager, "scorecard_print", person_pk=world.engineer.pk).content.decode()
    assert "江苏华电开关有限公司" in card and "4.20" in card


def test_the_xlsx_holds_the_visible_team_with_numbers_as_numbers(client, world):
    response = _get(client, world.manager, "team_scorecard_xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    by_user = {row[1]: row for row in rows[1:]}
    assert set(by_user) == {"sc_sales", "sc_sales2", "sc_engineer"}
    engineer = by_user["sc_engineer"]
    assert engineer[2:7] == (4, 3, 3, 4, 75)
    assert engineer[10] == pytest.approx(16.33)
    assert engineer[19] == 4.2 and engineer[20] == 3.5 and engineer[21:] == (1, 1, 85)
    alone = _get(client, world.sales, "team_scorecard_xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(alone.streaming_content))).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["sc_sales"]


def test_the_start_page_shows_last_months_card_to_service_staff(client, world):
    client.force_login(world.engineer)
    english(client)
    with time_machine.travel(at("2026-12-03", "10:00"), tick=True):
        page = client.get("/").content.decode()
    assert 'data-testid="scorecard-home-card"' in page and "2026-11" in page and "4.20" in page
    client.force_login(world.boss)
    assert 'data-testid="scorecard-home-card"' not in client.get("/").content.decode()


def test_the_team_page_takes_the_same_queries_for_3_and_12_people(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert _get(client, world.manager, "team_scorecard").status_code == 200
        return len(queries)

    count()
    small = count()
    for n in range(9):
        member(f"more{n}", "sales", supervisor=world.manager)
    assert count() == small
    assert Group.objects.exists()


def test_my_records_leads_to_ones_own_page_or_says_there_is_none(client, world):
    response = _get(client, world.sales, "me", query={})
    assert response.status_code == 302 and response.url == reverse("staff:person", kwargs={"person_pk": world.sales.pk})
    client.force_login(world.boss)  # management: sees everyone, but is no service staff member
    response = english(client).get(reverse("staff:me"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("staff:people")
    assert "You have no service staff profile" in response.content.decode()
