"""My work after the 20th names the units without this month's check; the start card counts the site surveys."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from aftersales import roles
from aftersales.tests.pages import english

from ..models.supervision import SupervisionCheck
from . import factories_supervision as f

pytestmark = pytest.mark.django_db


def test_units_without_a_check_show_after_the_twentieth_only(client_for, role_user):
    leader = role_user(roles.QUALITY_LEADER)
    checked, unchecked = f.unit(name="已查站"), f.unit(name="未查站")
    with time_machine.travel(date(2026, 11, 25), tick=False):
        f.check(
            checker=leader, unit=checked, period=date(2026, 11, 1), checked_on=date(2026, 11, 10), state="completed"
        )
        page = english(client_for(leader)).get(reverse("complaints:my_work")).content.decode()
        assert "未查站" in page.split('data-testid="unchecked-units"')[1].split("</ul>")[0]
        assert "已查站" not in page.split('data-testid="unchecked-units"')[1].split("</ul>")[0]
    with time_machine.travel(date(2026, 11, 15), tick=False):
        page = english(client_for(leader)).get(reverse("complaints:my_work")).content.decode()
        assert 'data-testid="unchecked-units"' not in page
        assert unchecked.name not in page


def test_start_card_counts_site_surveys_against_three(client_for, role_user):
    leader = role_user(roles.QUALITY_LEADER)
    with time_machine.travel(date(2026, 11, 25), tick=False):
        f.check(
            checker=leader,
            unit=f.unit(),
            kind=SupervisionCheck.Kind.SITE_SURVEY,
            checked_on=date(2026, 3, 2),
            state="completed",
        )
        page = english(client_for(roles.QUALITY_CLERK)).get(reverse("home")).content.decode()
        card = page.split('data-testid="site-survey-card"')[1].split("</div></div></div>")[0]
        assert "<strong>1</strong> / 3" in card and "2 more surveys needed in 2026." in card
        assert 'data-testid="site-survey-card"' not in client_for(roles.SALES).get(reverse("home")).content.decode()
