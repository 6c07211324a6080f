"""Department tasks go to active staff of the responsible department whose role opens quality sheets."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from aftersales import roles

from .. import services
from ..models import DepartmentTask, QualitySheet
from .builders import in_days, reloaded, sheet_at
from .factories import QualitySheetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user):
    """Return people of the production department (生产部), fit and unfit to own its tasks."""
    return {
        "engineer": make_user(roles.AFTERSALES_ENGINEER, username="prod_engineer", department="生产部"),
        "quality": make_user(roles.QUALITY_ENGINEER, username="prod_quality", department="生产部"),
        "management": make_user(roles.MANAGEMENT, username="prod_director", department="生产部"),
        "sales": make_user(roles.SALES, username="prod_sales", department="生产部"),
        "warehouse": make_user(roles.WAREHOUSE_KEEPER, username="prod_store", department="生产部"),
        "admin": make_user(username="prod_admin", department="生产部", is_superuser=True),
        "left": make_user(roles.AFTERSALES_ENGINEER, username="prod_left", department="生产部", is_active=False),
        "other_department": make_user(roles.QUALITY_ENGINEER, username="tech_quality", department="技术部"),
    }


def _distribute_form(client, sheet) -> str:
    page = client.get(sheet.get_absolute_url()).content.decode()
    return page.split('name="distribute-tasks-0-owner"')[1].split("</select>")[0]


def test_the_owner_list_offers_only_fit_staff_grouped_by_department(client_for, people, staff):
    sheet = QualitySheetFactory(state=QualitySheet.State.AWAITING_APPROVAL, approved=True)

    options = _distribute_form(client_for(people.clerk), sheet)

    assert '<optgroup label="生产部">' in options and '<optgroup label="技术部">' in options
    for fit in ("engineer", "quality", "other_department"):
        assert f'value="{staff[fit].pk}"' in options, fit
    for unfit in ("management", "sales", "warehouse", "admin", "left"):
        assert f'value="{staff[unfit].pk}"' not in options, unfit


def test_the_form_refuses_staff_of_another_department_and_reports_every_error_at_once(client_for, people, staff):
    sheet = QualitySheetFactory(state=QualitySheet.State.AWAITING_APPROVAL, approved=True)
    client = client_for(people.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {
        "distribute-tasks-TOTAL_FORMS": "1",
        "distribute-tasks-INITIAL_FORMS": "0",
        "distribute-tasks-MIN_NUM_FORMS": "0",
        "distribute-tasks-MAX_NUM_FORMS": "20",
        "distribute-tasks-0-department": "生产部",
        "distribute-tasks-0-owner": staff["other_department"].pk,
        "distribute-tasks-0-requirement": "",
        "distribute-tasks-0-due_date": in_days(5),
    }

    response = client.post(reverse("quality:sheet_distribute", args=[sheet.number]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert f"{staff['other_department']} is not staff of 生产部 (their department: 技术部)." in page
    assert "This field is required." in page  # the missing requirement, in the same answer
    assert not DepartmentTask.objects.exists() and reloaded(sheet).state == QualitySheet.State.AWAITING_APPROVAL


@pytest.mark.parametrize("unfit", ["management", "sales", "warehouse", "admin", "left", "other_department"])
def test_the_service_refuses_an_owner_who_cannot_own_the_departments_task(people, staff, unfit):
    sheet = sheet_at(people, QualitySheet.State.AWAITING_APPROVAL, approved=True)
    task = {"department": "生产部", "owner": staff[unfit], "requirement": "复检库存", "due_date": in_days(5)}

    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.sheet_distribute(actor=people.clerk, sheet=sheet, tasks=[task])

    assert error.value.code == "owner"
    assert f"{staff[unfit]} cannot own the task of 生产部" in error.value.messages[0]
    assert not DepartmentTask.objects.exists() and reloaded(sheet).state == QualitySheet.State.AWAITING_APPROVAL


@pytest.mark.parametrize("fit", ["engineer", "quality"])
def test_the_service_gives_the_task_to_fit_staff_of_the_department(people, staff, fit):
    sheet = sheet_at(people, QualitySheet.State.AWAITING_APPROVAL, approved=True)
    task = {"department": "生产部", "owner": staff[fit], "requirement": "复检库存", "due_date": in_days(5)}

    services.sheet_distribute(actor=people.clerk, sheet=sheet, tasks=[task])

    assert DepartmentTask.objects.get().owner == staff[fit]
    assert reloaded(sheet).state == QualitySheet.State.DISTRIBUTED
