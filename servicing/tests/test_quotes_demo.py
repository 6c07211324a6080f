"""The demo seeds an accepted, a sent and a refused quote and some claim costs, once."""

from io import StringIO

import pytest
from django.core.management import call_command

from complaints.models import Complaint

from ..models import ClaimCost, Quote

pytestmark = pytest.mark.django_db


def test_demo_has_one_quote_in_each_answer_state_and_reruns_add_nothing(settings):
    settings.SETTINGS_MODULE = "aftersales.settings.test"
    call_command("seed_demo", stdout=StringIO())
    states = set(Quote.objects.values_list("state", flat=True))
    assert states == {"accepted", "refused", "sent"}
    # Every out-of-warranty complaint past approval went there on an accepted quote.
    past_approval = Complaint.objects.filter(warranty_status="out", state__in=["rectifying", "closed"])
    assert past_approval.exists()
    assert not past_approval.exclude(quotes__state="accepted").exists()
    assert ClaimCost.objects.count() >= 3
    count = Quote.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Quote.objects.count() == count
