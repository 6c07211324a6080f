"""Limits on spreadsheet imports, checked before any parser reads the file.

An xlsx file is a zip archive of XML: 650 KB can unpack to hundreds of megabytes or
declare a sheet of a million rows, and openpyxl then spends minutes and hundreds of
megabytes on one request. So the upload's size is checked first, then the archive's
members (declared sizes and compression ratio), then the worksheets are streamed
through zlib, counting rows and bytes and stopping at the first limit passed. A csv
file's records are counted the same way. Nothing here builds a workbook or a dataset.
"""

import csv
import io
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

#: A worksheet member unpacking to more than this many times its packed size is refused
#: (real workbooks pack 5–20 times; zip bombs thousands of times).
MAX_COMPRESSION_RATIO = 100
#: Below this size a member's ratio is not judged: small XML packs very well.
RATIO_FLOOR_BYTES = 1024 * 1024
#: No import of ours has more than a few dozen columns.
MAX_COLUMNS = 200
CHUNK = 64 * 1024

ROW_TAG = re.compile(rb"<(?:\w{1,8}:)?row[\s>/]")
ROW_TAG_MAX = 16  # bytes a row tag can span, kept across chunk boundaries
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def check_import_file(upload, file_format) -> int:
    """Refuse an import file too large to read safely; raise ValidationError naming the limit.

    ``file_format`` is the import-export format class chosen on the form. The file is
    left at its start for the importer. Returns the number of rows below the first (an
    estimate of the data rows, for a progress bar; 0 when not counted).
    """
    name = upload.name or ""
    limit = settings.IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; an import file may be at most %(limit)s."),
            params={"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="import_size",
        )
    binary = file_format().is_binary()
    upload.seek(0)
    try:
        if binary and zipfile.is_zipfile(upload):
            data_rows = _xlsx_data_rows(upload, name)
        elif not binary:
            data_rows = _csv_data_rows(upload)
        else:
            data_rows = 0  # not an xlsx archive: the importer refuses it without unpacking anything
    finally:
        upload.seek(0)
    if data_rows > settings.IMPORT_MAX_ROWS:
        raise too_many_rows(name)
    return data_rows


def too_many_rows(name: str) -> ValidationError:
    limit = number_format(settings.IMPORT_MAX_ROWS, force_grouping=True)
    return ValidationError(
        _("%(name)s has more than %(limit)s rows; import at most %(limit)s rows at a time."),
        params={"name": name, "limit": limit},
        code="import_rows",
    )


def too_large_unpacked(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s unpacks to more than %(limit)s; it is damaged or not a normal workbook."),
        params={"name": name, "limit": filesizeformat(settings.IMPORT_MAX_UNPACKED_BYTES)},
        code="import_unpacked",
    )


def _xlsx_data_rows(upload, name: str) -> int:
    """Return the data rows (after the header) of the workbook's largest worksheet."""
    with zipfile.ZipFile(upload) as archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > settings.IMPORT_MAX_UNPACKED_BYTES:
            raise too_large_unpacked(name)
        rows = [_worksheet_rows(archive, member, name) for member in members if WORKSHEET.fullmatch(member.filename)]
        _check_compression(members, name)
    return max(rows, default=1) - 1


def _check_compression(members, name: str) -> None:
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            raise ValidationError(
                _("%(name)s is packed more than %(ratio)s times; it is damaged or not a normal workbook."),
                params={"name": name, "ratio": MAX_COMPRESSION_RATIO},
                code="import_ratio",
            )


def _worksheet_rows(archive, member, name: str) -> int:
    """Count a worksheet's rows from its XML, trusting neither its declared size nor dimension."""
    limit_rows = settings.IMPORT_MAX_ROWS + 1  # and the header
    limit_bytes = settings.IMPORT_MAX_UNPACKED_BYTES
    rows = read = 0
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            read += len(chunk)
            if read > limit_bytes:
                raise too_large_unpacked(name)
            text = tail + chunk
            if read == len(chunk):
                _check_dimension(text, name)
            # A tag starting in the last bytes may be cut: count it with the next chunk.
            cut = max(len(text) - ROW_TAG_MAX, 0)
            rows += sum(1 for match in ROW_TAG.finditer(text) if match.start() < cut)
            if rows > limit_rows:
                raise too_many_rows(name)
            tail = text[cut:]
    return rows + len(ROW_TAG.findall(tail))


def _check_dimension(head: bytes, name: str) -> None:
    """Refuse a sheet whose declared extent is too large: openpyxl pads rows and cells to it."""
    match = DIMENSION.search(head[:4096])
    if not match or not match.group(3):
        return
    first_row, last_column, last_row = int(match.group(2) or 1), match.group(3), int(match.group(4))
    if last_row - first_row > settings.IMPORT_MAX_ROWS:
        raise too_many_rows(name)
    if _column_number(last_column) > MAX_COLUMNS:
        raise ValidationError(
            _("%(name)s has more than %(limit)s columns."),
            params={"name": name, "limit": MAX_COLUMNS},
            code="import_columns",
        )


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _csv_data_rows(upload) -> int:
    """Count a csv file's records (after the header), stopping one past the limit."""
    # The file is at most IMPORT_MAX_BYTES, so reading it whole is safe.
    text = io.StringIO(upload.read().decode("utf-8-sig", errors="replace"), newline="")
    records = 0
    try:
        for records, _row in enumerate(csv.reader(text), start=1):
            if records > settings.IMPORT_MAX_ROWS + 1:
                break
    except csv.Error:
        pass  # malformed: the importer reports it
    return max(records - 1, 0)
