"""End to end in a real browser: a manager rates a member of their team on the six hearts and
opens the member's scorecard, where the rating's score stands for the month."""

import re

import pytest

from conftest import browser_login

from ..models import SixHeartsRating
from ..periods import MONTH, Period
from .factories import member

pytestmark = pytest.mark.browser

SCORES = {"confidence": 4, "warmth": 4, "dedication": 5, "patience": 5, "sincerity": 4, "carefulness": 3}


def click_and_wait(page, selector):
    with page.expect_navigation():
        page.click(selector)


def test_manager_rates_a_member_and_opens_the_scorecard(browser_page):
    page, base_url = browser_page
    manager = member("browser_manager", "aftersales_manager", rated=False, last_name="刘", first_name="洋")
    engineer = member("browser_engineer", "aftersales_engineer", supervisor=manager, last_name="张", first_name="伟")
    month = Period.last_completed(MONTH)

    browser_login(page, base_url, manager.username)
    page.goto(f"{base_url}/staff/ratings/")
    assert month.label in page.inner_text("[data-testid=period]")
    click_and_wait(page, f"[data-testid=rate-{engineer.username}]")

    # Submitted with one heart left out: every error at once, nothing typed is lost.
    for field, score in SCORES.items():
        if field != "carefulness":
            page.check(f"input[name={field}][value='{score}']")
    page.fill("textarea[name=remarks]", "耐心细致，回访客户满意")
    click_and_wait(page, "[data-testid=rating-form] button[type=submit]")
    assert page.is_visible("[data-testid=heart-carefulness] .text-danger")
    assert page.input_value("textarea[name=remarks]") == "耐心细致，回访客户满意"
    assert page.is_checked("input[name=patience][value='5']")
    assert not SixHeartsRating.objects.exists()

    page.check("input[name=carefulness][value='3']")
    click_and_wait(page, "[data-testid=rating-form] button[type=submit]")
    rating = SixHeartsRating.objects.get(person=engineer)
    assert str(rating.score) == "4.17"  # (4 + 4 + 5 + 5 + 4 + 3) / 6, no follow-up calls in the month
    assert "耐心细致" in page.inner_text("[data-testid=remarks]")
    assert "张伟" in page.inner_text("[data-testid=waiting-on]")

    page.goto(f"{base_url}/staff/people/{engineer.pk}/")
    click_and_wait(page, "[data-testid=person-links] a[href*=scorecard]")
    assert "张伟" in page.inner_text("[data-testid=scorecard-title]")
    hearts_row = page.locator(
        "[data-testid=scorecard] tr", has_text=re.compile("Six-hearts score|六心评分")
    )  # the page may be in either language
    assert hearts_row.locator("[data-testid=now]").inner_text().strip() == "4.17"
