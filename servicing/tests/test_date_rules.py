"""Dates of service work that cannot be right are refused with their reason, by the pages and by the services."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory

from .. import services
from ..models import FollowUp, ReturnRecord, ServiceVisit
from .factories import ServiceVisitFactory

pytestmark = pytest.mark.django_db


def _minute(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- visits -------------------------------------------------------------------------------


def test_dispatch_with_the_end_before_the_start_is_refused_by_the_page_and_the_service(people, customer, client_for):
    start = timezone.now() + datetime.timedelta(days=2)
    data = {
        "customer": customer.pk,
        "engineer": people.engineer.pk,
        "kind": ServiceVisit.Kind.ONSITE,
        "place": "变电站",
        "planned_start": _minute(start),
        "planned_end": _minute(start - datetime.timedelta(hours=3)),
    }
    response = client_for(people.manager).post(reverse("servicing:visit_create"), data)
    assert response.status_code == 200
    assert "planned_end" in response.context["form"].errors
    assert f"{timezone.localtime(start):%Y-%m-%d %H:%M}" in response.content.decode()
    assert not ServiceVisit.objects.exists()

    with pytest.raises(ValidationError) as error:
        services.visit_save(
            actor=people.manager,
            customer=customer,
            engineer=people.engineer,
            planned_start=start,
            planned_end=start - datetime.timedelta(hours=3),
        )
    assert error.value.code == "planned_end"


def test_the_service_refuses_an_actual_end_before_the_actual_start(people, customer):
    visit = ServiceVisitFactory(complaint=None, customer=customer, engineer=people.engineer)
    start = timezone.now() - datetime.timedelta(hours=2)
    with pytest.raises(ValidationError) as error:
        services.visit_save(
            actor=people.engineer, visit=visit, actual_start=start, actual_end=start - datetime.timedelta(minutes=30)
        )
    assert error.value.code == "actual_end"
    visit.refresh_from_db()
    assert visit.actual_start is None


def test_the_customer_cannot_accept_before_the_visit_started(people, customer):
    visit = ServiceVisitFactory(complaint=None, customer=customer, engineer=people.engineer)
    start = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.visit_save(
            actor=people.engineer,
            visit=visit,
            actual_start=start,
            actual_end=start + datetime.timedelta(hours=2),
            customer_acceptance_name="王工",
            customer_acceptance_date=timezone.localdate(start) - datetime.timedelta(days=2),
        )
    assert error.value.code == "customer_acceptance_date"


# --- returns, follow-ups -------------------------------------------------------------------


def test_the_service_refuses_a_return_closed_before_it_was_requested(people, customer):
    complaint = ComplaintFactory(customer=customer)
    with pytest.raises(ValidationError) as error:
        services.return_save(
            actor=people.engineer,
            customer=customer,
            complaint=complaint,
            product_model=complaint.product_model or _model(),
            reason="运输破损",
            requested_on=timezone.localdate(),
            closed_on=timezone.localdate() - datetime.timedelta(days=5),
        )
    assert error.value.code == "closed_on"
    assert not ReturnRecord.objects.exists()


def _model():
    from customers.tests.factories import ProductModelFactory

    return ProductModelFactory()


def test_a_follow_up_before_the_visit_ended_is_refused_by_the_page_and_the_service(people, customer, client_for):
    closed_at = timezone.now() - datetime.timedelta(days=3)
    complaint = ComplaintFactory(customer=customer, state=Complaint.State.CLOSED, closed_at=closed_at)
    visit_end = timezone.now() - datetime.timedelta(days=1)
    ServiceVisitFactory(
        complaint=complaint,
        customer=customer,
        engineer=people.engineer,
        planned_start=visit_end - datetime.timedelta(hours=3),
        actual_start=visit_end - datetime.timedelta(hours=2),
        actual_end=visit_end,
    )
    called_at = visit_end - datetime.timedelta(hours=5)

    with pytest.raises(ValidationError) as error:
        services.follow_up_log(actor=people.sales, complaint=complaint, satisfaction=5, called_at=called_at)
    assert error.value.code == "called_at"

    response = client_for(people.sales).post(
        reverse("servicing:follow_up", args=[complaint.number]),
        {"satisfaction": 5, "called_at": _minute(called_at), "contact_name": "", "remarks": ""},
    )
    assert response.status_code == 200
    assert "called_at" in response.context["form"].errors
    assert f"{timezone.localtime(visit_end):%Y-%m-%d %H:%M}" in response.content.decode()
    assert not FollowUp.objects.exists()
