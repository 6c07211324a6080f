"""The CAPA export page answers any address: a format in it, a wrong one, a filter that does not apply."""

import csv
import io

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from aftersales import roles

from .factories import CapaActionFactory

EXPORT = reverse("admin:quality_capaaction_export")


@pytest.fixture
def clerk_client(client_for, make_user):
    client = client_for(make_user(roles.QUALITY_CLERK, username="clerk", is_staff=True))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _body(response) -> bytes:
    """Return the bytes of a streamed export; read once, the same bytes afterwards."""
    if not hasattr(response, "body_bytes"):
        response.body_bytes = b"".join(response.streaming_content)
    return response.body_bytes


def test_format_in_the_address_sends_that_file(clerk_client):
    action = CapaActionFactory()

    response = clerk_client.get(f"{EXPORT}?format=1")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert len(rows) == 2
    assert action.problem in rows[1]


@pytest.mark.parametrize("choice", ["2", "abc"])
def test_unknown_format_in_the_address_shows_the_form_and_says_so(clerk_client, choice):
    response = clerk_client.get(f"{EXPORT}?format={choice}")

    assert response.status_code == 200
    assert "form" in response.context
    assert _messages(response) == [f"“{choice}” is not an export format; choose one below (0 (xlsx), 1 (csv))."]


def test_a_filter_that_does_not_apply_is_dropped_with_a_message(clerk_client):
    response = clerk_client.get(f"{EXPORT}?no_such_field=1", follow=True)

    assert response.redirect_chain == [(EXPORT, 302)]
    assert any("do not apply" in text for text in _messages(response))
