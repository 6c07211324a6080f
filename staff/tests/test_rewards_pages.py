"""Reward and penalty list: totals hand-checked with a quality-sheet assessment and a voided entry; pages per role."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from aftersales.tests.pages import english, source_language  # noqa: F401

from ..periods import Period
from ..selectors.rewards import reward_rows, reward_totals
from .factories import member, team
from .factories_rewards import RewardFactory, assessment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("source_language")]
Q4 = Period.quarter(2026, 4)
BJ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-12-03 10:00 +0800", tick=False):
        yield


@pytest.fixture
def world():
    manager, sales, sales2, engineer, boss = team()
    d = datetime.date
    RewardFactory(
        person=sales,
        kind="reward",
        category="bonus",
        measure="amount",
        value=Decimal("500"),
        occurred_on=d(2026, 10, 8),
        reason="王芳的奖金",
    )
    RewardFactory(
        person=sales,
        kind="reward",
        category="points",
        measure="points",
        value=Decimal("3"),
        occurred_on=d(2026, 11, 2),
        reason="王芳的加分",
    )
    RewardFactory(
        person=sales,
        kind="penalty",
        category="fine",
        measure="amount",
        value=Decimal("200"),
        occurred_on=d(2026, 11, 20),
        reason="王芳的罚款",
    )
    RewardFactory(
        person=sales,
        kind="penalty",
        category="warning",
        measure="none",
        value=0,
        occurred_on=d(2026, 12, 1),
        reason="王芳的警告",
    )
    # voided: out of the list and the totals
    RewardFactory(
        person=sales,
        kind="reward",
        category="bonus",
        measure="amount",
        value=Decimal("9999"),
        occurred_on=d(2026, 11, 3),
        reason="作废的奖金",
        voided_at=datetime.datetime(2026, 11, 4, tzinfo=BJ),
    )
    # outside the quarter
    RewardFactory(
        person=sales,
        kind="reward",
        category="points",
        measure="points",
        value=Decimal("50"),
        occurred_on=d(2026, 9, 30),
        reason="上季度的加分",
    )
    RewardFactory(
        person=sales2,
        kind="penalty",
        category="points",
        measure="points",
        value=Decimal("4"),
        occurred_on=d(2026, 11, 5),
        reason="李强的秘密扣分",
    )
    # quality sheets: 2 points on 1 October 00:30 Beijing (30 September UTC) counts in Q4; 150 CNY; one before Q4
    sheet_a = assessment(sales, value="2", at=datetime.datetime(2026, 10, 1, 0, 30, tzinfo=BJ), remarks="质量考核甲")
    assessment(
        sales, value="150", kind="amount", at=datetime.datetime(2026, 11, 11, 9, tzinfo=BJ), remarks="质量考核乙"
    )
    assessment(sales, value="7", at=datetime.datetime(2026, 9, 30, 23, 30, tzinfo=BJ), remarks="上季度考核")
    return manager, sales, sales2, engineer, boss, sheet_a


def test_totals_are_hand_counted_with_the_quality_sheet_assessments_and_without_the_voided_entry(world):
    manager, sales, sales2, *_ = world
    (wang,) = reward_totals(user=sales, period=Q4)
    assert wang == sales
    # rewards: 500 CNY and 3 points; penalties: 200 + 150 CNY and 2 points (the sheet); net 3 − 2
    assert (wang.reward_points, wang.reward_amount) == (Decimal(3), Decimal(500))
    assert (wang.penalty_points, wang.penalty_amount) == (Decimal(2), Decimal(350))
    assert wang.net_points == Decimal(1)
    rows = reward_rows(user=sales, period=Q4)
    assert [r.reason for r in rows] == [
        "王芳的警告",
        "王芳的罚款",
        "质量考核乙",
        "王芳的加分",
        "王芳的奖金",
        "质量考核甲",
    ]
    team_totals = {p.username: p.net_points for p in reward_totals(user=manager, period=Q4)}
    assert team_totals == {sales.username: Decimal(1), sales2.username: Decimal(-4)}


def test_the_list_of_a_team_costs_the_same_queries_for_one_or_many(world, client, django_assert_max_num_queries):
    manager, sales, *_ = world
    for n in range(5):
        person = member(f"extra{n}", "sales", supervisor=manager)
        RewardFactory(person=person, occurred_on=datetime.date(2026, 11, 1))
        assessment(person, value="1", at=datetime.datetime(2026, 11, 2, 9, tzinfo=BJ))
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("staff:reward_list"), {"period": "2026-Q4"})
    assert page.status_code == 200 and page.content.decode().count('data-testid="total-') == 7


def test_keyset_pages_walk_every_row_once(world, client):
    manager, sales, *_ = world
    from ..selectors import rewards

    rows = reward_rows(user=manager, period=Q4, limit=None)
    seen, after = [], None
    while True:
        page = reward_rows(user=manager, period=Q4, after=after, limit=3)
        seen += [(r.source, r.pk) for r in page[:3]]
        if len(page) <= 3:
            break
        after = page[2].cursor
    assert seen == [(r.source, r.pk) for r in rows] and rewards.PAGE_SIZE == 50


def test_a_salesperson_sees_their_own_rows_never_a_colleagues(world, client):
    _manager, sales, sales2, *_ = world
    client.force_login(sales)
    page = english(client).get(reverse("staff:reward_list"), {"period": "2026-Q4"}).content.decode()
    assert "王芳的罚款" in page and "质量考核乙" in page
    assert "李强的秘密扣分" not in page and "作废的奖金" not in page
    assert english(client).get(reverse("staff:reward_person", args=[sales2.pk])).status_code == 403
    secret = sales2.rewards_penalties.get()
    assert client.get(reverse("staff:reward_detail", args=[secret.number])).status_code == 404
    assert client.get(reverse("staff:reward_create")).status_code == 403
    assert client.get(reverse("staff:reward_export")).status_code == 403


def test_the_quality_sheet_number_links_only_for_who_may_see_the_sheet(world, client):
    _manager, sales, *_rest, sheet_a = world
    client.force_login(sales)
    page = client.get(reverse("staff:reward_person", args=[sales.pk]), {"period": "2026-Q4"}).content.decode()
    assert sheet_a.sheet.number in page
    assert reverse("quality:sheet_detail", args=[sheet_a.sheet.number]) not in page


def test_the_manager_sees_the_team_records_and_voids(world, client):
    manager, sales, sales2, *_ = world
    client.force_login(manager)
    page = english(client).get(reverse("staff:reward_list"), {"period": "2026-Q4"}).content.decode()
    assert "李强的秘密扣分" in page and "王芳的罚款" in page
    entry = sales.rewards_penalties.get(reason="王芳的罚款")
    response = client.post(reverse("staff:reward_void", args=[entry.number]), {"reason": "录入错误"})
    assert response.status_code == 302
    page = english(client).get(reverse("staff:reward_detail", args=[entry.number])).content.decode()
    assert "录入错误" in page and 'data-testid="voided"' in page


def test_recording_through_the_page_reports_errors_and_saves(world, client):
    manager, sales, *_ = world
    client.force_login(manager)
    url = reverse("staff:reward_create")
    bad = english(client).post(
        url,
        {
            "person": sales.pk,
            "kind": "reward",
            "category": "dismissal",
            "measure": "points",
            "value": "0",
            "occurred_on": "2026-12-09",
            "reason": "",
        },
    )
    text = bad.content.decode()
    assert bad.status_code == 422
    assert "Dismissal is a penalty, never a reward." in text and "The date cannot be in the future." in text
    good = client.post(
        url,
        {
            "person": sales.pk,
            "kind": "reward",
            "category": "commendation",
            "measure": "none",
            "occurred_on": "2026-12-02",
            "reason": "客户来信表扬",
        },
    )
    assert good.status_code == 302
    assert sales.rewards_penalties.filter(reason="客户来信表扬").exists()
    assert (
        client.post(
            url,
            {
                "person": manager.pk,
                "kind": "reward",
                "category": "bonus",
                "measure": "amount",
                "value": "1",
                "occurred_on": "2026-12-02",
                "reason": "自己",
            },
        ).status_code
        == 422
    )


def test_management_sees_everyone_and_exports(world, client):
    *_rest, boss, _sheet = world
    boss_client = english(client)
    boss_client.force_login(boss)
    page = boss_client.get(reverse("staff:reward_list"), {"period": "2026-Q4"}).content.decode()
    assert "李强的秘密扣分" in page and "王芳的罚款" in page
    response = boss_client.get(reverse("staff:reward_export"), {"period": "2026-Q4"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    totals = [row for row in book.worksheets[1].iter_rows(values_only=True)]
    assert totals[-1][0] == "Total" and totals[-1][5] == -3  # 1 + (−4)


def test_an_engineer_sees_only_their_own(world, client):
    _manager, _sales, _sales2, engineer, *_ = world
    client.force_login(engineer)
    page = client.get(reverse("staff:reward_list"), {"period": "2026-Q4"}).content.decode()
    assert "王芳" not in page and "李强的秘密扣分" not in page
    assert Group.objects.filter(name="aftersales_engineer").exists()
