"""Helpers for tests that read pages in English and the "Waiting for" banner of a record."""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture
def source_language(settings):
    """Assert on the English source text; the Chinese catalogue is checked by the pages' own tests."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def english(client):
    """Return ``client`` asking for English pages."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def waiting_line(page: str) -> str:
    """Return the text of the page's "Waiting for" banner, without markup."""
    block = page.split('data-testid="waiting-on"')[1].split("</div>")[0]
    return " ".join("".join(part.split(">")[-1] for part in block.split("<")).split())
