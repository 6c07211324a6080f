"""Dates that cannot be right are refused with their reason, by the pages (all at once) and by the services."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from customers.tests.factories import ContactFactory

from .. import services
from ..models import Complaint, FollowUp, ReturnRecord, ServiceVisit
from .factories import ComplaintFactory, ServiceVisitFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _zh(message: str) -> str:
    with translation.override("zh-hans"):
        return html.escape(gettext(message), quote=True)


def _minute(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- intake: every error at once -----------------------------------------------------------


def test_intake_with_a_bad_attachment_and_a_future_receipt_shows_both_errors_and_keeps_the_input(
    people, customer, client_for, private_media
):
    contact = ContactFactory(customer=customer)
    later = timezone.now() + datetime.timedelta(days=1)
    data = {
        "customer": customer.pk,
        "contact": contact.pk,
        "channel": Complaint.Channel.PHONE,
        "warranty_status": Complaint.Warranty.UNKNOWN,
        "severity": "general",
        "category": Complaint.Category.QUALITY,
        "title": "断路器无法合闸",
        "description": "客户来电：合闸线圈烧毁。",
        "received_at": _minute(later),
        "attachments": [
            SimpleUploadedFile("photo.png", PNG, content_type="image/png"),
            SimpleUploadedFile("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, content_type="application/octet-stream"),
        ],
    }

    response = client_for(people.sales).post(reverse("complaints:create"), data)

    page = response.content.decode()
    form = response.context["form"]
    assert response.status_code == 200
    assert set(form.errors) >= {"attachments", "received_at"}
    assert "setup.exe" in " ".join(form.errors["attachments"])
    assert _zh("The time of receipt cannot be in the future.") in page
    assert "setup.exe" in page
    assert 'value="断路器无法合闸"' in page and "客户来电：合闸线圈烧毁。" in page
    assert not Complaint.objects.exists()


def test_intake_refuses_a_delivery_date_after_the_receipt(people, customer):
    with pytest.raises(ValidationError) as error:
        services.complaint_create(
            actor=people.sales,
            customer=customer,
            title="异响",
            description="运行异响",
            delivery_date=timezone.localdate() + datetime.timedelta(days=3),
        )
    assert error.value.code == "delivery_date"
    assert not Complaint.objects.exists()


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
    response = client_for(people.manager).post(reverse("complaints:visit_create"), data)
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


# --- returns, follow-ups, closing, timetable ------------------------------------------------


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
        reverse("complaints:follow_up", args=[complaint.number]),
        {"satisfaction": 5, "called_at": _minute(called_at), "contact_name": "", "remarks": ""},
    )
    assert response.status_code == 200
    assert "called_at" in response.context["form"].errors
    assert f"{timezone.localtime(visit_end):%Y-%m-%d %H:%M}" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_closing_with_an_acceptance_before_the_receipt_is_refused(people, customer):
    complaint = ComplaintFactory(
        customer=customer, assignee=people.engineer, state=Complaint.State.RECTIFYING, analysed=True
    )
    with pytest.raises(ValidationError) as error:
        services.complaint_close(
            actor=people.sales,
            complaint=complaint,
            acceptance_name="王工",
            acceptance_date=timezone.localdate(complaint.received_at) - datetime.timedelta(days=1),
            reply_to_customer="已处理",
        )
    assert error.value.code == "acceptance_date"
    assert Complaint.objects.get(pk=complaint.pk).state == Complaint.State.RECTIFYING


def test_a_promised_date_in_the_past_is_refused(people, customer):
    complaint = ComplaintFactory(
        customer=customer, assignee=people.engineer, received_at=timezone.now() - datetime.timedelta(days=10)
    )
    with pytest.raises(ValidationError) as error:
        services.complaint_promise_timetable(
            actor=people.engineer,
            complaint=complaint,
            timetable="两周内更换",
            promised_date=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert error.value.code == "date"
