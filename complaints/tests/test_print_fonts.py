"""Printable pages ask for fonts a Linux client has, from one shared stylesheet, and keep symbols such as ℃."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from .factories import ServiceVisitFactory

STATIC = Path(settings.BASE_DIR) / "static" / "css"
STACK = [
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
    "WenQuanYi Micro Hei",
    "SimSun",
]


def test_the_shared_stylesheet_names_linux_fonts_first_and_ends_with_a_generic_family():
    css = (STATIC / "print_fonts.css").read_text()
    stack = re.search(r"--print-font:\s*([^;]+);", css).group(1)
    names = [name.strip().strip('"') for name in stack.split(",")]
    assert names == [*STACK, "sans-serif"]


@pytest.mark.parametrize("name", ["print_report.css", "visit_print.css", "capa_notice.css"])
def test_each_print_stylesheet_takes_its_fonts_from_the_shared_one(name):
    css = (STATIC / name).read_text()
    families = re.findall(r"font(?:-family)?:\s*([^;]+);", css)
    named = [family for family in families if '"' in family or "serif" in family]
    assert named == [], named
    assert "var(--print-font)" in css


@pytest.mark.django_db
def test_the_printable_visit_record_links_the_fonts_and_keeps_the_degree_sign(people, customer, client_for):
    visit = ServiceVisitFactory(
        complaint=None, customer=customer, engineer=people.engineer, work_done="母排温升 65℃，紧固后降至 40℃"
    )
    page = client_for(people.engineer).get(reverse("complaints:visit_print", args=[visit.pk])).content.decode()
    assert "css/print_fonts.css" in page
    assert page.index("print_fonts.css") < page.index("visit_print.css")
    assert "母排温升 65℃，紧固后降至 40℃" in page
