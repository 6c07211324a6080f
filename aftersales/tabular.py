"""Read an uploaded table (.xlsx, .xls or .csv) into numbered rows of raw cell values.

:func:`read_table` finds the header row by the column names a caller expects (any of
several synonyms per column, in any case, with or without a "*" or "(必填)" marker),
skipping title rows and blank rows above it, picks the sheet that holds it, and hands
back a :class:`Table` whose ``rows`` generator reads the data rows lazily. Cells are
handed over raw; :mod:`aftersales.cells` converts them. Every problem with the file
itself is a :class:`TableError` with a message for the person who uploaded it.
"""

import csv
import io
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext, ngettext

__all__ = ["Table", "TableError", "read_table", "normalise_header"]

HEADER_SEARCH_ROWS = 30  # non-empty rows looked at for the header
DATA_PEEK_ROWS = 1000  # rows looked at to tell whether another sheet holds data

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class TableError(Exception):
    """The uploaded file cannot be read as a table; ``message`` says why and what to do."""

    def __init__(self, message, *, row=None, column=None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column

    def __str__(self):
        return str(self.message)


@dataclass
class Table:
    format: str  # "xlsx" | "xls" | "csv"
    encoding: str | None  # csv only: "utf-8", "utf-8-sig", "gb18030" (or "utf-16" for Excel's Unicode text)
    sheet: str | None  # sheet read (None for csv)
    other_sheets: list[str]  # the other visible sheets that hold any data, not read
    header_row: int  # 1-based row of the header in the file
    columns: dict[str, int]  # spec key -> 0-based column index
    labels: dict[str, str]  # spec key -> the header text as written in the file
    unknown: list[str]  # header texts that match no spec key (ignored)
    hidden: list[str]  # header texts of hidden columns that were matched (still read)
    rows: Iterator[tuple[int, dict[str, object]]] = field(repr=False)
    _close: object = field(default=None, repr=False)

    def close(self):
        """Release the file early (the ``rows`` generator does it itself when exhausted)."""
        self.rows.close()
        if self._close is not None:
            self._close()
            self._close = None

    def notes(self) -> list[str]:
        """Sentences telling the user how the file was read."""
        notes = []
        if self.sheet is not None and self.other_sheets:
            notes.append(
                ngettext(
                    "Read sheet “%(sheet)s”; the sheet %(others)s was not read.",
                    "Read sheet “%(sheet)s”; the sheets %(others)s were not read.",
                    len(self.other_sheets),
                )
                % {"sheet": self.sheet, "others": _quoted(self.other_sheets)}
            )
        if self.header_row > 1:
            notes.append(
                gettext("The header is on row %(row)s; the rows above it were skipped.") % {"row": self.header_row}
            )
        if self.encoding == "gb18030":
            notes.append(gettext("The file was read as Chinese text in the GB18030 (GBK) encoding."))
        if self.hidden:
            notes.append(
                ngettext(
                    "The hidden column %(columns)s was read as well.",
                    "The hidden columns %(columns)s were read as well.",
                    len(self.hidden),
                )
                % {"columns": _quoted(self.hidden)}
            )
        if self.unknown:
            notes.append(
                ngettext(
                    "The column %(columns)s is not used by this import and was ignored.",
                    "The columns %(columns)s are not used by this import and were ignored.",
                    len(self.unknown),
                )
                % {"columns": _quoted(self.unknown)}
            )
        return notes


def _quoted(names) -> str:
    return gettext(", ").join(f"“{name}”" for name in names)


# --- headers -------------------------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")
_MARKER = re.compile(r"(?:\*|\(必填\)|\(required\)|\(必须\))+$")


def normalise_header(text) -> str:
    """Header text as matched: NFKC, case-folded, no whitespace, no "*" or "(必填)" marker."""
    if text is None:
        return ""
    result = _SPACES.sub("", unicodedata.normalize("NFKC", str(text)).casefold())
    result = _MARKER.sub("", result)
    return result.lstrip("*")


def _header_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _is_blank(row) -> bool:
    for value in row:
        if value is not None and (not isinstance(value, str) or value.strip()):
            return False
    return True


class _Spec:
    def __init__(self, spec, required):
        self.lookup = {}
        self.display = {}
        for key, synonyms in spec.items():
            synonyms = list(synonyms) or [key]
            self.display[key] = str(synonyms[0])
            for synonym in synonyms:
                self.lookup.setdefault(normalise_header(synonym), key)
        unknown = [key for key in required if key not in spec]
        if unknown:
            raise ValueError(f"required keys not in spec: {unknown}")
        self.required = list(required)

    def match(self, row):
        """{key: [(index, header text), ...]} for the cells of ``row`` that name a spec key."""
        found = {}
        for index, value in enumerate(row):
            if value is None:
                continue
            key = self.lookup.get(normalise_header(value))
            if key is not None:
                found.setdefault(key, []).append((index, _header_text(value)))
        return found


@dataclass
class _Header:
    row: int
    columns: dict
    labels: dict
    unknown: list


def _find_header(rows, spec: _Spec):
    """Consume ``rows`` up to the header; return a _Header, or raise TableError saying what is missing."""
    best = None  # (number of required found, row number, found)
    seen = 0
    for number, row in rows:
        if _is_blank(row):
            continue
        seen += 1
        found = spec.match(row)
        if all(key in found for key in spec.required):
            for cells in found.values():
                if len(cells) > 1:
                    raise TableError(
                        gettext(
                            "Row %(row)s has the column “%(first)s” twice (also as “%(second)s”); "
                            "keep one of them and delete or rename the other."
                        )
                        % {"row": number, "first": cells[0][1], "second": cells[1][1]},
                        row=number,
                        column=cells[1][1],
                    )
            matched = {cells[0][0] for cells in found.values()}
            unknown = [
                _header_text(value) for index, value in enumerate(row) if index not in matched and _header_text(value)
            ]
            return _Header(
                row=number,
                columns={key: cells[0][0] for key, cells in found.items()},
                labels={key: cells[0][1] for key, cells in found.items()},
                unknown=unknown,
            )
        score = sum(1 for key in spec.required if key in found)
        if best is None or score > best[0]:
            best = (score, number, row)
        if seen >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        raise TableError(gettext("The file holds no data."))
    _score, number, row = best
    found = spec.match(row)
    missing = [key for key in spec.required if key not in found]
    texts = [_header_text(value) for value in row if _header_text(value)]
    message = gettext(
        "No row among the first %(limit)s has the columns %(missing)s; "
        "the nearest was row %(row)s, with the columns %(found)s."
    ) % {
        "limit": HEADER_SEARCH_ROWS,
        "missing": _quoted(spec.display[key] for key in missing),
        "row": number,
        "found": _quoted(texts[:12]) + ("…" if len(texts) > 12 else ""),
    }
    raise TableError(message, row=number)


# --- data rows -----------------------------------------------------------------------------------------


def _data_rows(rows, header: _Header, max_rows, on_close, translate_error):
    """The rows below the header as (row number, {key: value}), blank rows skipped."""
    items = list(header.columns.items())
    count = 0
    number = header.row
    try:
        while True:
            try:
                number, row = next(rows)
            except StopIteration:
                return
            except TableError:
                raise
            except Exception as exc:
                raise translate_error(exc, number + 1) from exc
            if _is_blank(row):
                continue
            count += 1
            if max_rows is not None and count > max_rows:
                raise TableError(
                    gettext(
                        "The file has more than %(limit)s rows of data, the most one import takes; "
                        "split it into files of at most %(limit)s rows."
                    )
                    % {"limit": max_rows},
                    row=number,
                )
            width = len(row)
            yield number, {key: (row[index] if index < width else None) for key, index in items}
    finally:
        if on_close is not None:
            on_close()


def _pick_sheet(sheets, spec: _Spec, sheet, *, visible):
    """Find the header. ``sheets`` is [(name, rows factory)], ``visible`` the names not hidden.

    Returns (name, rows iterator positioned after the header, _Header, other sheets with data).
    """
    names = [name for name, _factory in sheets]
    if sheet is not None:
        if sheet not in names:
            raise TableError(
                gettext("The workbook has no sheet “%(sheet)s”; its sheets are %(sheets)s.")
                % {"sheet": sheet, "sheets": _quoted(names)}
            )
        candidates = [(name, factory) for name, factory in sheets if name == sheet]
    else:
        candidates = [(name, factory) for name, factory in sheets if name in visible]
        if not candidates:
            raise TableError(gettext("The workbook has no visible sheet."))
    failures = []
    with_data = set()
    for name, factory in candidates:
        rows = iter(factory())
        try:
            header = _find_header(rows, spec)
        except TableError as error:
            failures.append((name, error))
            if error.row is not None:
                with_data.add(name)
            continue
        others = []
        for other, other_factory in sheets:
            if other == name or other not in visible:
                continue
            if other in with_data or _has_data(other_factory()):
                others.append(other)
        return name, rows, header, others
    if len(failures) == 1:
        name, error = failures[0]
        if len(names) == 1:
            raise error
        raise TableError(
            gettext("Sheet “%(sheet)s”: %(problem)s") % {"sheet": name, "problem": error.message}, row=error.row
        )
    raise TableError(
        gettext("No sheet has the columns this import needs. %(problems)s")
        % {
            "problems": " ".join(
                gettext("Sheet “%(sheet)s”: %(problem)s") % {"sheet": name, "problem": error.message}
                for name, error in failures
            )
        }
    )


def _has_data(rows) -> bool:
    for count, (_number, row) in enumerate(rows):
        if not _is_blank(row):
            return True
        if count >= DATA_PEEK_ROWS:
            break
    return False


def _numbered(rows, transform=None):
    if transform is None:
        return enumerate(rows, start=1)
    return ((number, transform(row)) for number, row in enumerate(rows, start=1))


# --- xlsx ----------------------------------------------------------------------------------------------

_ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape_row(row):
    # Excel stores control characters in strings as _x0007_; openpyxl leaves them so.
    for value in row:
        if isinstance(value, str) and "_x" in value:
            return tuple(
                _ESCAPED_CHAR.sub(lambda m: chr(int(m.group(1), 16)), v) if isinstance(v, str) else v for v in row
            )
    return row


def _hidden_columns(archive: zipfile.ZipFile) -> dict[str, set[int]]:
    """{sheet name: 0-based indexes of hidden columns}, from each sheet's <cols> element."""
    result = {}
    with archive.open("xl/workbook.xml") as source:
        sheets = [
            (element.get("name"), element.get(_REL_NS + "id"))
            for _event, element in iterparse(source)
            if element.tag == _MAIN_NS + "sheet"
        ]
    with archive.open("xl/_rels/workbook.xml.rels") as source:
        targets = {
            element.get("Id"): element.get("Target")
            for _event, element in iterparse(source)
            if element.tag == _PKG_REL_NS + "Relationship"
        }
    for name, rel_id in sheets:
        target = targets.get(rel_id)
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        try:
            source = archive.open(path)
        except KeyError:
            continue
        hidden = set()
        with source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == _MAIN_NS + "sheetData":
                    break
                if element.tag == _MAIN_NS + "col" and element.get("hidden") in ("1", "true"):
                    hidden.update(range(int(element.get("min")) - 1, int(element.get("max"))))
        result[name] = hidden
    return result


def _hidden_labels(header, hidden_indexes) -> list[str]:
    labels_by_index = {index: header.labels[key] for key, index in header.columns.items()}
    return [labels_by_index[index] for index in sorted(hidden_indexes) if index in labels_by_index]


def _damaged(filename, kind):
    return TableError(
        gettext("“%(file)s” could not be read as %(kind)s: the file is damaged or in another format.")
        % {"file": filename, "kind": kind}
    )


def _read_xlsx(fileobj, filename, spec, sheet, max_rows, engine="openpyxl"):
    import openpyxl

    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(_OLE_MAGIC):
        raise TableError(
            gettext(
                "“%(file)s” is an old .xls workbook or a password-protected file, not an .xlsx workbook; "
                "remove any password in Excel and save it as .xlsx."
            )
            % {"file": filename}
        )
    if not head.startswith(_ZIP_MAGIC):
        raise TableError(
            gettext("“%(file)s” is not an Excel workbook although its name ends in .xlsx; save it again as .xlsx.")
            % {"file": filename}
        )
    try:
        archive = zipfile.ZipFile(fileobj)
        if "xl/workbook.xml" not in archive.namelist():
            raise TableError(
                gettext("“%(file)s” is a zip archive but not an Excel workbook; open it in Excel and save it as .xlsx.")
                % {"file": filename}
            )
        hidden_columns = _hidden_columns(archive)
        fileobj.seek(0)
        if engine == "calamine":
            return _read_calamine(
                fileobj, filename, spec, sheet, max_rows, format="xlsx", hidden_columns=hidden_columns
            )
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except TableError:
        raise
    except Exception as exc:
        raise _damaged(filename, gettext("an Excel workbook")) from exc

    def factory(worksheet):
        return lambda: _numbered(worksheet.iter_rows(values_only=True), _unescape_row)

    def list_sheets():
        sheets = [(ws.title, factory(ws)) for ws in workbook.worksheets]
        return sheets, {ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"}

    return _workbook_table(
        "xlsx", filename, list_sheets, spec, sheet, max_rows, close=workbook.close, hidden_columns=hidden_columns
    )


def _workbook_table(format, filename, list_sheets, spec, sheet, max_rows, *, close, hidden_columns) -> Table:
    """Pick the sheet of an open workbook and return its Table; ``close`` ends the workbook.

    ``list_sheets()`` returns ([(name, rows factory)], names of the visible sheets). A
    workbook that fails while it is read is reported as damaged, never with a traceback.
    """
    try:
        sheets, visible = list_sheets()
        name, rows, header, others = _pick_sheet(sheets, spec, sheet, visible=visible)
    except TableError:
        close()
        raise
    except Exception as exc:
        close()
        raise _damaged(filename, gettext("an Excel workbook")) from exc

    def translate(exc, row):
        return TableError(
            gettext("“%(file)s” is damaged from row %(row)s on and could not be read further.")
            % {"file": filename, "row": row},
            row=row,
        )

    return Table(
        format=format,
        encoding=None,
        sheet=name,
        other_sheets=others,
        header_row=header.row,
        columns=header.columns,
        labels=header.labels,
        unknown=header.unknown,
        hidden=_hidden_labels(header, (hidden_columns or {}).get(name, ())),
        rows=_data_rows(rows, header, max_rows, close, translate),
        _close=close,
    )


# --- xls -----------------------------------------------------------------------------------------------


def _calamine_row(row):
    return tuple(None if value == "" else value for value in row)


def _read_calamine(fileobj, filename, spec, sheet, max_rows, *, format="xls", hidden_columns=None):
    from python_calamine import CalamineWorkbook, PasswordError, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        metadata = workbook.sheets_metadata
    except PasswordError as exc:
        raise TableError(
            gettext("“%(file)s” is protected by a password; remove the password in Excel and upload it again.")
            % {"file": filename}
        ) from exc
    except Exception as exc:
        raise _damaged(filename, gettext("an Excel workbook")) from exc

    def factory(name):
        def rows():
            data = workbook.get_sheet_by_name(name)
            # skip_empty_area=False keeps the empty rows and columns before the first used cell.
            return enumerate((_calamine_row(row) for row in data.to_python(skip_empty_area=False)), start=1)

        return rows

    def list_sheets():
        sheets = [(item.name, factory(item.name)) for item in metadata]
        return sheets, {item.name for item in metadata if item.visible == SheetVisibleEnum.Visible}

    return _workbook_table(
        format, filename, list_sheets, spec, sheet, max_rows, close=workbook.close, hidden_columns=hidden_columns
    )


def _read_xls(fileobj, filename, spec, sheet, max_rows, engine=None):
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(_ZIP_MAGIC):
        raise TableError(
            gettext(
                "“%(file)s” is an .xlsx workbook named .xls; rename it to end in .xlsx (or save it again as .xlsx)."
            )
            % {"file": filename}
        )
    if not head.startswith(_OLE_MAGIC):
        lowered = fileobj.read(512).lstrip().lower()
        fileobj.seek(0)
        if lowered.startswith((b"<", b"\xef\xbb\xbf<")):
            raise TableError(
                gettext(
                    "“%(file)s” is a web page saved with an .xls name (some systems export tables so); "
                    "open it in Excel and save it as .xlsx."
                )
                % {"file": filename}
            )
        raise TableError(
            gettext("“%(file)s” is not an Excel workbook although its name ends in .xls; save it again as .xlsx.")
            % {"file": filename}
        )
    return _read_calamine(fileobj, filename, spec, sheet, max_rows)


# --- csv -----------------------------------------------------------------------------------------------

_DELIMITERS = (",", "\t", ";")


def _decode(data: bytes, filename):
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Excel's "Unicode text"
    else:
        if b"\x00" in data:
            row = data.count(b"\n", 0, data.index(b"\x00")) + 1
            raise TableError(
                gettext(
                    "“%(file)s” has a NUL byte on row %(row)s, so it is not a plain text table; "
                    "save the table from Excel as “CSV UTF-8” and upload that."
                )
                % {"file": filename, "row": row},
                row=row,
            )
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            encoding = "gb18030"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise TableError(
            gettext(
                "“%(file)s” is neither UTF-8 nor GB18030 (GBK) text, so its characters cannot be read; "
                "save the table from Excel as “CSV UTF-8” and upload that."
            )
            % {"file": filename}
        ) from exc
    if "\x00" in text:
        row = text.count("\n", 0, text.index("\x00")) + 1
        raise TableError(
            gettext(
                "“%(file)s” has a NUL byte on row %(row)s, so it is not a plain text table; "
                "save the table from Excel as “CSV UTF-8” and upload that."
            )
            % {"file": filename, "row": row},
            row=row,
        )
    return text, encoding


def _csv_rows(text, delimiter, filename):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row_number = number + 1
            problem = str(exc)
            if "end of data" in problem or "field limit" in problem or "newline inside string" in problem:
                message = gettext(
                    'Row %(row)s opens a quote (") that is never closed, so the rest of the file ran into one cell; '
                    "close the quote or remove it, then upload the file again."
                )
            else:
                message = gettext(
                    'Row %(row)s has a quote (") in the middle of a cell; '
                    'put the whole cell in quotes and double the quote inside (""), or remove it.'
                )
            raise TableError(message % {"row": row_number}, row=row_number) from exc
        number += 1
        yield number, row


def _sniff_order(text):
    sample = "\n".join(line for line in text[:65536].splitlines()[:HEADER_SEARCH_ROWS] if line.strip())
    try:
        guessed = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        guessed = ","
    return [guessed] + [d for d in _DELIMITERS if d != guessed]


def _read_csv(fileobj, filename, spec, sheet, max_rows, engine=None):
    data = fileobj.read()
    if isinstance(data, str):
        text, encoding = data, "utf-8"
    else:
        if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
            raise TableError(
                gettext(
                    "“%(file)s” is an Excel workbook, not a CSV text file; "
                    "upload it with its .xlsx or .xls name, or save it from Excel as “CSV UTF-8”."
                )
                % {"file": filename}
            )
        text, encoding = _decode(data, filename)
    first_error = None
    for delimiter in _sniff_order(text):
        rows = _csv_rows(text, delimiter, filename)
        try:
            header = _find_header(rows, spec)
        except TableError as error:
            if first_error is None:
                first_error = error
            continue
        return Table(
            format="csv",
            encoding=encoding,
            sheet=None,
            other_sheets=[],
            header_row=header.row,
            columns=header.columns,
            labels=header.labels,
            unknown=header.unknown,
            hidden=[],
            rows=_data_rows(rows, header, max_rows, None, None),
        )
    raise first_error


# --- entry point ---------------------------------------------------------------------------------------

_READERS = {
    ".xlsx": _read_xlsx,
    ".xlsm": _read_xlsx,
    ".xls": _read_xls,
    ".csv": _read_csv,
    ".txt": _read_csv,
}


def read_table(
    fileobj,
    filename: str,
    spec: dict[str, Sequence[str]],
    required: Sequence[str],
    *,
    sheet: str | None = None,
    max_rows: int | None = None,
    xlsx_engine: str = "openpyxl",
) -> Table:
    """Open ``fileobj`` (chosen by the extension of ``filename``) and find its header row.

    ``spec`` maps each key to its header synonyms; ``required`` keys must all be in the
    header row. ``max_rows`` is checked as the rows are read: the row after the limit
    raises :class:`TableError`.

    ``xlsx_engine="calamine"`` reads .xlsx with python-calamine instead of openpyxl's
    read-only mode: several times faster, but the sheet is held in memory while it is
    read (about 20 MB of Python objects for 50,000 rows of 6 columns).
    """
    if xlsx_engine not in ("openpyxl", "calamine"):
        raise ValueError(f"xlsx_engine must be 'openpyxl' or 'calamine', not {xlsx_engine!r}")
    extension = posixpath.splitext(filename.lower())[1]
    reader = _READERS.get(extension)
    if reader is None:
        raise TableError(
            gettext("“%(file)s” is not a table this import reads; upload an .xlsx, .xls or .csv file.")
            % {"file": filename}
        )
    parsed_spec = _Spec(spec, required)
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    try:
        return reader(fileobj, filename, parsed_spec, sheet, max_rows, xlsx_engine)
    except TableError:
        raise
    except Exception as exc:
        raise _damaged(filename, gettext("a table")) from exc
