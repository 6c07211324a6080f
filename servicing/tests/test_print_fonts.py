"""The printable visit record takes its fonts from the shared stylesheet and keeps symbols such as ℃."""

import pytest
from django.urls import reverse

from .factories import ServiceVisitFactory


@pytest.mark.django_db
def test_the_printable_visit_record_links_the_fonts_and_keeps_the_degree_sign(people, customer, client_for):
    visit = ServiceVisitFactory(
        complaint=None, customer=customer, engineer=people.engineer, work_done="母排温升 65℃，紧固后降至 40℃"
    )
    page = client_for(people.engineer).get(reverse("servicing:visit_print", args=[visit.pk])).content.decode()
    assert "css/print_fonts.css" in page
    assert page.index("print_fonts.css") < page.index("visit_print.css")
    assert "母排温升 65℃，紧固后降至 40℃" in page
