"""Logging in and out, the language switch, the lock after failed attempts, and each role's menu."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from aftersales import roles

PASSWORD = "pass-1234"  # set by UserFactory
NO_LEDGER = {roles.WAREHOUSE_KEEPER, roles.PURCHASING}


@pytest.fixture
def user(make_user):
    return make_user(roles.SALES, username="zhangsan")


def _log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _logged_in(client):
    return "_auth_user_id" in client.session


# Language.


def test_login_page_is_in_chinese_even_for_an_english_browser(client):
    response = client.get(reverse("login"), headers={"Accept-Language": "en-US,en;q=0.9"})

    page = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in page
    assert "登录" in page
    assert "用户名" in page  # the form's label, from Django's own catalogue


def test_switching_to_english_serves_english_pages(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")

    page = client.get(reverse("login")).content.decode()

    assert '<html lang="en">' in page
    assert "Username" in page
    assert "Log in" in page
    assert "用户名" not in page


def test_switching_back_to_chinese(client):
    client.post(reverse("set_language"), {"language": "en"})
    client.post(reverse("set_language"), {"language": "zh-hans"})

    assert "用户名" in client.get(reverse("login")).content.decode()


def test_unknown_language_falls_back_to_chinese(client):
    client.cookies["django_language"] = "fr"

    assert client.get(reverse("login"))["Content-Language"] == "zh-hans"


# Logging in and out.


def test_start_page_needs_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_login_with_the_right_password_opens_the_start_page(client, user):
    response = _log_in(client, "zhangsan", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_login_returns_to_the_page_asked_for(client, user):
    response = client.post(
        reverse("login"), {"username": "zhangsan", "password": PASSWORD, "next": reverse("customers:list")}
    )

    assert response["Location"] == reverse("customers:list")


def test_login_with_a_wrong_password_is_refused(client, user):
    response = _log_in(client, "zhangsan", "wrong")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not _logged_in(client)


def test_five_failed_logins_lock_the_account(client, user):
    for _ in range(4):
        assert _log_in(client, "zhangsan", "wrong").status_code == 200

    fifth = _log_in(client, "zhangsan", "wrong")
    right = _log_in(client, "zhangsan", PASSWORD)

    assert fifth.status_code == right.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in right.templates]
    assert not _logged_in(client)


def test_four_failed_logins_do_not_lock_the_account(client, user):
    for _ in range(4):
        _log_in(client, "zhangsan", "wrong")

    assert _log_in(client, "zhangsan", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_lock_applies_to_the_user_name_from_that_address_only(client, user):
    for _ in range(5):
        _log_in(client, "zhangsan", "wrong")

    response = _log_in(client, "zhangsan", PASSWORD, REMOTE_ADDR="10.0.0.9")

    assert response.status_code == 302


PROXY = {"REMOTE_ADDR": "127.0.0.1"}  # nginx on the same machine


def _log_in_via_proxy(client, username, password, forwarded_for):
    return _log_in(client, username, password, HTTP_X_FORWARDED_FOR=forwarded_for, **PROXY)


def test_behind_the_proxy_an_attacker_cannot_lock_out_a_user_who_logs_in_elsewhere(client, make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(roles.SALES, username="alice")
    for _ in range(5):
        _log_in_via_proxy(client, "alice", "wrong", "203.0.113.9")

    alice = Client()
    response = _log_in_via_proxy(alice, "alice", PASSWORD, "198.51.100.7")
    attacker = _log_in_via_proxy(client, "alice", PASSWORD, "203.0.113.9")

    assert response.status_code == 302
    assert _logged_in(alice)
    assert attacker.status_code == 429
    assert not _logged_in(client)


def test_behind_the_proxy_addresses_the_client_wrote_itself_are_ignored(client, make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(roles.SALES, username="alice")
    for number in range(5):
        # nginx appends the address it saw; what the attacker sent stays on the left
        _log_in_via_proxy(client, "alice", "wrong", f"192.0.2.{number}, 203.0.113.9")

    response = _log_in_via_proxy(client, "alice", PASSWORD, "192.0.2.77, 203.0.113.9")

    assert response.status_code == 429
    assert not _logged_in(client)


def test_forwarded_for_is_ignored_when_no_proxy_is_trusted(client, make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    make_user(roles.SALES, username="alice")
    for number in range(5):
        _log_in_via_proxy(client, "alice", "wrong", f"203.0.113.{number}")

    response = _log_in_via_proxy(client, "alice", PASSWORD, "198.51.100.7")

    assert response.status_code == 429
    assert not _logged_in(client)


def test_logout_by_get_is_refused(client, user):
    client.force_login(user)

    assert client.get(reverse("logout")).status_code == 405
    assert _logged_in(client)


def test_logout_by_post_ends_the_session(client, user):
    client.force_login(user)

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("login")
    assert not _logged_in(client)
    assert client.get(reverse("home")).status_code == 302


# Password.


def test_password_change_needs_login(client):
    assert client.get(reverse("password_change")).status_code == 302


def test_password_change_keeps_the_user_logged_in_with_the_new_password(client, user):
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Qiche-Shouhou-2026", "new_password2": "Qiche-Shouhou-2026"},
    )

    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("Qiche-Shouhou-2026")
    assert client.get(reverse("password_change_done")).status_code == 200


def test_password_change_with_a_wrong_old_password_is_refused(client, user):
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "Qiche-Shouhou-2026", "new_password2": "Qiche-Shouhou-2026"},
    )

    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# Navigation.


@pytest.mark.parametrize("role", roles.ALL)
def test_navigation_shows_the_ledger_only_to_roles_that_may_read_it(client_for, role):
    page = client_for(role).get(reverse("home")).content.decode()

    assert ('data-testid="nav-customers"' in page) is (role not in NO_LEDGER)
    assert 'data-testid="nav-admin"' not in page


def test_navigation_shows_administration_to_staff(client_for, make_user):
    page = client_for(make_user(roles.QUALITY_CLERK, is_staff=True)).get(reverse("home")).content.decode()

    assert 'data-testid="nav-admin"' in page
    assert 'data-testid="nav-customers"' in page


def test_user_without_a_role_sees_no_work_area(client_for, make_user):
    page = client_for(make_user()).get(reverse("home")).content.decode()

    assert 'data-testid="nav-customers"' not in page
    assert 'data-testid="nav-admin"' not in page


def test_user_menu_lists_the_users_roles(client_for, make_user):
    user = make_user(roles.SALES, roles.AFTERSALES_ENGINEER)

    response = client_for(user).get(reverse("home"))

    with translation.override("zh-hans"):
        expected = [str(roles.LABELS[roles.SALES]), str(roles.LABELS[roles.AFTERSALES_ENGINEER])]
    assert response.context["user_role_labels"] == expected
