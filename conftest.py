"""Fixtures shared by every app's tests: one user per role, a logged-in client per role."""

import os

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from aftersales import roles
from aftersales.tests.factories import UserFactory


@pytest.fixture
def make_user(db):
    """Return a function that creates a user holding the given roles."""

    def make(*role_codes, **kwargs):
        user = UserFactory(**kwargs)
        if role_codes:
            user.groups.add(*Group.objects.filter(name__in=role_codes))
        return user

    return make


@pytest.fixture
def role_user(make_user):
    """Return a function giving one cached user per role code."""
    cache = {}

    def get(code):
        if code not in cache:
            cache[code] = make_user(code, username=f"{code}_user")
        return cache[code]

    return get


@pytest.fixture
def client_for(client, role_user):
    """Return a function giving a test client logged in as the user of a role."""
    from django.test import Client

    def get(code_or_user):
        user = role_user(code_or_user) if isinstance(code_or_user, str) else code_or_user
        c = Client()
        c.force_login(user)
        return c

    return get


@pytest.fixture
def sales_user(role_user):
    return role_user(roles.SALES)


@pytest.fixture(autouse=True)
def _english_off(settings):
    """Keep the default language: tests read Chinese pages unless they switch."""
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with empty caches: no session, permissions or rendered menu of an earlier test."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords and connection.vendor != "postgresql":
            item.add_marker(skip)
        if _is_transactional(item):
            # A transactional test empties every table when it ends, including the
            # roles, tiers, SLA policies and calendar that migrations seed; restore them.
            marker = item.get_closest_marker("django_db")
            kwargs = {**(marker.kwargs if marker else {}), "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    fixtures = getattr(item, "fixturenames", ())
    return "transactional_db" in fixtures or "live_server" in fixtures


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def browser_page(live_server, transactional_db):
    """Return a Playwright page in the system's headless Chromium and the server's URL.

    Skips when Chromium is not installed (`apt-get install chromium`); no browser is
    ever downloaded.
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="en-US", viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(15000)
        # Chromium reports each thing the Content-Security-Policy refused on the console.
        refused = []
        page.on(
            "console",
            lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
        )
        try:
            yield page, live_server.url
        finally:
            context.close()
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        assert not refused, f"the Content-Security-Policy refused: {refused}"


def browser_login(page, base_url, username, password="pass-1234"):
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")
