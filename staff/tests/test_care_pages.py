"""Customer care pages per role: greetings due, marking them, festivals, the customer's contacts."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from aftersales.tests.factories import UserFactory
from aftersales.tests.pages import english, source_language  # noqa: F401

from ..models import Festival, Greeting
from ..services.care import greetings_list_due
from .factories import team
from .factories_care import FestivalFactory, contact_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("source_language")]
d = datetime.date


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2027-03-01 09:00 +0800", tick=False):
        yield


@pytest.fixture
def world():
    manager, sales, sales2, engineer, boss = team()
    mine = contact_of(sales, "王芳的客户张总", birthday=d(1970, 3, 2), interests="钓鱼", relationship="key")
    theirs = contact_of(sales2, "李强的客户赵经理", birthday=d(1970, 3, 1), interests="书法")
    contact_of(sales, "下月生日", birthday=d(1970, 3, 20))
    greetings_list_due()
    return manager, sales, sales2, engineer, boss, mine, theirs


def test_a_salesperson_sees_their_greetings_never_a_colleagues(world, client):
    _manager, sales, sales2, *_rest = world
    client.force_login(sales)
    page = english(client).get(reverse("staff:greeting_list")).content.decode()
    assert "王芳的客户张总" in page and "钓鱼" in page and "Key account" in page and "下月生日" in page
    assert "李强的客户赵经理" not in page and "书法" not in page
    assert client.get(reverse("staff:greeting_list"), {"person": sales2.pk}).status_code == 403
    theirs = Greeting.objects.get(salesperson=sales2)
    response = client.post(reverse("staff:greeting_done", args=[theirs.pk]), {"outcome": "sent", "channel": "call"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.outcome == "due"


def test_marking_a_greeting_sent_needs_a_channel_and_skipped_a_note(world, client):
    _manager, sales, *_rest = world
    client.force_login(sales)
    greeting = Greeting.objects.get(salesperson=sales)
    url = reverse("staff:greeting_done", args=[greeting.pk])
    client.post(url, {"outcome": "sent", "channel": ""})
    greeting.refresh_from_db()
    assert greeting.outcome == "due"
    client.post(url, {"outcome": "sent", "channel": "gift", "note": "送了茶叶"})
    greeting.refresh_from_db()
    assert (greeting.outcome, greeting.channel, greeting.done_by) == ("sent", "gift", sales)
    page = english(client).get(reverse("staff:greeting_list"), {"outcome": "sent"}).content.decode()
    assert "送了茶叶" in page
    due = english(client).get(reverse("staff:greeting_list")).content.decode()
    assert "王芳的客户张总" not in due.split('data-testid="upcoming-birthdays"')[0]


def test_a_manager_chooses_a_team_member(world, client):
    manager, _sales, sales2, *_rest = world
    client.force_login(manager)
    page = english(client).get(reverse("staff:greeting_list"), {"person": sales2.pk}).content.decode()
    assert "李强的客户赵经理" in page and "王芳的客户张总" not in page
    greeting = Greeting.objects.get(salesperson=sales2)
    client.post(reverse("staff:greeting_done", args=[greeting.pk]), {"outcome": "skipped", "note": "出差"})
    greeting.refresh_from_db()
    assert greeting.outcome == "skipped"


def test_roles_without_care_are_refused(world, client):
    *_rest, engineer, _boss, _mine, _theirs = world
    client.force_login(engineer)
    assert client.get(reverse("staff:greeting_list")).status_code == 403
    assert client.get(reverse("staff:festival_list")).status_code == 403


def test_the_greetings_list_costs_constant_queries(world, client, django_assert_max_num_queries):
    _manager, sales, *_rest = world
    for n in range(10):
        contact_of(sales, f"联系人{n}", birthday=d(1980, 3, 3))
    Greeting.objects.all().delete()
    greetings_list_due()
    client.force_login(sales)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("staff:greeting_list"))
    assert page.content.decode().count('action="/staff/care/greetings/') == 11


def test_my_work_lists_the_greetings_due(world, client):
    _manager, sales, *_rest = world
    client.force_login(sales)
    page = english(client).get(reverse("complaints:my_work")).content.decode()
    assert "Greetings due" in page and "王芳的客户张总" in page and "李强的客户赵经理" not in page


def test_festivals_are_read_by_holders_and_edited_by_managers(world, client):
    manager, sales, *_rest, boss, _mine, _theirs = world
    client.force_login(manager)
    response = client.post(reverse("staff:festival_list"), {"year": "2027"})
    assert response.status_code == 302 and Festival.objects.filter(date__year=2027, name="春节").exists()
    festival = FestivalFactory(name="公司周年庆", date=d(2027, 8, 8))
    response = client.post(
        reverse("staff:festival_edit", args=[festival.pk]),
        {"name": "公司周年庆", "date": "2027-08-08", "greet_days_before": "40", "is_active": "on"},
    )
    assert response.status_code == 422
    client.force_login(boss)
    page = english(client).get(reverse("staff:festival_list"), {"year": "2027"}).content.decode()
    assert "公司周年庆" in page and "春节" in page
    assert client.get(reverse("staff:festival_create")).status_code == 403
    assert client.post(reverse("staff:festival_list"), {"year": "2028"}).status_code == 403


def test_the_customers_contacts_show_relationship_level_and_interests(world, client):
    _manager, sales, *_rest, mine, theirs = world
    client.force_login(sales)
    page = english(client).get(reverse("customers:contacts", args=[mine.customer_id])).content.decode()
    assert "Key account" in page and "钓鱼" in page
    other = contact_of(sales, "默认级别")
    page = english(client).get(reverse("customers:contacts", args=[other.customer_id])).content.decode()
    assert "(the customer's level)" in page


def test_a_contact_form_saves_relationship_and_interests(world, client):
    _manager, sales, *_rest, mine, _theirs = world
    user = UserFactory(username="clerk")
    user.groups.add(Group.objects.get(name="aftersales_manager"))
    client.force_login(user)
    url = reverse("customers:contact_edit", args=[mine.customer_id, mine.pk])
    data = {"name": mine.name, "phone": mine.phone, "relationship": "strategic", "interests": "围棋"}
    response = client.post(url, data)
    mine.refresh_from_db()
    assert response.status_code in (200, 302) and (mine.relationship, mine.interests) == ("strategic", "围棋")


def test_the_outcome_filter_names_greetings_still_to_do_not_a_due_date(world, client):
    _manager, sales, *_rest = world
    client.force_login(sales)
    page = english(client).get(reverse("staff:greeting_list")).content.decode()
    assert '<option value="due" selected>To greet</option>' in page


def test_a_contacts_birthday_in_the_future_is_refused_with_the_other_errors(world, client):
    _manager, sales, *_rest, mine, _theirs = world
    client.force_login(sales)
    url = reverse("customers:contact_edit", args=[mine.customer_id, mine.pk])
    data = {"name": mine.name, "phone": "", "email": "", "birthday": "2099-01-01", "relationship": "key"}
    page = english(client).post(url, data).content.decode()
    assert "A birthday cannot be in the future." in page and "Give a phone number or an e-mail address." in page
    mine.refresh_from_db()
    assert mine.birthday == d(1970, 3, 2)
