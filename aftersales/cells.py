"""Converters for single cells of an uploaded table (see :mod:`aftersales.tabular`).

Each converter takes a raw cell value as the readers hand it over (None, str, int,
float, bool, datetime.datetime or datetime.date), returns the cleaned value, and
raises :class:`CellError` with a translated message that names the value and says
how to fix it. Empty cells (None or only whitespace) give "" for text and None for
dates, numbers and yes/no.

They run on every cell of large imports, so the regular expressions are compiled
once and gettext is only called when a value is refused.
"""

import datetime
import re
import unicodedata

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

__all__ = [
    "CellError",
    "Choice",
    "boolean",
    "choice",
    "code",
    "date",
    "integer",
    "phone",
    "text",
]


class CellError(ValueError):
    """A cell value that cannot be used; ``message`` is for the person who filled in the file."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


# Category Cc (C0, DEL, C1), the non-characters U+FFFE/U+FFFF and lone surrogates.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# The same, less tab and line feed, for multi-line text.
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_WHITESPACE = re.compile(r"\s")
# How Excel and LibreOffice show a long number in a "General" cell: 2.03E+14, 1,38E+10 (decimal comma).
_E_NOTATION = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]\d+")
_SHOW_LIMIT = 60


def _show(value) -> str:
    """The value as the user typed it, for a message: control characters made visible, long text cut."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = str(value)
    if len(text) > _SHOW_LIMIT:
        text = text[: _SHOW_LIMIT - 1] + "…"
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04X}", text)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _refuse_control(original, text: str, pattern=_CONTROL):
    match = pattern.search(text)
    if match:
        raise CellError(
            gettext(
                "“%(value)s” contains an invisible control character (U+%(code)04X) at position %(position)s; "
                "delete it by typing the text again, then upload the file again."
            )
            % {"value": _show(original), "code": ord(match.group()), "position": match.start() + 1}
        )


def _refuse_e_notation(text: str):
    raise CellError(
        gettext(
            "“%(value)s” is a number the spreadsheet showed in scientific notation, so its real digits are lost; "
            "format the column as text and type the value again."
        )
        % {"value": _show(text)}
    )


def _number_text(value) -> str:
    """An int or float cell written out as its digits (integral floats without ".0")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- text ----------------------------------------------------------------------------------------------


def text(value, *, max_length=None, multiline=False) -> str:
    """Trimmed text; control characters refused (tab and line feed allowed when ``multiline``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        result = value.strip()
    elif isinstance(value, bool):
        result = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float):
        result = _number_text(value)
    elif isinstance(value, datetime.datetime):
        result = value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    elif isinstance(value, datetime.date):
        result = value.isoformat()
    else:
        result = str(value).strip()
    if not result:
        return ""
    if multiline:
        if "\r" in result:
            result = result.replace("\r\n", "\n").replace("\r", "\n")
        _refuse_control(value, result, _CONTROL_MULTILINE)
    else:
        _refuse_control(value, result)
    if max_length is not None and len(result) > max_length:
        raise CellError(
            gettext("“%(value)s” is %(length)s characters long; this column takes at most %(limit)s. Shorten it.")
            % {"value": _show(result), "length": len(result), "limit": max_length}
        )
    return result


# --- code ----------------------------------------------------------------------------------------------


def _refuse_inexact(value):
    raise CellError(
        gettext(
            "“%(value)s” was typed as a number and is not exact (a code needs every digit); "
            "format the column as text and type the code again."
        )
        % {"value": _show(value)}
    )


