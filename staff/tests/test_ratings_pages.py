"""The six-hearts rating pages per role: who reads, rates, corrects and acknowledges what, proved by content."""

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.tests.factories import UserFactory
from aftersales.tests.pages import english, waiting_line

from ..models import RatingCorrection, SixHeartsRating
from . import factories_ratings as f
from .factories import member, team

pytestmark = pytest.mark.django_db

LIST = reverse("staff:rating_list")


@pytest.fixture
def people(db):
    return team()


def _client(user):
    client = Client()
    client.force_login(user)
    return english(client)


def _form(period: str, *hearts, remarks="", **extra):
    data = {"period": period, "remarks": remarks, **extra}
    for field, value in zip(f.FOURS, hearts, strict=False):
        data[field] = value
    return data


def test_the_team_list_shows_each_member_with_rate_buttons_for_the_manager(people):
    manager, sales, sales2, engineer, _boss = people
    f.rating(manager, sales, remarks="S1-REMARK")
    page = _client(manager).get(LIST).content.decode()
    assert 'data-testid="rating-row-t_sales"' in page and 'data-testid="rating-row-t_sales2"' in page
    assert 'data-testid="rate-t_sales2"' in page and 'data-testid="rate-t_engineer"' in page
    assert 'data-testid="rate-t_sales"' not in page  # rated already: corrected instead
    assert reverse("staff:rating_correct", args=[SixHeartsRating.objects.get().pk]) in page
    assert f.last_month().label in page


