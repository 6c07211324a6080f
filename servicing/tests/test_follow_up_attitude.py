"""The follow-up call also rates the engineer's service attitude; the list averages it per engineer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from servicing.models import FollowUp

from .factories import FollowUpFactory

pytestmark = pytest.mark.django_db


def _called_at():
    return f"{timezone.localtime():%Y-%m-%d %H:%M}"


def test_a_new_call_needs_the_attitude(people, customer, client_for):
    complaint = ComplaintFactory(customer=customer, state=Complaint.State.CLOSED, assignee=people.engineer)
    complaint.closed_at = timezone.now() - datetime.timedelta(hours=1)
    Complaint.objects.filter(pk=complaint.pk).update(closed_at=complaint.closed_at)
    url = reverse("servicing:follow_up", args=[complaint.number])
    client = client_for(people.sales)
    response = client.post(url, {"satisfaction": 5, "called_at": _called_at()})
    assert response.status_code == 200 and 'name="attitude"' in response.content.decode()
    assert not FollowUp.objects.exists()
    assert client.post(url, {"satisfaction": 5, "attitude": 4, "called_at": _called_at()}).status_code == 302
    assert FollowUp.objects.get().attitude == 4
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert 'data-testid="follow-up-attitude"' in page


def test_the_list_shows_the_attitude_and_the_average_per_engineer(people, customer, client_for):
    mine = ComplaintFactory(customer=customer, state=Complaint.State.CLOSED, assignee=people.engineer)
    theirs = ComplaintFactory(customer=customer, state=Complaint.State.CLOSED, assignee=people.other_engineer)
    FollowUpFactory(complaint=mine, attitude=5)
    FollowUpFactory(complaint=mine, attitude=2)
    FollowUpFactory(complaint=mine, attitude=None)  # an old call: not counted
    FollowUpFactory(complaint=theirs, attitude=4)
    page = client_for(people.manager).get(reverse("servicing:follow_up_list")).content.decode()
    table = page[page.index('data-testid="attitude-per-engineer"') :]
    assert f"<td>{people.engineer}</td><td>2</td><td>3.50 / 5</td>" in table
    assert f"<td>{people.other_engineer}</td><td>1</td><td>4.00 / 5</td>" in table
    assert page.count('data-testid="attitude"') == 4


def test_the_average_per_engineer_counts_only_the_salespersons_own_customers(people, customer, client_for):
    from customers.tests.factories import CustomerFactory

    theirs = CustomerFactory(salesperson=people.other_sales)
    FollowUpFactory(complaint=ComplaintFactory(customer=customer, state="closed", assignee=people.engineer), attitude=5)
    FollowUpFactory(complaint=ComplaintFactory(customer=theirs, state="closed", assignee=people.engineer), attitude=1)
    page = client_for(people.sales).get(reverse("servicing:follow_up_list")).content.decode()
    assert f"<td>{people.engineer}</td><td>1</td><td>5.00 / 5</td>" in page
