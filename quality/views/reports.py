"""Printable pages of a sheet: the paper quality information sheet and the 8D report (page and xlsx)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from ..eightd import XLSX_TYPE, build_8d, eightd_xlsx, load_sheet, sign_off, verification_result
from ..models import CapaAction, QualitySheet, SheetEvent
from ..selectors import sheets_visible_to

view_required = permission_required("quality.view_qualitysheet", raise_exception=True)
export_required = permission_required("quality.export_qualitysheet", raise_exception=True)


def _sheet(request, number: str) -> QualitySheet:
    sheet = sheets_visible_to(request.user).filter(number=number).only("pk").first()
    if sheet is None:
        raise Http404
    return load_sheet(sheet, request.user)


@login_required
@view_required
def eightd(request, number):
    """Show the 8D report laid out for A4 paper."""
    sheet = _sheet(request, number)
    context = {
        "sheet": sheet,
        "sections": build_8d(sheet, request.user),
        "signatures": sign_off(sheet),
        "printed_at": timezone.localtime(),
    }
    return render(request, "quality/reports/eightd.html", context)


@login_required
@export_required
def eightd_download(request, number):
    """Download the 8D report as an xlsx workbook."""
    sheet = _sheet(request, number)
    response = HttpResponse(eightd_xlsx(sheet, request.user), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"8D-{sheet.number}.xlsx")
    return response


@login_required
@view_required
def sheet_print(request, number):
    """Show the sheet as the paper form (市场质量信息单) with its signature and date boxes."""
    sheet = _sheet(request, number)
    submitted = SheetEvent.objects.filter(sheet=sheet, to_state=QualitySheet.State.UNDER_REVIEW).order_by("-at").first()
    actions = [(action, verification_result(action)) for action in sheet.capa_actions.all()]
    context = {
        "sheet": sheet,
        "submitted_at": submitted.at if submitted else None,
        "actions": actions,
        "verified": [(a, result) for a, result in actions if a.state != CapaAction.State.OPEN or a.times_reopened],
        "printed_at": timezone.localtime(),
    }
    return render(request, "quality/reports/sheet_print.html", context)
