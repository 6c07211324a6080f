"""The supervision admin: units and checklist items kept by the quality group leader; checks shown read-only."""

import pytest
from django.urls import reverse

from aftersales import roles

from . import factories_supervision as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(role_user):
    user = role_user(roles.QUALITY_LEADER)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


def test_a_check_opens_read_only_with_its_scores_and_findings(client_for, leader):
    f.item(text="服务热线接听及时")
    check = f.check(checker=leader, unit=f.unit(name="莱阳服务站"))
    check.scores.update(score=7, remark="REMARK-7")
    f.finding(check, by=leader, text="FINDING-ADMIN")
    client = client_for(leader)
    page = client.get(reverse("admin:quality_supervisioncheck_change", args=[check.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "FINDING-ADMIN" in text and "REMARK-7" in text and "服务热线接听及时" in text
    assert 'name="findings-0-description"' not in text and 'name="_save"' not in text
    assert client.get(reverse("admin:quality_supervisioncheck_changelist")).status_code == 200


def test_units_and_items_are_kept_by_the_leader(client_for, leader):
    unit, item = f.unit(name="烟台服务站"), f.item(text="备件管理")
    client = client_for(leader)
    for url in (reverse("admin:quality_serviceunit_changelist"), reverse("admin:quality_checkitem_changelist")):
        assert client.get(url).status_code == 200
    for url in (
        reverse("admin:quality_serviceunit_change", args=[unit.pk]),
        reverse("admin:quality_checkitem_change", args=[item.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and 'name="_save"' in response.content.decode()
