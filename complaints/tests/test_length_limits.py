"""Text fields say their limit (a hint, maxlength and a live count) and a longer text is refused, never cut."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from .. import services
from ..models import Complaint
from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db


def _hint(limit: int) -> str:
    with translation.override("zh-hans"):
        return html.escape(gettext("At most %(limit)d characters.") % {"limit": limit})


def test_the_intake_page_gives_each_limited_field_its_limit_and_a_counter(people, client_for):
    page = client_for(people.sales).get(reverse("complaints:create")).content.decode()
    title = re.search(r'<input[^>]*name="title"[^>]*>', page).group(0)
    assert 'maxlength="200"' in title and 'data-length-counter="200"' in title
    assert _hint(200) in page
    serial = re.search(r'<input[^>]*name="serial_number"[^>]*>', page).group(0)
    assert 'maxlength="50"' in serial
    assert _hint(50) in page


def test_a_too_long_subject_is_refused_with_its_limit_and_kept_for_correction(people, customer, client_for):
    long_title = "开关柜" * 70  # 210 characters, as pasted past the browser's limit
    response = client_for(people.sales).post(
        reverse("complaints:create"),
        {
            "customer": customer.pk,
            "channel": "phone",
            "warranty_status": "unknown",
            "severity": "general",
            "category": "quality",
            "title": long_title,
            "description": "异响",
            "received_at": "",
        },
    )
    errors = " ".join(response.context["form"].errors["title"])
    assert "200" in errors and "210" in errors
    assert long_title in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_service_refuses_a_pause_reason_over_its_limit_naming_it(people, customer):
    complaint = ComplaintFactory(customer=customer, assignee=people.engineer)
    with pytest.raises(ValidationError) as error:
        services.complaint_pause(actor=people.engineer, complaint=complaint, reason="等" * 201)
    assert error.value.code == "max_length"
    assert "200" in error.value.messages[0] and "201" in error.value.messages[0]
    complaint.refresh_from_db()
    assert complaint.paused_since is None


def test_a_step_form_added_after_init_gets_the_hint_too(people, customer, client_for):
    complaint = ComplaintFactory(customer=customer, assignee=people.engineer)
    page = client_for(people.engineer).get(complaint.get_absolute_url()).content.decode()
    reason = re.search(r'<input[^>]*name="pause-reason"[^>]*>', page).group(0)
    assert 'data-length-counter="200"' in reason
