"""The cached main menu is never someone else's or stale; the filter form above the list says what was asked."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from aftersales import roles
from aftersales.tests.pages import english

pytestmark = pytest.mark.django_db


def _menu(page: str) -> str:
    """Return the main menu's list, dropdown lists included."""
    rest = page.split('<ul class="navbar-nav me-auto">')[1]
    depth, position = 1, 0
    while depth:
        opening, closing = rest.find("<ul", position), rest.find("</ul>", position)
        if opening != -1 and opening < closing:
            depth, position = depth + 1, opening + 3
        else:
            depth, position = depth - 1, closing + 5
    return rest[: position - 5]


def test_each_user_sees_the_menu_of_their_own_roles_from_a_warm_cache(client_for):
    pages = {}
    for _round in range(2):  # the second round is served from the cache
        for role in (roles.AFTERSALES_MANAGER, roles.SALES, roles.QUALITY_LEADER, roles.QUALITY_CLERK):
            pages.setdefault(role, []).append(_menu(client_for(role).get(reverse("complaints:list")).content.decode()))

    for role, (first, second) in pages.items():
        assert first == second, role
    assert 'data-testid="nav-my-work"' in pages[roles.AFTERSALES_MANAGER][0]
    assert 'data-testid="nav-new-complaint"' in pages[roles.SALES][0]
    assert 'data-testid="nav-quality"' in pages[roles.QUALITY_LEADER][0]
    assert 'data-testid="nav-my-work"' not in pages[roles.QUALITY_LEADER][0]
    assert 'data-testid="nav-new-complaint"' not in pages[roles.QUALITY_LEADER][0]


def test_a_role_given_or_taken_shows_in_the_menu_at_once(client_for, make_user):
    user = make_user(roles.WAREHOUSE_KEEPER)
    client = client_for(user)
    assert 'data-testid="nav-quality"' not in _menu(client.get(reverse("home")).content.decode())

    user.groups.add(Group.objects.get(name=roles.QUALITY_LEADER))
    assert 'data-testid="nav-quality"' in _menu(client.get(reverse("home")).content.decode())

    user.groups.remove(Group.objects.get(name=roles.QUALITY_LEADER))
    assert 'data-testid="nav-quality"' not in _menu(client.get(reverse("home")).content.decode())


def test_the_menu_marks_the_page_it_is_on_and_speaks_the_users_language(client_for):
    client = client_for(roles.AFTERSALES_MANAGER)
    on_list = _menu(client.get(reverse("complaints:list")).content.decode())
    on_mine = _menu(client.get(reverse("complaints:my_work")).content.decode())
    in_english = _menu(english(client).get(reverse("complaints:list")).content.decode())

    assert 'class="nav-link active" href="/complaints/"' in on_list
    assert 'class="nav-link active" href="/complaints/mine/"' in on_mine
    assert 'class="nav-link" href="/complaints/"' in on_mine
    assert "投诉" in on_list and ">Complaints<" in in_english and "投诉" not in in_english


def _filter_form(page: str) -> str:
    return page.split('<form method="get"')[1].split("</form>")[0]


def test_the_filter_form_keeps_what_was_asked_and_says_it_in_the_users_language(client_for):
    client = client_for(roles.AFTERSALES_MANAGER)
    url = reverse("complaints:list")

    plain = _filter_form(client.get(url).content.decode())
    major = _filter_form(client.get(url, {"severity": "major", "q": "KYN"}).content.decode())
    plain_again = _filter_form(client.get(url).content.decode())
    major_english = _filter_form(english(client).get(url, {"severity": "major", "q": "KYN"}).content.decode())

    assert plain == plain_again
    assert '<option value="major" selected>' in major and 'value="KYN"' in major
    assert '<option value="major">' in plain
    assert "Search" in major_english and '<option value="major" selected>' in major_english


def test_a_chosen_assignee_is_named_as_they_are_now(client_for, make_user):
    client = client_for(roles.AFTERSALES_MANAGER)
    engineer = make_user(roles.AFTERSALES_ENGINEER, first_name="伟", last_name="张")
    url = reverse("complaints:list")

    assert "张伟" in _filter_form(client.get(url, {"assignee": engineer.pk}).content.decode())
    engineer.last_name, engineer.first_name = "李", "娜"
    engineer.save()

    renamed = _filter_form(client.get(url, {"assignee": engineer.pk}).content.decode())
    assert "李娜" in renamed and "张伟" not in renamed


def test_a_refused_filter_shows_its_error_and_a_good_one_does_not_inherit_it(client_for):
    client = client_for(roles.AFTERSALES_MANAGER)
    url = reverse("complaints:list")

    refused = _filter_form(client.get(url, {"received_from": "2026-13-45"}).content.decode())
    fine = _filter_form(client.get(url, {"received_from": "2026-11-01"}).content.decode())
    refused_again = _filter_form(client.get(url, {"received_from": "2026-13-45"}).content.decode())

    assert 'class="text-danger small"' in refused and refused == refused_again
    assert 'class="text-danger small"' not in fine and 'value="2026-11-01"' in fine
