"""End to end in a real browser: the quality group leader concludes a campaign below its target,
giving the reason, and turns a finding into a corrective action that links back to the campaign."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from aftersales.tests.factories import UserFactory
from conftest import browser_login

from ..models import Finding
from . import factories_results as f

pytestmark = pytest.mark.browser


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_leader_concludes_below_target_and_opens_an_action(browser_page, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    page, base_url = browser_page
    leader = UserFactory(username="survey_leader")
    leader.groups.add(Group.objects.get(name="quality_leader"))
    owner = UserFactory(username="survey_owner")
    owner.groups.add(Group.objects.get(name="quality_engineer"))
    c = f.campaign(target=50)
    f.response(c, scores=(2, 4), comment="到场太慢")
    f.response(c, scores=(5, 5))

    browser_login(page, base_url, leader.username)
    page.goto(f"{base_url}/surveys/campaigns/{c.pk}/results/")
    assert "到场太慢" in page.inner_text("[data-testid=comments]")
    click_and_wait(page, "[data-testid=conclude-link]")
    assert page.is_visible("[data-testid=below-target]")
    page.fill("#id_summary", "整体满意，及时性需改进")
    click_and_wait(page, "[data-testid=submit-conclude]")
    assert page.is_visible("#id_reason.is-invalid")
    assert page.input_value("#id_summary") == "整体满意，及时性需改进"
    page.fill("#id_reason", "12月客户集中检修，回收不足")
    click_and_wait(page, "[data-testid=submit-conclude]")
    assert page.is_visible("[data-testid=frozen]")
    assert "12月客户集中检修" in page.inner_text("[data-testid=shortfall]")

    click_and_wait(page, f"[data-testid=finding-{c.q.timely.pk}]")
    assert page.input_value("#id_problem") == "到场及时性"
    page.fill("#id_planned_action", "华东增设服务站")
    page.select_option("#id_owner", str(owner.pk))
    page.fill("#id_department", "售后服务部")
    page.fill("#id_due_date", (timezone.localdate() + datetime.timedelta(days=30)).isoformat())
    click_and_wait(page, "[data-testid=submit-finding]")
    action = Finding.objects.get().capa
    page.goto(f"{base_url}{action.get_absolute_url()}")
    click_and_wait(page, "[data-testid=capa-survey-link] a")
    assert page.url.endswith(f"/surveys/campaigns/{c.pk}/results/")
