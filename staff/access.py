"""Whose staff records a user may read: their own, their team's (people whose supervisor they are), or everyone's.

Every staff selector, page, print and export scopes its rows with :func:`people_visible_to` or
checks one person with :func:`can_see_person`; a salesperson never reads a colleague's
rating, scorecard, exam score or reward.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet


def sees_everyone(user) -> bool:
    return user.is_active and user.has_perm("staff.view_all_staff")


def team_of(user) -> QuerySet:
    """Return the active users whose supervisor is ``user``."""
    return get_user_model().objects.filter(is_active=True, staff_profile__supervisor=user)


def people_visible_to(user) -> QuerySet:
    """Return the users whose staff records ``user`` may read: themselves, their team, or all."""
    User = get_user_model()
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if sees_everyone(user):
        return User.objects.filter(is_active=True)
    return User.objects.filter(Q(pk=user.pk) | Q(staff_profile__supervisor=user, is_active=True))


def service_staff_visible_to(user) -> QuerySet:
    """Return the rated service staff ``user`` may read (the team scorecard's rows), by name."""
    return (
        people_visible_to(user)
        .filter(staff_profile__is_rated=True)
        .select_related("staff_profile")
        .order_by("last_name", "first_name", "username")
    )


def can_see_person(user, person) -> bool:
    if person is None or not user.is_authenticated:
        return False
    if person.pk == user.pk or sees_everyone(user):
        return True
    return team_of(user).filter(pk=person.pk).exists()


def can_rate(user, person) -> bool:
    """A manager rates the members of their team; one who sees everyone rates anyone; nobody rates themselves."""
    if person is None or person.pk == user.pk or not user.has_perm("staff.rate_staff"):
        return False
    if sees_everyone(user):
        return True
    return team_of(user).filter(pk=person.pk).exists()
