"""The 8D report (sections, xlsx, printable page) and the printable quality information sheet."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation

from aftersales import roles
from complaints.models import Severity

from .. import services
from ..eightd import build_8d, eightd_xlsx
from ..models import CapaAction, QualitySheet
from .factories import CompanyComplaintFactory, QualitySheetFactory

# The print layout of both printable pages; a stylesheet, as the Content-Security-Policy refuses inline styles.
PRINT_CSS = open(finders.find("css/print_report.css"), encoding="utf-8").read()

pytestmark = pytest.mark.django_db

CODES = ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8"]


def _in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def walked(people, customer):
    """Return a major sheet walked through every step by the services, from the complaint to closing."""
    complaint = CompanyComplaintFactory(customer=customer, severity=Severity.MAJOR, title="开关柜内部放电")
    sheet = services.sheet_raise(actor=people.sales, complaint=complaint)
    sheet = services.sheet_assign(actor=people.leader, sheet=sheet, investigator=people.investigator)
    sheet = services.sheet_record_analysis(
        actor=people.investigator,
        sheet=sheet,
        root_cause="design",
        analysis="电缆终端头与套管间距不足",
        five_whys=["为何放电：间距不足", "为何间距不足：套管选型偏短", "=为何选型偏短：设计未校核"],
        fishbone="人：设计未复核；料：套管长度不足",
        containment="停电隔离故障柜，加装临时绝缘隔板",
        proposed_disposal="更换加长型套管并做局放检测",
        scope_note="同批次 B2611 共 12 台，涉及 3 家客户",
    )
    sheet = services.sheet_submit_analysis(actor=people.investigator, sheet=sheet)
    sheet = services.sheet_review(actor=people.leader, sheet=sheet)
    sheet = services.sheet_sign_approval(actor=people.deputy, sheet=sheet)
    sheet = services.sheet_sign_approval(actor=people.gm, sheet=sheet)
    tasks = [{"department": "生产部", "owner": people.owner, "requirement": "更换套管", "due_date": _in_days(5)}]
    sheet = services.sheet_distribute(actor=people.clerk, sheet=sheet, tasks=tasks)
    task = sheet.tasks.get()
    services.task_acknowledge(actor=people.owner, task=task)
    services.task_complete(actor=people.owner, task=task, note="12 台已全部更换")
    services.assessment_record(
        actor=people.leader,
        sheet=sheet,
        department="技术部",
        person=people.owner,
        value=Decimal(3),
        remarks="设计未校核",
    )
    for kind, plan in (("corrective", "修改套管选型规范"), ("preventive", "设计评审增加电气间隙校核")):
        action = services.capa_create(
            actor=people.leader,
            sheet=sheet,
            kind=kind,
            problem="套管间距不足",
            planned_action=plan,
            owner=people.owner,
            department="技术部",
            due_date=_in_days(20),
        )
        action = services.capa_complete(actor=people.owner, action=action, note=f"已完成：{plan}")
        # Verified three months on: the verification has fallen due.
        CapaAction.objects.filter(pk=action.pk).update(verification_due=timezone.localdate())
        services.capa_verify(actor=people.leader, action=action, effective=True, note="三个月无同类放电")
    sheet = services.sheet_close(actor=people.leader, sheet=sheet, outcome="已更换套管，客户确认运行正常")
    assert sheet.state == QualitySheet.State.CLOSED
    return sheet


def _text(sections) -> str:
    return "\n".join(
        [label + value for s in sections for label, value in s.fields]
        + [" ".join(row) for s in sections for t in s.tables for row in t.rows]
    )


def test_every_section_of_a_walked_sheet_is_filled_from_its_records(people, walked, django_assert_max_num_queries):
    with django_assert_max_num_queries(6), translation.override("en"):
        sections = build_8d(walked)

    assert [s.code for s in sections] == CODES
    assert all(s.is_filled for s in sections), [s.code for s in sections if not s.is_filled]
    by_code = {s.code: s for s in sections}
    team = " ".join(" ".join(row) for row in by_code["D1"].tables[0].rows)
    for person in (people.sales, people.investigator, people.leader, people.deputy, people.gm, people.clerk):
        assert str(person) in team
    assert "Department task owner" in team and "Action owner" in team and str(people.owner) in team
    text = _text(sections)
    complaint = walked.complaints.get()
    for fact in (
        complaint.number,
        walked.customer.name,
        walked.serial_number,
        "停电隔离故障柜",
        "更换加长型套管",
        "Design defect",
        "为何选型偏短",
        "人：设计未复核",
        "修改套管选型规范",
        "设计评审增加电气间隙校核",
        "Effective",
        "三个月无同类放电",
        "同批次 B2611",
        "已更换套管，客户确认运行正常",
        "设计未校核",
        "12 台已全部更换",
    ):
        assert fact in text, fact
    corrective = walked.capa_actions.get(kind=CapaAction.Kind.CORRECTIVE)
    assert [corrective.number] == [row[0] for row in by_code["D5"].tables[0].rows]
    assert by_code["D6"].tables[0].rows[0][3] == "Effective"


def test_an_early_sheet_leaves_the_later_sections_empty():
    sheet = QualitySheetFactory(state=QualitySheet.State.DRAFT)

    sections = build_8d(sheet)

    filled = [s.code for s in sections if s.is_filled]
    assert "D2" in filled and not {"D5", "D6", "D8"} & set(filled)


def test_the_xlsx_opens_with_every_section_filled_and_formula_safe(walked):
    with translation.override("en"):
        book = openpyxl.load_workbook(io.BytesIO(eightd_xlsx(walked)))

    assert len(book.worksheets) == 1
    ws = book.active
    values = [cell.value for row in ws.iter_rows() for cell in row if cell.value is not None]
    headings = [v for v in values if isinstance(v, str) and v[:2] in CODES and v[2:3] == " "]
    assert [h[:2] for h in headings] == CODES
    assert walked.number in values[0]
    assert "=为何选型偏短：设计未校核" in values  # stored as text, shown as typed
    assert not any(cell.data_type == "f" for row in ws.iter_rows() for cell in row)
    assert "修改套管选型规范" in values and "设计评审增加电气间隙校核" in values
    assert ws.column_dimensions["A"].width == 18 and ws.column_dimensions["G"].width == 30
    assert ws["B4"].alignment.wrap_text and ws["B4"].value == "Name"
    assert ws.merged_cells.ranges  # the field values span the page


def _urls(sheet):
    return {
        "eightd": reverse("quality:eightd", args=[sheet.number]),
        "xlsx": reverse("quality:eightd_xlsx", args=[sheet.number]),
        "print": reverse("quality:sheet_print", args=[sheet.number]),
    }


def test_printable_8d_page_shows_every_section_without_navigation(client_for, walked):
    response = client_for(roles.QUALITY_ENGINEER).get(_urls(walked)["eightd"])

    assert response.status_code == 200
    page = response.text
    for code in CODES:
        assert f'data-section="{code}"' in page
    assert "/static/css/print_report.css" in page
    assert "@page { size: A4" in PRINT_CSS and "@media print" in PRINT_CSS
    assert "navbar" not in page
    assert "修改套管选型规范" in page and walked.complaints.get().number in page
    assert _urls(walked)["xlsx"] not in page  # the engineer may not export


def test_printable_sheet_is_laid_out_like_the_paper_form(client_for, people, walked):
    response = client_for(roles.SALES).get(_urls(walked)["print"])

    assert response.status_code == 200
    page = response.text
    boxes = ["source", "problem", "analysis", "disposal", "review", "approval", "distribution", "assessment"]
    for box in [*boxes, "rectification", "verification"]:
        assert f'data-box="{box}"' in page
    for name in (people.sales, people.investigator, people.leader, people.deputy, people.gm, people.clerk):
        assert str(name) in page
    assert f"{timezone.localtime(walked.approved_at):%Y-%m-%d}" in page
    assert "更换加长型套管并做局放检测" in page and "12 台已全部更换" in page
    assert "navbar" not in page and "/static/css/print_report.css" in page and "@media print" in PRINT_CSS


def test_xlsx_download_needs_the_export_permission(client_for, walked):
    url = _urls(walked)["xlsx"]

    response = client_for(roles.QUALITY_CLERK).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"8D-{walked.number}.xlsx" in response["Content-Disposition"]
    openpyxl.load_workbook(io.BytesIO(response.content))
    assert client_for(roles.QUALITY_ENGINEER).get(url).status_code == 403


@pytest.mark.parametrize("page", ["eightd", "xlsx", "print"])
def test_pages_need_login_and_the_quality_permissions(client, client_for, walked, page):
    url = _urls(walked)[page]

    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response.url
    assert client_for(roles.WAREHOUSE_KEEPER).get(url).status_code == 403
    assert client_for(roles.QUALITY_DEPUTY).get(url).status_code == 200


@pytest.mark.parametrize("name", ["quality:eightd", "quality:eightd_xlsx", "quality:sheet_print"])
def test_an_unknown_number_is_not_found(client_for, name):
    assert client_for(roles.QUALITY_LEADER).get(reverse(name, args=["QI-2026-9999"])).status_code == 404


def test_a_draft_field_sheet_prints_with_empty_boxes(client_for):
    sheet = QualitySheetFactory(customer=None, product_model=None)

    for url in _urls(sheet).values():
        assert client_for(roles.QUALITY_LEADER).get(url).status_code == 200


def _signed_major_sheet(people, *, gm_signed=True):
    day = timezone.now() - datetime.timedelta(days=2)
    return QualitySheetFactory(
        state=QualitySheet.State.DISTRIBUTED if gm_signed else QualitySheet.State.AWAITING_APPROVAL,
        severity=Severity.MAJOR,
        analysed=True,
        investigator=people.investigator,
        reviewed_by=people.leader,
        reviewed_at=day,
        approved_by=people.deputy,
        approved_at=day,
        gm_approved_by=people.gm if gm_signed else None,
        gm_approved_at=timezone.now() if gm_signed else None,
    )


def _signers(page: str) -> str:
    return page.split('data-testid="signatures"')[1].split("</table>")[0]


def test_the_8d_page_shows_every_required_signer_of_a_major_sheet_with_name_and_date(client_for, people):
    sheet = _signed_major_sheet(people)
    client = client_for(people.leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    signers = _signers(client.get(_urls(sheet)["eightd"]).text)

    assert "Approved (quality deputy leader)" in signers and "Approved (general manager)" in signers
    assert str(people.deputy) in signers and str(people.gm) in signers and str(people.leader) in signers
    assert f"{timezone.localtime(sheet.approved_at):%Y-%m-%d}" in signers
    assert f"{timezone.localtime(sheet.gm_approved_at):%Y-%m-%d}" in signers


def test_a_general_sheet_needs_no_general_manager_and_an_unsigned_one_leaves_the_box_empty(client_for, people):
    general = QualitySheetFactory(state=QualitySheet.State.AWAITING_APPROVAL, reviewed=True)
    unsigned = _signed_major_sheet(people, gm_signed=False)
    client = client_for(people.leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert "general manager" not in _signers(client.get(_urls(general)["eightd"]).text)
    boxes = _signers(client.get(_urls(unsigned)["eightd"]).text).split('data-signer="')
    gm_box = next(box for box in boxes if box.startswith("4"))
    assert str(people.gm) not in gm_box and "<span></span>" in gm_box


def test_the_8d_xlsx_lists_the_signatures_with_the_general_manager_of_a_major_sheet(people):
    sheet = _signed_major_sheet(people)
    with translation.override("en"):
        book = openpyxl.load_workbook(io.BytesIO(eightd_xlsx(sheet)))

    rows = [[cell.value for cell in row] for row in book.active.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0] == "Signatures")
    signed = {row[0]: (row[1], row[2]) for row in rows[start + 2 :]}
    day = f"{timezone.localtime(sheet.approved_at):%Y-%m-%d}"
    assert signed["Approved (quality deputy leader)"] == (str(people.deputy), day)
    gm_day = f"{timezone.localtime(sheet.gm_approved_at):%Y-%m-%d}"
    assert signed["Approved (general manager)"] == (str(people.gm), gm_day)
    assert signed["Reviewed (quality group leader)"] == (str(people.leader), day)
    assert signed["Prepared (investigator)"][0] == str(people.investigator)
