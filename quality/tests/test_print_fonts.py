"""The printable quality sheet, 8D page and rectification notice use the shared print fonts and keep ℃."""

import pytest
from django.urls import reverse

from quality.models import CapaSource, QualitySheet

from .factories import CapaActionFactory, QualitySheetFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["quality:sheet_print", "quality:eightd"])
def test_sheet_prints_link_the_shared_fonts_and_keep_the_degree_sign(page, people, client_for):
    sheet = QualitySheetFactory(state=QualitySheet.State.INVESTIGATING, description="柜内温度达 85℃ 时跳闸")
    html = client_for(people.leader).get(reverse(page, args=[sheet.number])).content.decode()
    assert "css/print_fonts.css" in html and html.index("print_fonts.css") < html.index("print_report.css")
    assert "柜内温度达 85℃ 时跳闸" in html


def test_the_rectification_notice_links_the_shared_fonts(people, client_for):
    notice = CapaActionFactory(notice=True, source=CapaSource.SUPERVISION, notice_findings="机房温度 35℃ 未记录")
    html = client_for(people.leader).get(reverse("quality:capa_notice", args=[notice.number])).content.decode()
    assert "css/print_fonts.css" in html and html.index("print_fonts.css") < html.index("capa_notice.css")
    assert "机房温度 35℃ 未记录" in html
