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
from ..models import Complaint
from .factories import ComplaintFactory

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


# --- closing, timetable ------------------------------------------------------------------


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
