"""The admin shows ratings and corrections read only; staff profiles are edited by holders of the permission."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from aftersales.tests.factories import UserFactory

from ..models import RatingCorrection
from ..services.ratings import rating_correct
from . import factories_ratings as f
from .factories import team

pytestmark = pytest.mark.django_db


def test_ratings_and_corrections_cannot_be_added_changed_or_deleted_in_the_admin():
    manager, sales, *_ = team()
    rating = f.rating(manager, sales)
    rating_correct(actor=manager, rating=rating, scores=f.scores(), reason="复核")
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("admin:staff_sixheartsrating_add")).status_code == 403
    page = client.get(reverse("admin:staff_sixheartsrating_change", args=[rating.pk])).content.decode()
    assert 'name="_save"' not in page and "复核" in page
    assert (
        client.post(reverse("admin:staff_sixheartsrating_delete", args=[rating.pk]), {"post": "yes"}).status_code == 403
    )
    correction = RatingCorrection.objects.get()
    assert client.get(reverse("admin:staff_ratingcorrection_add")).status_code == 403
    assert client.get(reverse("admin:staff_ratingcorrection_change", args=[correction.pk])).status_code == 200


def test_an_aftersales_manager_edits_a_staff_profile_in_the_admin():
    manager, sales, *_ = team()
    manager.is_staff = True
    manager.save()
    client = Client()
    client.force_login(manager)
    profile = sales.staff_profile
    url = reverse("admin:staff_staffprofile_change", args=[profile.pk])
    data = {
        "user": sales.pk,
        "employee_number": "KF-9",
        "position": "客服主管",
        "supervisor": manager.pk,
        "is_rated": "",
    }
    assert client.post(url, data).status_code == 302
    profile.refresh_from_db()
    assert (profile.position, profile.is_rated) == ("客服主管", False)
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.groups.add(Group.objects.get(name="quality_clerk"))
    other = Client()
    other.force_login(clerk)
    assert other.post(url, {**data, "position": "x"}).status_code == 403
