"""Factories shared by the staff tests: members of a service team with a supervisor."""

from django.contrib.auth.models import Group

from aftersales.tests.factories import UserFactory

from ..models import StaffProfile


def member(username: str, *role_codes: str, supervisor=None, rated: bool = True, **fields):
    """Return an active user holding ``role_codes``, on the service staff under ``supervisor``."""
    user = UserFactory(username=username, **fields)
    if role_codes:
        user.groups.add(*Group.objects.filter(name__in=role_codes))
    StaffProfile.objects.create(user=user, supervisor=supervisor, is_rated=rated)
    return user


def team(prefix: str = "t"):
    """Return (manager, salesperson, second salesperson, engineer, management): a team of three under a manager."""
    manager = member(f"{prefix}_manager", "aftersales_manager", rated=False)
    sales = member(f"{prefix}_sales", "sales", supervisor=manager, last_name="王", first_name="芳")
    sales2 = member(f"{prefix}_sales2", "sales", supervisor=manager, last_name="李", first_name="强")
    engineer = member(f"{prefix}_engineer", "aftersales_engineer", supervisor=manager, last_name="张", first_name="伟")
    boss = UserFactory(username=f"{prefix}_management")
    boss.groups.add(Group.objects.get(name="management"))
    return manager, sales, sales2, engineer, boss