def code(value, *, max_length=None) -> str:
    """An identifier such as a customer code or serial number: NFKC, trimmed, upper-case, no spaces."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(
            gettext("“%(value)s” is a yes/no value, not a code; type the code itself.") % {"value": _show(value)}
        )
    if isinstance(value, int):
        result = str(value)
    elif isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            result = str(int(value))
        else:
            _refuse_inexact(value)
    elif isinstance(value, datetime.date):
        raise CellError(
            gettext(
                "The spreadsheet turned this code into the date %(value)s; "
                "format the column as text and type the code again."
            )
            % {"value": _show(value)}
        )
    else:
        result = _nfkc(str(value)).strip().upper()
        if not result:
            return ""
        _refuse_control(value, result)
        if _WHITESPACE.search(result):
            raise CellError(
                gettext("“%(value)s” has a space inside; a code is written without spaces.") % {"value": _show(value)}
            )
        if _E_NOTATION.fullmatch(result):
            _refuse_e_notation(value)
    if max_length is not None and len(result) > max_length:
        raise CellError(
            gettext("“%(value)s” is %(length)s characters long; this column takes at most %(limit)s.")
            % {"value": _show(result), "length": len(result), "limit": max_length}
        )
    return result


# --- phone ---------------------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
_SERVICE = re.compile(r"[48]00\d{7}")  # 400 and 800 numbers
_AREA = re.compile(r"0\d{2,3}")
_LOCAL = re.compile(r"[2-9]\d{6,7}")
# An extension written with a word: 转801, 分机 801, ext. 801, x801.
_EXTENSION_WORD = re.compile(r"(.*?)\s*(?:转|分机|ext\.?|x)\s*(\d{1,6})", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"\+?[\d\s()\-\u2013\u2014]+")
_DIGIT_RUNS = re.compile(r"\d+")
_SEVERAL = re.compile(r"[/,;、，；|]|\s(?:或|和|and|or)\s")


def _phone_example() -> str:
    return gettext("write e.g. 13912345678 or 025-84561234-801")


def _refuse_phone(value):
    raise CellError(
        gettext("“%(value)s” is not a phone number; %(example)s.")
        % {"value": _show(value), "example": _phone_example()}
    )


def _refuse_lost_zero(value):
    raise CellError(
        gettext(
            "“%(value)s” looks like a landline number whose leading 0 was lost because the cell holds a number; "
            "format the column as text and type the number again with its area code, e.g. 025-84561234."
        )
        % {"value": _show(value)}
    )


def _split_landline(digits: str, groups: list[str]):
    """(area code, local number) or None; the written grouping decides, else the area code plan."""
    if len(groups) >= 2 and _AREA.fullmatch(groups[0]):
        area, local = groups[0], "".join(groups[1:])
    elif digits[:2] in ("01", "02"):  # 010 and 020-029 are the three-digit area codes
        area, local = digits[:3], digits[3:]
    else:
        area, local = digits[:4], digits[4:]
    if _AREA.fullmatch(area) and _LOCAL.fullmatch(local):
        return area, local
    return None


def _phone_main(main: str, groups: list[str]):
    """The normalised number without extension, or None."""
    digits = "".join(groups)
    international = main.startswith("+")
    if international:
        if not digits.startswith("86"):
            return None
        digits, groups = digits[2:], groups[1:] if groups[0] == "86" else [groups[0][2:], *groups[1:]]
    elif digits.startswith("0086"):
        digits, groups = digits[4:], groups[1:] if groups[0] == "0086" else [groups[0][4:], *groups[1:]]
        international = True
    elif len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if _MOBILE.fullmatch(digits):
        return digits
    if international and digits[:1] not in ("0", "1", "4", "8"):
        # +86 25 8456 1234: the area code is dialled without its 0 from abroad.
        digits = "0" + digits
        groups = ["0" + groups[0], *groups[1:]] if groups and groups[0] else groups
    if _SERVICE.fullmatch(digits):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    groups = [g for g in groups if g]
    landline = _split_landline(digits, groups) if digits.startswith("0") else None
    if landline:
        return f"{landline[0]}-{landline[1]}"
    return None


def phone(value) -> str:
    """One mainland China phone number: 13912345678, 025-84561234, 400-123-4567, with -801 for an extension."""
    if value is None:
        return ""
    if isinstance(value, str) and _MOBILE.fullmatch(value):
        return value  # the usual case, already clean
    if isinstance(value, bool):
        _refuse_phone(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            _refuse_phone(value)
        digits = str(int(value))
        if len(digits) == 13 and digits.startswith("861"):
            digits = digits[2:]
        if _MOBILE.fullmatch(digits):
            return digits
        if 9 <= len(digits) <= 11 and digits[0] not in "01":
            _refuse_lost_zero(value)
        _refuse_phone(value)
    if isinstance(value, datetime.date):
        _refuse_phone(value)
    written = _nfkc(str(value)).strip()
    if not written:
        return ""
    _refuse_control(value, written)
    if _E_NOTATION.fullmatch(written):
        _refuse_e_notation(value)
    main, extension = written, ""
    match = _EXTENSION_WORD.fullmatch(written)
    if match:
        main, extension = match.group(1), match.group(2)
    if not _PHONE_CHARS.fullmatch(main):
        runs = [run for run in _DIGIT_RUNS.findall(written) if len(run) >= 7]
        if len(runs) >= 2 or (_SEVERAL.search(written) and runs):
            raise CellError(
                gettext("“%(value)s” holds more than one phone number; keep one number per cell.")
                % {"value": _show(value)}
            )
        _refuse_phone(value)
    groups = _DIGIT_RUNS.findall(main)
    if not groups:
        _refuse_phone(value)
    number = _phone_main(main, groups)
    if number is None and not extension and len(groups) >= 2 and len(groups[-1]) <= 6:
        # 025-84561234-801: the last group is an extension.
        candidate = _phone_main(main, groups[:-1])
        if candidate is not None and not _MOBILE.fullmatch(candidate):
            number, extension = candidate, groups[-1]
    if number is None:
        digits = "".join(groups)
        if len(groups) == 1 and 9 <= len(digits) <= 11 and digits[0] not in "01":
            _refuse_lost_zero(value)
        if len(groups) == 1 and 7 <= len(digits) <= 8 and digits[0] not in "01":
            raise CellError(
                gettext("“%(value)s” has no area code; write it with the area code, e.g. 025-84561234.")
                % {"value": _show(value)}
            )
        runs = [run for run in groups if len(run) >= 7]
        if len(runs) >= 2:
            raise CellError(
                gettext("“%(value)s” holds more than one phone number; keep one number per cell.")
                % {"value": _show(value)}
            )
        _refuse_phone(value)
    if extension:
        if _MOBILE.fullmatch(number):
            _refuse_phone(value)
        return f"{number}-{extension}"
    return number


# --- date ----------------------------------------------------------------------------------------------

_SERIAL_TEXT = re.compile(r"(\d{5})(?:\.0+)?")
_DATE_TEXT = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_AMBIGUOUS = re.compile(r"\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}(?:\s.*)?")
_MAX_SERIAL = 2958465  # 9999-12-31


def _refuse_not_date(value):
    raise CellError(gettext("“%(value)s” is not a date; write it as 2026-03-05.") % {"value": _show(value)})


def _from_serial(value, original) -> datetime.date:
    from openpyxl.utils.datetime import from_excel

    if not 0 < value <= _MAX_SERIAL:
        _refuse_not_date(original)
    return from_excel(value).date()


def _make_date(original, year, month, day) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise CellError(
            gettext("“%(value)s” is not a date that exists; check the day and the month.") % {"value": _show(original)}
        ) from None


def date(value, *, earliest: datetime.date, latest: datetime.date) -> datetime.date | None:
    """A calendar date from a date cell, an Excel serial number or text such as 2026-03-05 or 2026年3月5日."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, bool):
        _refuse_not_date(value)
    elif isinstance(value, int | float):
        if isinstance(value, int) and 10000000 <= value <= 99991231:
            digits = str(value)  # 20260305 typed as a number
            result = _make_date(value, digits[:4], digits[4:6], digits[6:])
        else:
            result = _from_serial(value, value)
    else:
        written = _nfkc(str(value)).strip()
        if not written:
            return None
        match = _ISO_DATE.fullmatch(written) or _DATE_TEXT.fullmatch(written) or _DATE_COMPACT.fullmatch(written)
        if match:
            result = _make_date(value, *match.groups())
        elif _SERIAL_TEXT.fullmatch(written):
            result = _from_serial(float(written), value)
        elif _DATE_AMBIGUOUS.fullmatch(written):
            raise CellError(
                gettext(
                    "“%(value)s” can be read as more than one date (day and month could be either way round); "
                    "write it as year-month-day, e.g. 2026-03-05."
                )
                % {"value": _show(value)}
            )
        else:
            _refuse_not_date(value)
    if result < earliest:
        raise CellError(
            gettext("%(value)s is before %(earliest)s, the earliest date this column takes.")
            % {"value": result.isoformat(), "earliest": earliest.isoformat()}
        )
    if result > latest:
        raise CellError(
            gettext("%(value)s is after %(latest)s, the latest date this column takes.")
            % {"value": result.isoformat(), "latest": latest.isoformat()}
        )
    return result


