"""The streamed xlsx writer every export uses: text as text, native numbers and dates, no broken files."""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from aftersales.xlsx import XLSX_TYPE, Sheet, write_workbook, xlsx_response


def _written(rows, headers=("a", "b", "c")):
    output = io.BytesIO()
    write_workbook(output, [Sheet(title="Test", headers=list(headers), rows=rows)])
    output.seek(0)
    return openpyxl.load_workbook(output).active


def test_control_characters_are_dropped_and_the_file_opens():
    sheet = _written([["华东\x07电力\x0b有限公司", "tab\tand\nline", None]])

    assert sheet["A2"].value == "华东电力有限公司"
    assert sheet["B2"].value == "tab\tand\nline"  # tabs and line breaks are allowed in xlsx


def test_text_that_looks_like_a_formula_is_stored_as_text_without_an_apostrophe():
    sheet = _written([["=1+1", "+86 139", "@SUM(A1)"]])

    assert [cell.value for cell in sheet[2]] == ["=1+1", "+86 139", "@SUM(A1)"]
    assert [cell.data_type for cell in sheet[2]] == ["s", "s", "s"]


def test_none_and_empty_text_are_empty_cells():
    sheet = _written([[None, "", "x"]])

    assert [cell.value for cell in sheet[2]] == [None, None, "x"]


def test_numbers_booleans_and_dates_stay_native():
    aware = datetime.datetime(2026, 1, 15, 1, 30, tzinfo=datetime.UTC)
    sheet = _written([[3, True, 2.5], [datetime.date(2026, 1, 15), aware, None]], headers=("x", "y", "z"))

    assert [cell.value for cell in sheet[2]] == [3, True, 2.5]
    assert sheet["A3"].value == datetime.datetime(2026, 1, 15) and sheet["A3"].number_format == "yyyy-mm-dd"
    beijing = aware.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert sheet["B3"].value == beijing == datetime.datetime(2026, 1, 15, 9, 30)


def test_headers_are_bold_text_and_widths_and_title_are_kept():
    output = io.BytesIO()
    rows = iter([["v"]])  # any iterable: a generator is read once
    count = write_workbook(output, [Sheet(title="退货/清单[1]", headers=["=名称"], rows=rows, widths=[30])])
    output.seek(0)
    sheet = openpyxl.load_workbook(output).active

    assert count == 1
    assert sheet.title == "退货 清单 1"
    assert sheet["A1"].value == "=名称" and sheet["A1"].data_type == "s" and sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width == 30


def test_progress_is_reported_every_so_many_rows():
    seen = []
    sheet = Sheet(title="t", headers=["n"], rows=([i] for i in range(5)), on_progress=seen.append, progress_every=2)

    write_workbook(io.BytesIO(), [sheet])

    assert seen == [2, 4]


@pytest.mark.parametrize("filename", ["客户台账.xlsx", "customers.xlsx"])
def test_response_is_an_attachment_with_the_file_name(filename):
    response = xlsx_response(filename, [Sheet(title="t", headers=["a"], rows=[["b"]])])

    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active["A2"].value == "b"