def test_a_salesperson_sees_only_their_own_rating(people):
    manager, sales, sales2, _engineer, _boss = people
    mine = f.rating(manager, sales, remarks="MINE-REMARK")
    theirs = f.rating(manager, sales2, remarks="THEIRS-REMARK")
    RatingCorrection.objects.create(rating=theirs, previous={}, reason="THEIRS-REASON", corrected_by=manager)
    client = _client(sales)
    page = client.get(LIST).content.decode()
    assert 'data-testid="rating-row-t_sales"' in page and "t_sales2" not in page and str(sales2) not in page
    assert "Rate" not in page.split('data-testid="team-ratings"')[1]
    detail = client.get(reverse("staff:rating_detail", args=[mine.pk])).content.decode()
    assert "MINE-REMARK" in detail
    assert client.get(reverse("staff:rating_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("staff:rating_correct", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("staff:rating_history", args=[sales2.pk])).status_code == 404
    history = client.get(reverse("staff:rating_history", args=[sales.pk])).content.decode()
    assert reverse("staff:rating_detail", args=[mine.pk]) in history and "THEIRS" not in history
    assert client.get(reverse("staff:rating_create"), {"person": sales2.pk}).status_code == 404
    assert client.post(reverse("staff:rating_acknowledge", args=[theirs.pk])).status_code == 404
    # the other salesperson sees theirs and not mine
    other = _client(sales2)
    page = other.get(reverse("staff:rating_detail", args=[theirs.pk])).content.decode()
    assert "THEIRS-REMARK" in page and "THEIRS-REASON" in page and "MINE-REMARK" not in page
    assert other.get(reverse("staff:rating_detail", args=[mine.pk])).status_code == 404


def test_management_reads_everyone_without_rating_and_outsiders_are_refused(people, role_user):
    manager, sales, sales2, engineer, boss = people
    f.rating(manager, sales, remarks="S1-REMARK")
    rating = f.rating(manager, sales2, remarks="S2-REMARK")
    client = _client(boss)
    page = client.get(LIST).content.decode()
    assert all(f'data-testid="rating-row-{p.username}"' in page for p in (sales, sales2, engineer))
    assert 'data-testid="rate-' not in page
    assert "S2-REMARK" in client.get(reverse("staff:rating_detail", args=[rating.pk])).content.decode()
    assert client.get(reverse("staff:rating_correct", args=[rating.pk])).status_code == 403
    assert client.get(reverse("staff:rating_create"), {"person": engineer.pk}).status_code == 403
    # a manager of another team reads nothing of this one
    other_manager = _client(member("else_manager", "aftersales_manager", rated=False))
    assert "t_sales" not in other_manager.get(LIST).content.decode()
    assert other_manager.get(reverse("staff:rating_detail", args=[rating.pk])).status_code == 404
    # a user without a role may not open the pages
    nobody = _client(UserFactory(username="no_role"))
    assert nobody.get(LIST).status_code == 403
    assert nobody.get(reverse("staff:rating_detail", args=[rating.pk])).status_code == 403
    assert Client().get(LIST).status_code == 302


def test_signing_shows_the_meanings_and_customer_view_and_reports_every_error_at_once(people):
    manager, sales, *_ = people
    client = _client(manager)
    url = reverse("staff:rating_create") + f"?person={sales.pk}&period={f.last_month().code}"
    page = client.get(url).content.decode()
    assert "Listens to the whole complaint" in page and "Patience (耐心)" in page
    assert "No follow-up call with an attitude score in the period" in page and "80%" in page
    assert _client(sales).get(url).status_code == 403
    response = client.post(url, _form(f.last_month().next().next().code, 5, 9))
    page = response.content.decode()
    assert response.status_code == 200
    assert "has not begun yet" in page
    assert page.count("Give a score from 1 to 5.") == 5  # warmth out of range, four missing
    assert not SixHeartsRating.objects.exists()
    response = client.post(url, _form(f.last_month().code, 5, 4, 4, 3, 5, 3, remarks="热情主动"))
    rating = SixHeartsRating.objects.get()
    assert response.status_code == 302 and response.url == reverse("staff:rating_detail", args=[rating.pk])
    assert (rating.rated_by, rating.score, rating.remarks) == (manager, rating.hearts_mean, "热情主动")
    again = client.post(url, _form(f.last_month().code, 4, 4, 4, 4, 4, 4)).content.decode()
    assert "correct it instead" in again


def test_the_rated_person_acknowledges_and_a_correction_asks_again(people):
    manager, sales, *_ = people
    rating = f.rating(manager, sales, remarks="第一次")
    detail = reverse("staff:rating_detail", args=[rating.pk])
    acknowledge = reverse("staff:rating_acknowledge", args=[rating.pk])
    page = _client(manager).get(detail).content.decode()
    assert f"({sales}) to acknowledge the rating" in waiting_line(page)
    assert "not yet acknowledged" in page.split('data-testid="acknowledged"')[1][:60]
    assert 'data-testid="acknowledge-form"' not in page and 'data-testid="correct"' in page
    assert _client(manager).post(acknowledge).status_code == 403
    assert _client(sales).get(acknowledge).status_code == 405
    own = _client(sales)
    page = own.get(detail).content.decode()
    assert 'data-testid="acknowledge-form"' in page and 'data-testid="correct"' not in page
    assert own.post(acknowledge, {"comment": "已阅"}).status_code == 302
    page = own.get(detail).content.decode()
    assert 'data-testid="waiting-on"' not in page and "已阅" in page
    # the manager corrects: a reason is required, the old values stay in the history
    correct = reverse("staff:rating_correct", args=[rating.pk])
    refused = _client(manager).post(correct, _form("", 5, 5, 5, 5, 5, 5, remarks="更正", reason="")).content.decode()
    assert "Say why the rating is corrected." in refused
    assert _client(sales).get(correct).status_code == 403
    response = _client(manager).post(correct, _form("", 5, 5, 5, 5, 5, 5, remarks="更正", reason="客户表扬信"))
    assert response.status_code == 302
    page = own.get(detail).content.decode()
    history = page.split('data-testid="corrections"')[1]
    assert (
        "客户表扬信" in history and str(manager) in history and "Confidence (信心) 4" in history and "第一次" in history
    )
    assert f"({sales}) to acknowledge the rating" in waiting_line(page)


def test_my_work_lists_ratings_to_acknowledge_and_team_members_to_rate(people):
    manager, sales, sales2, engineer, _boss = people
    f.rating(manager, sales)
    work = reverse("complaints:my_work")
    page = _client(sales).get(work).content.decode()
    assert 'data-testid="ratings-to-acknowledge"' in page
    page = _client(manager).get(work).content.decode()
    to_rate = page.split('data-testid="ratings-to-sign"')[1].split("</ul>")[0]
    assert str(sales2) in to_rate and str(engineer) in to_rate and str(sales) not in to_rate
    assert 'data-testid="work-section-ratings"' not in _client(sales2).get(work).content.decode()


def test_the_team_list_reads_a_constant_number_of_queries(people, django_assert_max_num_queries):
    manager, sales, sales2, engineer, _boss = people
    client = _client(manager)
    client.get(LIST)  # session, permissions and menu warmed
    f.rating(manager, sales)
    with django_assert_max_num_queries(12) as small:
        client.get(LIST)
    for number in range(6):
        person = member(f"extra{number}", "sales", supervisor=manager)
        f.rating(manager, person)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(LIST).content.decode()
    assert "extra5" in page
