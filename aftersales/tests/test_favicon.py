"""The site has an icon: linked from every page and answered at /favicon.ico."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

STATIC = Path(settings.BASE_DIR) / "static"


def test_favicon_ico_answers_without_signing_in_and_leads_to_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    target = response["Location"]
    assert target.endswith(".ico") and target.startswith(settings.STATIC_URL)
    icon = Path(finders.find("favicon.ico")).read_bytes()
    assert icon[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert b"\x89PNG" in icon


def test_the_svg_icon_is_an_svg():
    assert (STATIC / "favicon.svg").read_text().startswith("<svg ")


@pytest.mark.django_db
def test_pages_link_the_icon(client, sales_user):
    login_page = client.get(reverse("login")).content.decode()
    assert 'rel="icon"' in login_page and "favicon.svg" in login_page and "favicon.ico" in login_page
    client.force_login(sales_user)
    assert "favicon.svg" in client.get(reverse("home")).content.decode()
