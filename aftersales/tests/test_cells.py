"""What the cell converters of aftersales.cells accept, how they write it, and what they tell the user."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from aftersales import cells
from aftersales.cells import CellError, Choice

EARLIEST = datetime.date(1990, 1, 1)
LATEST = datetime.date(2030, 12, 31)
TIERS = [("A", gettext_lazy("Key account")), ("B", gettext_lazy("Regular")), ("C", gettext_lazy("Occasional"))]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refusal(converter, value, **options) -> str:
    with pytest.raises(CellError) as error:
        converter(value, **options)
    assert isinstance(error.value, ValueError)
    assert str(error.value) == error.value.message
    return error.value.message


# --- text


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, ""),
        ("   ", ""),
        ("  南京宏达 ", "南京宏达"),
        (123, "123"),
        (123.0, "123"),
        (1.5, "1.5"),
        (datetime.date(2026, 3, 5), "2026-03-05"),
    ],
)
def test_text_values(value, expected):
    assert cells.text(value) == expected


def test_text_multiline_keeps_line_breaks_and_tabs():
    assert cells.text("第一行\r\n第二行\t备注", multiline=True) == "第一行\n第二行\t备注"


@pytest.mark.parametrize("value", ["南京\x07宏达", "南京\x0b宏达", "a\x00b", "a\x85b", "a\ufffeb", "a\ud800b"])
def test_text_refuses_control_characters(value):
    message = refusal(cells.text, value)
    assert "control character" in message
    assert "U+" in message


@pytest.mark.parametrize("value", ["第一行\n第二行", "a\tb"])
def test_text_refuses_line_breaks_and_tabs_on_one_line(value):
    assert "control character" in refusal(cells.text, value)
    assert cells.text(value, multiline=True)


def test_text_refuses_too_long_saying_length_and_limit():
    message = refusal(cells.text, "南京宏达机械有限公司", max_length=4)
    assert "南京宏达机械有限公司" in message
    assert "10" in message and "4" in message
    assert cells.text("南京宏达", max_length=4) == "南京宏达"


# --- code


@pytest.mark.parametrize(
    "value, expected",
    [
        ("ＫＨ０００２", "KH0002"),
        (" kh0002 ", "KH0002"),
        (1002, "1002"),
        (1002.0, "1002"),
        (203456789012345, "203456789012345"),
        (203456789012345.0, "203456789012345"),
        (None, ""),
        (" ", ""),
    ],
)
def test_code_values(value, expected):
    assert cells.code(value) == expected


@pytest.mark.parametrize("value", ["2.03E+14", "2,03E+14", "1.38e+10", "1E+15"])
def test_code_refuses_scientific_notation(value):
    message = refusal(cells.code, value)
    assert value in message
    assert "scientific notation" in message
    assert "format the column as text" in message


@pytest.mark.parametrize("value", [2.0345678901234568e17, 1e15, 12.5])
def test_code_refuses_inexact_numbers(value):
    message = refusal(cells.code, value)
    assert "not exact" in message
    assert "format the column as text" in message


def test_code_refuses_inner_space_and_control_characters():
    assert "KH 0002" in refusal(cells.code, "KH 0002")
    assert "control character" in refusal(cells.code, "KH\x070002")


def test_code_refuses_too_long():
    message = refusal(cells.code, "KH000200", max_length=6)
    assert "8" in message and "6" in message


def test_code_refuses_a_date():
    assert "date" in refusal(cells.code, datetime.datetime(2026, 3, 5))


# --- phone


@pytest.mark.parametrize(
    "value, expected",
    [
        ("13912345678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("+8613912345678", "13912345678"),
        ("86 13912345678", "13912345678"),
        ("0086-13912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        (13912345678, "13912345678"),
        (13912345678.0, "13912345678"),
        ("025-84561234", "025-84561234"),
        ("025 84561234", "025-84561234"),
        ("02584561234", "025-84561234"),
        ("(025)84561234", "025-84561234"),
        ("（025）84561234", "025-84561234"),
        ("0512-6789123", "0512-6789123"),
        ("05126789123", "0512-6789123"),
        ("010-12345678".replace("1234", "2234"), "010-22345678"),
        ("+86 25 8456 1234", "025-84561234"),
        ("400-123-4567", "400-123-4567"),
        ("4001234567", "400-123-4567"),
        ("800 123 4567", "800-123-4567"),
        ("025-84561234-801", "025-84561234-801"),
        ("025-84561234转801", "025-84561234-801"),
        ("025-84561234 ext. 801", "025-84561234-801"),
        ("025-84561234 EXT801", "025-84561234-801"),
        ("025-84561234x801", "025-84561234-801"),
        ("025-84561234分机801", "025-84561234-801"),
        ("400-123-4567转2", "400-123-4567-2"),
        (None, ""),
        (" ", ""),
    ],
)
def test_phone_values(value, expected):
    assert cells.phone(value) == expected


@pytest.mark.parametrize(
    "value, shown",
    [(2584561234, "2584561234"), (2584561234.0, "2584561234"), (512678912, "512678912"), ("2584561234", "2584561234")],
)
def test_phone_refuses_landline_that_lost_its_zero(value, shown):
    message = refusal(cells.phone, value)
    assert f"“{shown}”" in message
    assert "leading 0" in message
    assert "format the column as text" in message


def test_phone_refuses_scientific_notation():
    message = refusal(cells.phone, "1.38E+10")
    assert "1.38E+10" in message
    assert "scientific notation" in message


@pytest.mark.parametrize("value", ["see notes", "张经理", "139123", "12345678901", "无"])
def test_phone_refuses_free_text(value):
    message = refusal(cells.phone, value)
    assert f"“{value}” is not a phone number" in message
    assert "13912345678 or 025-84561234-801" in message


@pytest.mark.parametrize("value", ["13912345678/13812345678", "13912345678, 025-84561234", "13912345678 13812345678"])
def test_phone_refuses_several_numbers(value):
    assert "more than one phone number" in refusal(cells.phone, value)


def test_phone_refuses_missing_area_code_and_control_characters():
    assert "area code" in refusal(cells.phone, "84561234")
    assert "control character" in refusal(cells.phone, "139\x0712345678")


# --- date


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-05",
        "2026/3/5",
        "2026.03.05",
        "2026年3月5日",
        "2026 年 3 月 5 日",
        "２０２６年３月５日",
        "2026-03-05 10:30",
        "2026-03-05 00:00:00",
        "20260305",
        "46086",
        "46086.0",
        46086,
        46086.75,
        20260305,
        datetime.date(2026, 3, 5),
        datetime.datetime(2026, 3, 5, 10, 30),
    ],
)
def test_date_spellings(value):
    assert cells.date(value, earliest=EARLIEST, latest=LATEST) == datetime.date(2026, 3, 5)


@pytest.mark.parametrize("value", [None, "", "  "])
def test_date_empty(value):
    assert cells.date(value, earliest=EARLIEST, latest=LATEST) is None


def test_date_refuses_impossible_date():
    message = refusal(cells.date, "2026-02-30", earliest=EARLIEST, latest=LATEST)
    assert "2026-02-30" in message
    assert "not a date that exists" in message


@pytest.mark.parametrize("value", ["3/5/2026", "05/03/2026", "5.3.26"])
def test_date_refuses_ambiguous_order(value):
    message = refusal(cells.date, value, earliest=EARLIEST, latest=LATEST)
    assert value in message
    assert "2026-03-05" in message


@pytest.mark.parametrize("value", ["soon", "2026-03", True, 0, -1])
def test_date_refuses_non_dates(value):
    assert "write it as 2026-03-05" in refusal(cells.date, value, earliest=EARLIEST, latest=LATEST)


def test_date_bounds_name_both_dates():
    message = refusal(cells.date, datetime.date(1, 1, 1), earliest=EARLIEST, latest=LATEST)
    assert message == "0001-01-01 is before 1990-01-01, the earliest date this column takes."
    message = refusal(cells.date, "2031-01-01", earliest=EARLIEST, latest=LATEST)
    assert message == "2031-01-01 is after 2030-12-31, the latest date this column takes."


# --- integer


@pytest.mark.parametrize(
    "value, expected",
    [(12, 12), (12.0, 12), ("12", 12), (" 12 ", 12), ("1,234", 1234), ("1,234,567", 1234567), ("-3", -3), (None, None)],
)
def test_integer_values(value, expected):
    assert cells.integer(value) == expected


@pytest.mark.parametrize("value", ["12.5", 12.5, "十二", "1,23", True])
def test_integer_refuses_non_integers(value):
    assert "is not a whole number" in refusal(cells.integer, value)


def test_integer_refuses_scientific_notation_and_bounds():
    assert "scientific notation" in refusal(cells.integer, "1.2E+05")
    assert "less than 1" in refusal(cells.integer, 0, minimum=1)
    assert "more than 10" in refusal(cells.integer, "11", maximum=10)
    assert cells.integer("10", minimum=1, maximum=10) == 10


# --- boolean


@pytest.mark.parametrize(
    "value, expected",
    [
        (1, True),
        (0, False),
        (1.0, True),
        (True, True),
        ("TRUE", True),
        ("false", False),
        ("Yes", True),
        ("no", False),
        ("Y", True),
        ("n", False),
        ("是", True),
        ("否", False),
        ("√", True),
        ("×", False),
        ("有", True),
        ("无", False),
        (None, None),
        (" ", None),
    ],
)
def test_boolean_values(value, expected):
    assert cells.boolean(value) is expected


@pytest.mark.parametrize("value", ["maybe", 2, "可能"])
def test_boolean_refuses_others(value):
    assert f"“{value}” is neither yes nor no" in refusal(cells.boolean, value)


# --- choice


@pytest.mark.parametrize("value", ["A", "a", " a ", "Ａ", "Key account", "key ACCOUNT"])
def test_choice_matches_code_or_label(value):
    assert cells.choice(value, TIERS) == "A"
    assert Choice(TIERS)(value) == "A"


def test_choice_matches_labels_of_every_language():
    choices = [("A", gettext_lazy("Yes")), ("B", gettext_lazy("No"))]
    with translation.override("zh-hans"):
        chinese = str(choices[0][1])
    # The label in another language matches whatever language is active.
    with translation.override("en"):
        assert Choice(choices)(chinese) == "A"
        assert Choice(choices)("Yes") == "A"


def test_choice_refuses_listing_allowed_values():
    message = refusal(cells.choice, "VIP", choices=TIERS)
    assert "“VIP”" in message
    assert "“Key account”, “Regular”, “Occasional”" in message
    assert Choice(TIERS).allowed_text() == "“Key account”, “Regular”, “Occasional”"


def test_choice_empty():
    assert cells.choice(None, TIERS) == ""
    assert cells.choice("  ", TIERS) == ""


# --- messages


REFUSALS = [
    (cells.text, "a\x07", {}),
    (cells.text, "abcdef", {"max_length": 2}),
    (cells.code, "2.03E+14", {}),
    (cells.code, 1.5, {}),
    (cells.code, "A B", {}),
    (cells.code, datetime.date(2026, 3, 5), {}),
    (cells.phone, "see notes", {}),
    (cells.phone, 2584561234, {}),
    (cells.phone, "13912345678/13812345678", {}),
    (cells.phone, "84561234", {}),
    (cells.date, "2026-02-30", {"earliest": EARLIEST, "latest": LATEST}),
    (cells.date, "3/5/2026", {"earliest": EARLIEST, "latest": LATEST}),
    (cells.date, "soon", {"earliest": EARLIEST, "latest": LATEST}),
    (cells.date, "1900-01-01", {"earliest": EARLIEST, "latest": LATEST}),
    (cells.date, "2100-01-01", {"earliest": EARLIEST, "latest": LATEST}),
    (cells.integer, "x", {}),
    (cells.integer, 5, {"minimum": 6}),
    (cells.integer, 5, {"maximum": 4}),
    (cells.boolean, "x", {}),
    (cells.choice, "x", {"choices": TIERS}),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("converter, value, options", REFUSALS)
def test_every_message_is_translatable(language, converter, value, options):
    with translation.override(language):
        message = refusal(converter, value, **options)
    assert message.strip()
    assert "%(" not in message
