"""Reading uploaded customer ledgers with aftersales.tabular: which rows come out, numbered how, and what
the user is told when the file cannot be read. The fixture files are written by fixtures/spreadsheets/make_fixtures.py.
"""

import datetime
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation

from aftersales import cells
from aftersales.tabular import Table, TableError, normalise_header, read_table

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "spreadsheets"
SPEC = {
    "code": ["客户编码", "编码", "Customer code", "code"],
    "name": ["客户名称", "名称", "Customer name", "name"],
    "tier": ["等级", "Tier"],
    "contact": ["联系人", "Contact"],
    "phone": ["电话", "联系电话", "Phone"],
    "since": ["首次合作日期", "Customer since"],
}
REQUIRED = ["code", "name"]
HEADERS = ["客户编码", "客户名称", "等级", "联系人", "电话", "首次合作日期"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def read(name, **options) -> Table:
    path = FIXTURES / name
    return read_table(io.BytesIO(path.read_bytes()), name, SPEC, options.pop("required", REQUIRED), **options)


def read_bytes(content: bytes, name, **options) -> Table:
    return read_table(io.BytesIO(content), name, SPEC, options.pop("required", REQUIRED), **options)


def refusal(content_or_name, name=None, **options) -> TableError:
    with pytest.raises(TableError) as error:
        if name is None:
            table = read(content_or_name, **options)
        else:
            table = read_bytes(content_or_name, name, **options)
        list(table.rows)
    assert str(error.value) == error.value.message
    return error.value


def workbook_bytes(*sheets) -> bytes:
    """An xlsx with one sheet per (title, rows)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- csv


@pytest.mark.parametrize("name, encoding", [("gbk.csv", "gb18030"), ("utf8_bom.csv", "utf-8-sig")])
def test_csv_encodings(name, encoding):
    table = read(name)
    assert table.format == "csv"
    assert table.encoding == encoding
    assert table.sheet is None
    assert table.header_row == 1
    assert table.columns == {"code": 0, "name": 1, "tier": 2, "contact": 3, "phone": 4, "since": 5}
    assert table.labels["code"] == "客户编码"
    rows = list(table.rows)
    assert [number for number, _row in rows] == [2, 3, 4]
    assert rows[0][1] == {
        "code": "KH0001",
        "name": "南京宏达机械有限公司",
        "tier": "A",
        "contact": "张经理",
        "phone": "13912345678",
        "since": "2026-03-05",
    }
    assert rows[2][1]["phone"] == "022-23456789转801"


def test_gbk_is_mentioned_in_the_notes():
    assert "GB18030" in " ".join(read("gbk.csv").notes())
    assert read("utf8_bom.csv").notes() == []


def test_plain_utf8_csv():
    table = read_bytes("客户编码,客户名称\nKH0001,南京宏达\n".encode(), "客户.csv")
    assert table.encoding == "utf-8"
    assert list(table.rows) == [(2, {"code": "KH0001", "name": "南京宏达"})]


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_csv_tab_and_semicolon(delimiter):
    text = delimiter.join(HEADERS) + "\n" + delimiter.join(["KH0001", "南京宏达, 机械", "A", "", "", ""]) + "\n"
    table = read_bytes(text.encode(), "客户.txt")
    assert list(table.rows) == [
        (2, {"code": "KH0001", "name": "南京宏达, 机械", "tier": "A", "contact": "", "phone": "", "since": ""})
    ]


def test_csv_quoted_cell_over_two_lines_counts_as_one_row():
    text = '客户编码,客户名称\nKH0001,"南京宏达\n机械"\nKH0002,苏州精工\n'
    assert list(read_bytes(text.encode(), "a.csv").rows) == [
        (2, {"code": "KH0001", "name": "南京宏达\n机械"}),
        (3, {"code": "KH0002", "name": "苏州精工"}),
    ]


def test_csv_values_are_text_and_full_width_code_is_converted_by_cells():
    [(number, row)] = list(read("fullwidth.csv").rows)
    assert number == 2
    assert row["code"] == "ＫＨ０００２"
    assert cells.code(row["code"]) == "KH0002"
    assert cells.phone(row["phone"]) == "0512-67891234"
    assert cells.date(row["since"], earliest=datetime.date(1990, 1, 1), latest=datetime.date(2030, 1, 1)) == (
        datetime.date(2025, 11, 20)
    )


def test_csv_scientific_notation_is_refused_by_cells():
    [(_number, row)] = list(read("enotation.csv").rows)
    for converter, value in [(cells.code, "2.03E+14"), (cells.phone, "1.38E+10")]:
        with pytest.raises(cells.CellError) as error:
            converter(row["code" if converter is cells.code else "phone"])
        assert value in error.value.message
        assert "scientific notation" in error.value.message


def test_unclosed_quote_names_the_row_where_it_starts():
    table = read("unclosed_quote.csv")
    seen = []
    with pytest.raises(TableError) as error:
        for number, _row in table.rows:
            seen.append(number)
    assert seen == [2, 3, 4, 5, 6]
    assert error.value.row == 7
    assert error.value.message.startswith("Row 7 opens a quote")


def test_stray_quote_inside_a_cell():
    error = refusal('客户编码,客户名称\nKH0001,南京"宏达"x\nKH0002,"苏州"精工\n'.encode(), "a.csv")
    assert error.row == 3
    assert "quote" in error.message


def test_nul_byte():
    error = refusal("nul.csv")
    assert error.row == 3
    assert "NUL" in error.message
    assert "nul.csv" in error.message


def test_control_characters_in_csv_are_left_to_cells():
    rows = list(read("control_chars.csv").rows)
    with pytest.raises(cells.CellError) as error:
        cells.text(rows[0][1]["name"])
    assert "U+0007" in error.value.message


def test_undecodable_and_binary_csv():
    error = refusal(b"\x81\x30\xff\xff" * 10, "a.csv")
    assert "UTF-8" in error.message
    error = refusal((FIXTURES / "title_row.xlsx").read_bytes(), "客户.csv")
    assert "is an Excel workbook, not a CSV" in error.message


def test_utf16_text_from_excel():
    text = "\t".join(HEADERS) + "\r\nKH0001\t南京宏达\t\t\t\t\r\n"
    table = read_bytes(text.encode("utf-16"), "客户.txt")
    assert table.encoding == "utf-16"
    assert list(table.rows)[0][1]["name"] == "南京宏达"


# --- xlsx


def test_title_row_and_blank_rows_are_skipped():
    table = read("title_row.xlsx")
    assert table.format == "xlsx"
    assert table.sheet == "客户"
    assert table.header_row == 3
    assert table.unknown == ["备注"]
    rows = list(table.rows)
    assert [number for number, _row in rows] == [4, 6, 7]  # row 5 is blank
    assert rows[0][1]["name"] == "南京宏达机械有限公司"
    notes = table.notes()
    assert "The header is on row 3; the rows above it were skipped." in notes
    assert any("“备注”" in note for note in notes)


def test_dates_come_out_raw_and_convert():
    rows = list(read("dates.xlsx").rows)
    raw = [row["since"] for _number, row in rows]
    assert raw[5] == 46086
    assert raw[6] == datetime.datetime(2026, 3, 5, 10, 30)
    converted, refused = [], {}
    for number, row in rows:
        try:
            converted.append(
                cells.date(row["since"], earliest=datetime.date(1990, 1, 1), latest=datetime.date(2030, 12, 31))
            )
        except cells.CellError as error:
            refused[number] = error.message
    assert converted == [datetime.date(2026, 3, 5)] * 8
    assert sorted(refused) == [10, 11]
    assert "2026-02-30" in refused[10]
    assert "3/5/2026" in refused[11]


def test_numbers_typed_as_numbers():
    rows = dict(read("numbers.xlsx").rows)
    assert cells.code(rows[2]["code"]) == "203456789012345"
    assert cells.phone(rows[2]["phone"]) == "13912345678"
    assert cells.code(rows[3]["code"]) == "1002"
    with pytest.raises(cells.CellError) as error:
        cells.phone(rows[3]["phone"])
    assert "leading 0" in error.value.message
    with pytest.raises(cells.CellError) as error:
        cells.code(rows[4]["code"])
    assert "not exact" in error.value.message
    assert cells.phone(rows[4]["phone"]) == "13812345678"


def test_control_characters_in_xlsx_reach_cells():
    rows = list(read("control_chars.xlsx").rows)
    assert rows[0][1]["name"] == "南京宏达\x07机械有限公司"
    assert rows[1][1]["name"] == "苏州精工\x0b设备厂"
    for _number, row in rows:
        with pytest.raises(cells.CellError):
            cells.text(row["name"])


def test_data_on_the_second_sheet():
    table = read("two_sheets.xlsx")
    assert table.sheet == "客户"
    assert table.other_sheets == ["说明", "Sheet3"]  # the hidden "lists" and the empty "Sheet4" are left out
    assert len(list(table.rows)) == 3
    assert table.notes()[0] == "Read sheet “客户”; the sheets “说明”, “Sheet3” were not read."


def test_named_sheet():
    table = read("two_sheets.xlsx", sheet="客户")
    assert table.sheet == "客户"
    error = refusal("two_sheets.xlsx", sheet="Customers")
    assert "“Customers”" in error.message
    assert "“说明”, “客户”, “lists”, “Sheet3”, “Sheet4”" in error.message
    error = refusal("two_sheets.xlsx", sheet="说明")
    assert "Sheet “说明”" in error.message
    assert "“客户编码”, “客户名称”" in error.message


def test_no_sheet_matches_names_each_sheet():
    content = workbook_bytes(("说明", [["填写说明"]]), ("数据", [["编号", "名字"], ["1", "a"]]))
    error = refusal(content, "客户.xlsx")
    assert "Sheet “说明”" in error.message
    assert "Sheet “数据”" in error.message
    assert "“客户编码”, “客户名称”" in error.message


def test_hidden_column_is_read_and_reported():
    table = read("hidden_columns.xlsx")
    assert table.hidden == ["电话"]
    assert table.unknown == ["内部编号"]
    assert [row["phone"] for _number, row in table.rows] == ["13912345678", "0512-67891234", "022-23456789转801"]
    assert "The hidden column “电话” was read as well." in table.notes()


def test_header_synonyms_case_spaces_and_required_markers():
    header = [" customer  CODE *", "客户名称（必填）", "Phone (required)"]
    content = workbook_bytes(("Sheet1", [header, ["kh1", "x", "1"]]))
    table = read_bytes(content, "a.xlsx")
    assert table.columns == {"code": 0, "name": 1, "phone": 2}
    assert table.labels == {"code": "customer  CODE *", "name": "客户名称（必填）", "phone": "Phone (required)"}
    assert normalise_header(" 客户 编码 * ") == normalise_header("客户编码(必填)") == "客户编码"


def test_two_columns_for_one_key():
    content = workbook_bytes(("Sheet1", [["客户编码", "客户名称", "编码"], ["KH1", "a", "KH2"]]))
    error = refusal(content, "a.xlsx")
    assert "“客户编码”" in error.message and "“编码”" in error.message
    assert error.row == 1
    assert error.column == "编码"


def test_missing_header_names_the_missing_columns():
    content = workbook_bytes(("Sheet1", [["2026年客户台账"], [], ["客户编码", "联系人", "电话"], ["KH1", "张", "1"]]))
    error = refusal(content, "a.xlsx")
    assert "No row among the first 30 has the columns “客户名称”" in error.message
    assert "row 3" in error.message and "“联系人”" in error.message
    assert error.row == 3


def test_header_below_row_30_is_not_found():
    rows = [[f"说明 {number}"] for number in range(30)] + [HEADERS, ["KH1", "a"]]
    assert "first 30" in refusal(workbook_bytes(("Sheet1", rows)), "a.xlsx").message
    table = read_bytes(workbook_bytes(("Sheet1", rows[1:])), "a.xlsx")
    assert table.header_row == 30


def test_empty_workbook():
    assert "no data" in refusal(workbook_bytes(("Sheet1", [])), "a.xlsx").message


def test_short_rows_give_none_and_blank_rows_are_skipped():
    content = workbook_bytes(("Sheet1", [HEADERS, ["KH1", "a"], [None, "  ", None], ["KH2", "b", "A"]]))
    rows = list(read_bytes(content, "a.xlsx").rows)
    assert rows == [
        (2, {"code": "KH1", "name": "a", "tier": None, "contact": None, "phone": None, "since": None}),
        (4, {"code": "KH2", "name": "b", "tier": "A", "contact": None, "phone": None, "since": None}),
    ]


def test_max_rows():
    content = workbook_bytes(("Sheet1", [HEADERS, *[[f"KH{n}", "a"] for n in range(5)]]))
    assert len(list(read_bytes(content, "a.xlsx", max_rows=5).rows)) == 5
    table = read_bytes(content, "a.xlsx", max_rows=4)
    with pytest.raises(TableError) as error:
        list(table.rows)
    assert "more than 4 rows" in error.value.message
    assert error.value.row == 6
    csv_text = "\n".join([",".join(HEADERS)] + [f"KH{n},a" for n in range(5)])
    with pytest.raises(TableError):
        list(read_bytes(csv_text.encode(), "a.csv", max_rows=3).rows)


# --- wrong or damaged files


@pytest.mark.parametrize(
    "content, name, expected",
    [
        (b"hello", "a.xlsx", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xlsx", "password"),
        (b"PK\x03\x04" + b"\0" * 100, "a.xlsx", "could not be read"),
        ("<html><table><tr><td>客户编码</td></tr></table></html>".encode(), "a.xls", "web page"),
        (b"hello", "a.xls", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xls", "could not be read"),
        (b"anything", "a.pdf", "upload an .xlsx, .xls or .csv file"),
    ],
)
def test_content_that_contradicts_the_name(content, name, expected):
    error = refusal(content, name)
    assert expected in error.message
    assert name in error.message


def test_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hi")
    assert "zip archive but not an Excel workbook" in refusal(out.getvalue(), "a.xlsx").message


def test_xlsx_named_xls():
    error = refusal((FIXTURES / "title_row.xlsx").read_bytes(), "客户.xls")
    assert ".xlsx workbook named .xls" in error.message


def _same_numbers(rows):
    return [
        (
            number,
            {
                key: int(value) if isinstance(value, float) and value.is_integer() else value
                for key, value in row.items()
            },
        )
        for number, row in rows
    ]


@pytest.mark.parametrize(
    "name, options",
    [
        ("title_row.xlsx", {}),
        ("dates.xlsx", {}),
        ("numbers.xlsx", {}),
        ("control_chars.xlsx", {}),
        ("two_sheets.xlsx", {}),
        ("hidden_columns.xlsx", {}),
        ("title_row.xlsx", {"max_rows": 2}),
    ],
)
def test_calamine_reads_xlsx_as_openpyxl_does(name, options):
    # Also the reader behind .xls, for which no fixture can be written here.
    tables = [read(name, xlsx_engine=engine, **options) for engine in ("openpyxl", "calamine")]
    assert tables[0].format == tables[1].format == "xlsx"
    for attribute in ("sheet", "other_sheets", "header_row", "columns", "labels", "unknown", "hidden"):
        assert getattr(tables[0], attribute) == getattr(tables[1], attribute), attribute
    assert tables[0].notes() == tables[1].notes()
    results = []
    for table in tables:
        try:
            results.append(_same_numbers(table.rows))
        except TableError as error:
            results.append((error.row, error.message))
    assert results[0] == results[1]


def test_table_close_before_the_end():
    table = read("title_row.xlsx")
    next(table.rows)
    table.close()
    assert list(table.rows) == []


# --- messages


WRONG_FILES = [
    ("nul.csv", {}),
    ("unclosed_quote.csv", {}),
    ("two_sheets.xlsx", {"sheet": "Customers"}),
    ("two_sheets.xlsx", {"sheet": "说明"}),
    ("title_row.xlsx", {"required": ["code", "name"], "max_rows": 1}),
    ("gbk.csv", {"required": ["code", "since"], "max_rows": 1}),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name, options", WRONG_FILES)
def test_every_message_is_translatable(language, name, options):
    with translation.override(language):
        error = refusal(name, **options)
        assert error.message.strip()
        assert "%(" not in error.message


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("name", ["gbk.csv", "title_row.xlsx", "two_sheets.xlsx", "hidden_columns.xlsx"])
def test_notes_are_translatable(language, name):
    with translation.override(language):
        notes = read(name).notes()
    assert notes
    assert all(note.strip() and "%(" not in note for note in notes)
