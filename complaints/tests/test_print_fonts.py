"""Printable pages ask for fonts a Linux client has, from one shared stylesheet, and keep symbols such as ℃."""

import re
from pathlib import Path

import pytest
from django.conf import settings

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
