"""The complaint export answers any address: a format in it is ignored (always xlsx), a stale filter is named."""

from io import BytesIO

import openpyxl
import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from aftersales import roles

from .factories import ComplaintFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:complaints_complaint_changelist")
EXPORT = reverse("admin:complaints_complaint_export")


@pytest.fixture
def leader_client(client_for, make_user):
    client = client_for(make_user(roles.QUALITY_LEADER, username="leader", is_staff=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("choice", ["0", "1", "7", "x"])
def test_a_format_in_the_address_still_sends_the_workbook(leader_client, choice):
    complaint = ComplaintFactory()

    response = leader_client.get(f"{EXPORT}?format={choice}")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [complaint.number]


def test_a_filter_that_does_not_apply_returns_to_the_list_with_a_message(leader_client):
    response = leader_client.get(f"{EXPORT}?no_such_field=1", follow=True)

    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The filters in the address do not apply to complaints; choose them in the list."
    ]
