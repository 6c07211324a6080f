"""Fixtures of the complaint tests: the people around a complaint, their customer, private media."""

from types import SimpleNamespace

import pytest

from aftersales import roles
from aftersales.storage import private_storage
from customers.tests.factories import CustomerFactory

from ..models import Attachment


@pytest.fixture
def private_media(settings, tmp_path, monkeypatch):
    """Point PRIVATE_MEDIA_ROOT at a temporary folder and return it.

    The attachment field built its storage when the model loaded, so it is rebuilt here.
    """
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", private_storage())
    return tmp_path


@pytest.fixture
def people(make_user, role_user):
    """Return one user per role, a second engineer and salesperson, two department heads."""
    return SimpleNamespace(
        sales=role_user(roles.SALES),
        other_sales=make_user(roles.SALES, username="other_sales"),
        engineer=role_user(roles.AFTERSALES_ENGINEER),
        other_engineer=make_user(roles.AFTERSALES_ENGINEER, username="other_engineer"),
        manager=role_user(roles.AFTERSALES_MANAGER),
        second_manager=make_user(roles.AFTERSALES_MANAGER, username="second_manager"),
        gm=role_user(roles.GENERAL_MANAGER),
        leader=role_user(roles.QUALITY_LEADER),
        head=make_user(username="head", is_department_head=True),
        deputy_head=make_user(roles.MANAGEMENT, username="deputy_head", is_department_head=True),
    )


@pytest.fixture
def customer(people):
    """Return a customer of the sales user."""
    return CustomerFactory(salesperson=people.sales)
