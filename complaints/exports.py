"""The complaints ledger as an xlsx file, for any number of rows.

openpyxl's write-only workbook writes each row to a temporary file as it is appended
and zips the parts at the end; the finished file is then streamed from disk in blocks.
Memory stays flat whatever the size of the queryset, which is read in chunks.
"""

import tempfile
from datetime import date, datetime

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from aftersales.spreadsheets import safe_cell

from .models import Complaint, SlaStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"


def _field(name):
    return lambda: str(Complaint._meta.get_field(name).verbose_name)


# (header, width, value of one complaint); headers are resolved when a file is written,
# in the language of the request.
COLUMNS = [
    (_field("number"), 18, lambda c, now: c.number),
    (_field("received_at"), 17, lambda c, now: c.received_at),
    (_field("channel"), 10, lambda c, now: c.get_channel_display()),
    (lambda: _("Customer code"), 12, lambda c, now: c.customer.code),
    (lambda: _("Customer name"), 36, lambda c, now: c.customer.name),
    (_field("product_model"), 18, lambda c, now: c.product_model.code if c.product_model else ""),
    (_field("batch_number"), 16, lambda c, now: c.batch_number),
    (_field("serial_number"), 20, lambda c, now: c.serial_number),
    (_field("delivery_date"), 12, lambda c, now: c.delivery_date),
    (_field("warranty_status"), 12, lambda c, now: c.get_warranty_status_display()),
    (_field("severity"), 8, lambda c, now: c.get_severity_display()),
    (_field("category"), 16, lambda c, now: c.get_category_display()),
    (_field("title"), 36, lambda c, now: c.title),
    (_field("description"), 60, lambda c, now: c.description),
    (_field("state"), 12, lambda c, now: c.get_state_display()),
    (_field("assignee"), 10, lambda c, now: str(c.assignee) if c.assignee else ""),
    (_field("responsibility"), 12, lambda c, now: c.get_responsibility_display()),
    (_field("disposal"), 12, lambda c, now: c.get_disposal_display()),
    (lambda: _("Quote total (CNY)"), 14, lambda c, now: c.quote_total),
    (_field("first_response_due_at"), 17, lambda c, now: c.first_response_due_at),
    (_field("first_responded_at"), 17, lambda c, now: c.first_responded_at),
    (_field("resolution_due_at"), 17, lambda c, now: c.resolution_due_at),
    (_field("closed_at"), 17, lambda c, now: c.closed_at),
    (lambda: _("Service level"), 10, lambda c, now: str(SlaStatus.LABELS[c.sla_status(now)])),
    (_field("promised_resolution_date"), 12, lambda c, now: c.promised_resolution_date),
    (_field("reopen_count"), 8, lambda c, now: c.reopen_count),
    (_field("reply_to_customer"), 40, lambda c, now: c.reply_to_customer),
]


def complaints_xlsx_response(queryset, filename: str) -> FileResponse:
    """Return ``queryset`` as a streamed xlsx attachment named ``filename``."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Complaints"))
    sheet.freeze_panes = "B2"
    for index, (_header, width, _value) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header(), font=bold) for header, _width, _value in COLUMNS])
    now = timezone.now()
    rows = queryset.select_related(None).select_related("customer", "assignee", "product_model")
    for complaint in rows.iterator(chunk_size=CHUNK):
        sheet.append([_cell(sheet, value(complaint, now)) for _header, _width, value in COLUMNS])
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _cell(sheet, value, font=None) -> WriteOnlyCell:
    """Return a cell: text formula-safe, times in Beijing time (Excel has no time zones)."""
    if isinstance(value, datetime):
        local = timezone.localtime(value, timezone.get_default_timezone())
        cell = WriteOnlyCell(sheet, local.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
    else:
        cell = WriteOnlyCell(sheet, safe_cell(value))
    if font is not None:
        cell.font = font
    return cell
