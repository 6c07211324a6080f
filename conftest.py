"""Fixtures shared by every app's tests: one user per role, a logged-in client per role."""

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


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
