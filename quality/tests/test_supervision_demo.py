"""The supervision demo: units, checklist, three months of checks, this month partly done, notices; added once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from ..models import CapaAction
from ..models.supervision import SITE_SURVEYS_PER_YEAR, CheckFinding, CheckItem, ServiceUnit, SupervisionCheck

pytestmark = pytest.mark.django_db
K = SupervisionCheck.Kind


@pytest.fixture(scope="module")
def output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        first, second = StringIO(), StringIO()
        call_command("seed_demo", stdout=first)
        count = SupervisionCheck.objects.count()
        call_command("seed_demo", stdout=second)
        yield {"first": first.getvalue(), "second": second.getvalue(), "count": count}
        transaction.set_rollback(True)


def test_units_items_and_three_months_of_completed_monthly_checks(output):
    assert ServiceUnit.objects.count() == 5 and CheckItem.objects.count() == 8
    completed = SupervisionCheck.objects.filter(kind=K.MONTHLY, state="completed")
    month = timezone.localdate().replace(day=1)
    assert completed.filter(period__lt=month).count() == 15
    assert len(set(completed.values_list("total_score", flat=True))) > 3


def test_this_month_is_partly_done_with_one_draft(output):
    month = timezone.localdate().replace(day=1)
    this_month = SupervisionCheck.objects.filter(kind=K.MONTHLY, period=month)
    assert this_month.count() == 3 and this_month.filter(state="draft").count() == 1


def test_two_site_surveys_one_short_of_the_target(output):
    year = timezone.localdate().year
    done = SupervisionCheck.objects.filter(kind=K.SITE_SURVEY, checked_on__year=year, state="completed").count()
    assert done == 2 == SITE_SURVEYS_PER_YEAR - 1


def test_two_notices_from_findings_one_replied_and_meetings_recorded(output):
    notices = CapaAction.objects.filter(supervision_finding__isnull=False)
    assert notices.count() == 2 and notices.filter(reply_received_at__isnull=False).count() == 1
    assert CheckFinding.objects.count() > 2
    assert SupervisionCheck.objects.exclude(meeting_held_on=None).count() >= 10


def test_second_run_adds_nothing(output):
    assert SupervisionCheck.objects.count() == output["count"]
    assert "Supervision: 5 units" in output["first"]
    assert "checks already there, nothing added" in output["second"]