# --- integer -------------------------------------------------------------------------------------------

_INTEGER_TEXT = re.compile(r"[+-]?\d+(?:\.0*)?")
_INTEGER_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.0*)?")


def _refuse_integer(value):
    raise CellError(gettext("“%(value)s” is not a whole number; write digits only, e.g. 12.") % {"value": _show(value)})


def integer(value, *, minimum=None, maximum=None) -> int | None:
    """A whole number: 12, 12.0, "1,234"; scientific notation refused."""
    if value is None:
        return None
    if isinstance(value, bool):
        _refuse_integer(value)
    if isinstance(value, int):
        result = value
    elif isinstance(value, float):
        if not value.is_integer():
            _refuse_integer(value)
        result = int(value)
    elif isinstance(value, datetime.date):
        _refuse_integer(value)
    else:
        written = _nfkc(str(value)).strip()
        if not written:
            return None
        if _INTEGER_TEXT.fullmatch(written):
            result = int(written.split(".")[0])
        elif _INTEGER_GROUPED.fullmatch(written):
            result = int(written.split(".")[0].replace(",", ""))
        elif _E_NOTATION.fullmatch(written):
            _refuse_e_notation(value)
        else:
            _refuse_integer(value)
    if minimum is not None and result < minimum:
        raise CellError(
            gettext("%(value)s is less than %(minimum)s, the smallest number this column takes.")
            % {"value": result, "minimum": minimum}
        )
    if maximum is not None and result > maximum:
        raise CellError(
            gettext("%(value)s is more than %(maximum)s, the largest number this column takes.")
            % {"value": result, "maximum": maximum}
        )
    return result


