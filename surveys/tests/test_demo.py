"""The demo surveys: last year's concluded campaign with its finding, this year's open one; once."""

import io

import pytest
import time_machine
from django.core.management.base import OutputWrapper
from django.core.management.color import no_style

from aftersales.demo import seed as seed_users
from aftersales.models import Notification
from customers.demo import seed as seed_customers
from quality.models import CapaAction, CapaSource
from surveys.demo import seed as seed_surveys
from surveys.models import Campaign, Finding, Questionnaire

pytestmark = pytest.mark.django_db


def _seed(out):
    seed_surveys(stdout=out, style=no_style())


@time_machine.travel("2026-12-03 10:00 +0800", tick=False)
def test_demo_concludes_last_year_and_opens_this_year_once():
    out = OutputWrapper(io.StringIO())
    seed_users(stdout=out, style=no_style())
    seed_customers(stdout=out, style=no_style())
    _seed(out)

    last, this = Campaign.objects.order_by("year")
    assert (last.year, last.state, str(last.opens_on), str(last.closes_on)) == (
        2025,
        "concluded",
        "2025-12-01",
        "2025-12-31",
    )
    answered = last.responses.submitted().count()
    assert answered >= 75 and answered >= last.target_answers
    assert last.results["answered"] == answered and last.report.name
    assert last.concluded_at.year == 2026 and last.concluded_at.month == 1
    finding = Finding.objects.get(campaign=last)
    assert finding.capa.source == CapaSource.SURVEY and finding.capa.state == CapaAction.State.OPEN

    assert (this.year, this.state, str(this.opens_on)) == (2026, "open", "2026-12-01")
    assert this.responses.submitted().count() == 17
    assert this.responses.filter(started_at__isnull=False, submitted_at__isnull=True).count() == 5
    invited = this.responses.filter(invited_at__isnull=False).count()
    assert invited and Notification.objects.filter(kind="surveys.invitation").count() == invited
    first, second = Questionnaire.objects.order_by("version")
    assert (last.questionnaire, this.questionnaire) == (first, second) and first.is_frozen and second.is_frozen
    assert second.questions.count() == first.questions.count() + 1

    before = (Campaign.objects.count(), Notification.objects.count(), CapaAction.objects.count())
    _seed(out)
    assert (Campaign.objects.count(), Notification.objects.count(), CapaAction.objects.count()) == before
