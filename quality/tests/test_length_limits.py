"""Quality forms say each text field's limit and count as one types."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db


def test_raising_a_sheet_shows_the_limits_of_its_text_fields(people, client_for):
    page = client_for(people.leader).get(reverse("quality:sheet_raise")).content.decode()
    title = re.search(r'<input[^>]*name="title"[^>]*>', page).group(0)
    assert 'maxlength="200"' in title and 'data-length-counter="200"' in title
    with translation.override("zh-hans"):
        assert html.escape(gettext("At most %(limit)d characters.") % {"limit": 200}) in page
