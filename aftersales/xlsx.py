"""Streamed xlsx files for every export: one writer, the same rules for every cell.

openpyxl's write-only workbook writes each row to a temporary file as it is appended and
zips the parts at the end, so memory stays flat whatever the number of rows.

The rules for a cell:

- text is stored with the explicit text type, so "=1+1" stays text and is never run as a
  formula; no apostrophe is added (that is only for csv, see
  :func:`aftersales.spreadsheets.safe_cell`);
- characters an xlsx file cannot hold (control characters such as U+0007) are dropped,
  since one of them makes the whole file unreadable;
- numbers, booleans and dates stay native; an aware datetime is written in Beijing time
  (Excel has no time zones);
- None is an empty cell.
"""

import datetime
import decimal
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
SHEET_TITLE_MAX = 31
# Excel refuses a sheet title with one of these.
SHEET_TITLE_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})


@dataclass
class Sheet:
    """One worksheet: a title, the column headers, the rows (any iterable) and optional widths."""

    title: str
    headers: Sequence
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()
    freeze: str | None = "A2"
    #: Called with the number of rows written so far, every ``progress_every`` rows.
    on_progress: Callable[[int], None] | None = field(default=None, repr=False)
    progress_every: int = 2000


def clean_text(value) -> str:
    """Return ``value`` as text without the characters an xlsx file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def cell_value(value):
    """Return ``value`` as an xlsx cell holds it: native numbers and dates, clean text, or None."""
    if value is None:
        return None
    if isinstance(value, bool | int | float | decimal.Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)
        return value
    if isinstance(value, datetime.date | datetime.time):
        return value
    if isinstance(value, Promise):
        value = str(value)
    return clean_text(value)


def make_cell(sheet, value, font=None) -> WriteOnlyCell:
    """Return a write-only cell for ``value``; text is typed as text, never as a formula."""
    value = cell_value(value)
    if value == "":
        value = None
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # the default guess would make "=..." a formula
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    if font is not None:
        cell.font = font
    return cell


def set_text(cell, value):
    """Set ``value`` on a cell of an ordinary (not write-only) worksheet by the same rules."""
    value = cell_value(value)
    cell.value = None if value == "" else value
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def sheet_title(text) -> str:
    return clean_text(text).translate(SHEET_TITLE_FORBIDDEN).strip()[:SHEET_TITLE_MAX] or "Sheet"


def write_workbook(target, sheets: Iterable[Sheet]) -> int:
    """Write ``sheets`` to ``target`` (a path or a binary file) and return the number of rows written."""
    workbook = Workbook(write_only=True)
    total = 0
    for spec in sheets:
        total += _write_sheet(workbook, spec)
    workbook.save(target)
    return total


def _write_sheet(workbook, spec: Sheet) -> int:
    sheet = workbook.create_sheet(sheet_title(spec.title))
    if spec.freeze:
        sheet.freeze_panes = spec.freeze
    for index, width in enumerate(spec.widths, start=1):
        if width:
            sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([make_cell(sheet, header, font=bold) for header in spec.headers])
    count = 0
    for row in spec.rows:
        sheet.append([make_cell(sheet, value) for value in row])
        count += 1
        if spec.on_progress is not None and count % spec.progress_every == 0:
            spec.on_progress(count)
    return count


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> FileResponse:
    """Return ``sheets`` as an xlsx attachment, written to a temporary file and sent from disk."""
    output = tempfile.TemporaryFile()
    write_workbook(output, sheets)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
