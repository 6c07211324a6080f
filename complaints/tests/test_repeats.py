"""A complaint on a unit its customer complained about in the last 90 days is a repeat complaint."""

import datetime

from django.urls import reverse
from django.utils import timezone

from aftersales.tests.pages import english

from .. import services
from ..models import Complaint


def _receive(people, customer, serial, days_ago):
    return services.complaint_create(
        actor=people.sales,
        customer=customer,
        title="断路器拒合",
        description="现场断路器拒合",
        serial_number=serial,
        received_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_intake_links_the_latest_complaint_on_the_same_unit_within_90_days(people, customer):
    first = _receive(people, customer, "SN-9", 200)
    second = _receive(people, customer, "SN-9", 95)  # 105 days after the first: not a repeat
    third = _receive(people, customer, "SN-9", 40)  # 55 days after the second
    cancelled = _receive(people, customer, "SN-9", 20)
    Complaint.objects.filter(pk=cancelled.pk).update(state=Complaint.State.CANCELLED)
    fourth = _receive(people, customer, "SN-9", 0)  # the cancelled one does not count: the third
    other_unit = _receive(people, customer, "SN-8", 0)
    no_unit = _receive(people, customer, "", 0)

    assert first.repeat_of is None
    assert second.repeat_of is None
    assert third.repeat_of == second
    assert fourth.repeat_of == third
    assert other_unit.repeat_of is None
    assert no_unit.repeat_of is None


def test_the_complaint_page_names_the_earlier_complaint(people, customer, client):
    earlier = _receive(people, customer, "SN-9", 10)
    repeat = _receive(people, customer, "SN-9", 0)
    client.force_login(people.sales)
    page = english(client).get(reverse("complaints:detail", args=[repeat.number])).content.decode()
    assert f"The customer complained about this unit in {earlier.number}" in page
    page = english(client).get(reverse("complaints:detail", args=[earlier.number])).content.decode()
    assert 'data-testid="repeat-of"' not in page