# --- boolean -------------------------------------------------------------------------------------------

_BOOLEANS = {
    **dict.fromkeys(["1", "true", "yes", "y", "是", "√", "✓", "✔", "有", "对"], True),
    **dict.fromkeys(["0", "false", "no", "n", "否", "×", "✗", "✘", "无", "没有", "不是"], False),
}


def boolean(value) -> bool | None:
    """Yes or no: 1/0, true/false, yes/no, y/n, 是/否, √/×, 有/无 (any case)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        written = _nfkc(value).strip().casefold()
        if not written:
            return None
        result = _BOOLEANS.get(written)
        if result is not None:
            return result
    raise CellError(
        gettext("“%(value)s” is neither yes nor no; write 是 or 否 (or yes/no, 1/0).") % {"value": _show(value)}
    )


# --- choice --------------------------------------------------------------------------------------------


def _choice_key(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


class Choice:
    """One of a fixed list of (code, label) pairs, matched by code or by label in any site language.

    Build it once per column and call it on every cell; ``allowed_text()`` lists the
    labels in the active language for messages and help text.
    """

    def __init__(self, choices, *, show_codes: bool = False):
        self.choices = list(choices)
        self.show_codes = show_codes  # name the codes in messages: what a template's drop-down offers
        lookup = {}
        exact = {}
        for value, _label in self.choices:
            lookup.setdefault(_choice_key(value), value)
            exact.setdefault(str(value), value)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for value, label in self.choices:
                    lookup.setdefault(_choice_key(label), value)
                    exact.setdefault(str(label), value)
        exact.update(lookup)
        self._lookup = lookup
        self._exact = exact  # also the codes and labels exactly as written, to skip normalising

    def __call__(self, value):
        if _is_empty(value):
            return ""
        if isinstance(value, str) and value in self._exact:
            return self._exact[value]
        found = self._lookup.get(_choice_key(value))
        if found is None:
            raise CellError(
                gettext("“%(value)s” is not one of the values this column takes: %(allowed)s.")
                % {"value": _show(value), "allowed": self.allowed_text()}
            )
        return found

    def allowed_text(self) -> str:
        if self.show_codes:
            return gettext(", ").join(
                gettext("“%(code)s” (%(label)s)") % {"code": value, "label": label} for value, label in self.choices
            )
        return gettext(", ").join(f"“{label}”" for _value, label in self.choices)


_CHOICE_CACHE: dict[int, tuple[object, Choice]] = {}


def choice(value, choices) -> str:
    """:class:`Choice` for one value; the lookup is kept per ``choices`` object."""
    cached = _CHOICE_CACHE.get(id(choices))
    if cached is None or cached[0] is not choices:
        if len(_CHOICE_CACHE) > 64:
            _CHOICE_CACHE.clear()
        cached = (choices, Choice(choices))
        _CHOICE_CACHE[id(choices)] = cached
    return cached[1](value)
