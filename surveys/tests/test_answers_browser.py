"""In a real browser, phone-sized: a customer opens the personal link, saves, comes back, submits, is thanked."""

import pytest
from django.utils import timezone

from customers.models import CustomerTier

from ..models import Answer, Response
from .factories_answers import CampaignFactory, ResponseFactory, full_questionnaire

pytestmark = pytest.mark.browser


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_a_customer_answers_from_the_link_on_a_phone(browser_page, settings):
    page, base_url = browser_page
    settings.COMPANY_NAME = "江苏华电开关有限公司"
    today = timezone.localdate()
    questionnaire, asked = full_questionnaire()
    campaign = CampaignFactory(questionnaire=questionnaire, opens_on=today, closes_on=today, name="年度满意度调查")
    # A transactional test may find the seeded tiers flushed by an earlier one.
    tier, _created = CustomerTier.objects.get_or_create(code="B", defaults={"name": "B"})
    response = ResponseFactory(campaign=campaign, customer__tier=tier)
    page.set_viewport_size({"width": 390, "height": 844})
    link = f"{base_url}/s/{response.token}/"

    page.goto(link)
    assert "江苏华电开关有限公司" in page.inner_text("[data-testid=company-name]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.click(f"label[for=id_q{asked['scale'].pk}_1]")  # the second level: 4
    page.fill(f"#id_q{asked['text'].pk}", "希望备件更快到货")
    click_and_wait(page, "[data-testid=save]")
    assert page.locator("[data-testid=message]").count() == 1

    page.goto("about:blank")
    page.goto(link)
    assert page.input_value(f"#id_q{asked['text'].pk}") == "希望备件更快到货"
    assert page.is_checked(f"#id_q{asked['scale'].pk}_1")
    click_and_wait(page, "[data-testid=submit]")
    assert page.locator("[data-testid=question-error]").count() == 3

    page.click(f"label[for=id_q{asked['single'].pk}_0]")
    page.click(f"label[for=id_q{asked['multiple'].pk}_2]")
    page.click(f"label[for=id_q{asked['nps'].pk}_9]")
    click_and_wait(page, "[data-testid=submit]")
    assert "衷心感谢您的支持" in page.inner_text("[data-testid=thank-you]")

    response = Response.objects.get(pk=response.pk)
    assert response.is_submitted and response.channel == "online"
    assert Answer.objects.get(response=response, question=asked["scale"]).score == 4
    assert Answer.objects.get(response=response, question=asked["nps"]).score == 9
