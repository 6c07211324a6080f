"""Import files over the size and row limits are refused on upload, before anything parses them."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales import roles
from aftersales.models import SpreadsheetJob
from customers.models import Customer

from .test_import_export import xlsx_file

CSV = None

HEADER = ["customer code", "name", "tier"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def workbook_of(sheet_data: bytes, dimension: str | None = None, name="bomb.xlsx") -> SimpleUploadedFile:
    """Return an xlsx archive, as compressed as zip allows, around the given worksheet rows."""
    head = b'<?xml version="1.0" encoding="UTF-8"?>'
    head += b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'.encode()
    sheet = head + b"<sheetData>" + sheet_data + b"</sheetData></worksheet>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return SimpleUploadedFile(name, out.getvalue())


def empty_rows(count: int) -> bytes:
    return b"<row/>" * count


@pytest.fixture
def clerk_client(client_for, make_user):
    client = client_for(make_user(roles.QUALITY_CLERK, username="clerk", is_staff=True))
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def parsed(monkeypatch):
    """Record every file the import's reader parses (the real reader still runs)."""
    from aftersales import tabular

    calls = []
    real = tabular.read_table

    def read_table(fileobj, filename, *args, **kwargs):
        calls.append(filename.rsplit(".", 1)[-1])
        return real(fileobj, filename, *args, **kwargs)

    monkeypatch.setattr(tabular, "read_table", read_table)
    return calls


def upload(client, model, file, _format=None):
    """Upload as the import page does; the check a worker would run follows the commit."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"/spreadsheets/import/customers.{model}/", {"file": file})


def _file_errors(response) -> list[str]:
    assert response.status_code == 200
    assert not SpreadsheetJob.objects.exists()
    return response.context["form"].errors.get("file", [])


def test_xlsx_bomb_of_two_million_rows_is_refused_unparsed(clerk_client, parsed):
    bomb = workbook_of(empty_rows(2_000_000))
    assert len(bomb) < 1024 * 1024  # it travels as a small upload

    response = upload(clerk_client, "customer", bomb)

    assert _file_errors(response) == ["bomb.xlsx has more than 50,000 rows; import at most 50,000 rows at a time."]
    assert parsed == []
    assert Customer.objects.count() == 0


def test_xlsx_declaring_a_million_rows_is_refused_unparsed(clerk_client, parsed):
    bomb = workbook_of(empty_rows(2), dimension="A1:C1048576")

    response = upload(clerk_client, "customer", bomb)

    assert _file_errors(response) == ["bomb.xlsx has more than 50,000 rows; import at most 50,000 rows at a time."]
    assert parsed == []


def test_xlsx_declaring_thousands_of_columns_is_refused_unparsed(clerk_client, parsed):
    bomb = workbook_of(empty_rows(2), dimension="A1:XFD2")

    response = upload(clerk_client, "customer", bomb)

    assert _file_errors(response) == ["bomb.xlsx has more than 200 columns."]
    assert parsed == []


def test_xlsx_packed_like_a_zip_bomb_is_refused_unparsed(clerk_client, parsed):
    cell = b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"A" * 3_000_000 + b"</t></is></c></row>"

    response = upload(clerk_client, "customer", workbook_of(b'<row r="1"/>' + cell))

    assert _file_errors(response) == [
        "bomb.xlsx is packed more than 100 times; it is damaged or not a normal workbook."
    ]
    assert parsed == []


def test_xlsx_unpacking_past_the_limit_is_refused_unparsed(clerk_client, parsed, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 100_000
    rows = [HEADER] + [[f"C{number:05d}", f"客户{number}", "A"] for number in range(3000)]

    response = upload(clerk_client, "customer", xlsx_file(rows, name="big.xlsx"))

    assert _file_errors(response) == [
        "big.xlsx unpacks to more than 97.7\xa0KB; it is damaged or not a normal workbook."
    ]
    assert parsed == []


def test_file_over_the_size_limit_is_refused_unparsed(clerk_client, parsed, settings):
    settings.IMPORT_MAX_BYTES = 1000
    file = xlsx_file([HEADER, ["C1", "华东电力", "A"]], name="ledger.xlsx")

    response = upload(clerk_client, "customer", file)

    [error] = _file_errors(response)
    assert error.startswith("ledger.xlsx is ") and error.endswith("; an import file may be at most 1000\xa0bytes.")
    assert parsed == []


@pytest.mark.parametrize("data_rows, refused", [(3, False), (4, True)])
def test_xlsx_row_limit_counts_the_rows_after_the_header(clerk_client, parsed, settings, data_rows, refused):
    settings.IMPORT_MAX_ROWS = 3
    rows = [HEADER] + [[f"C{number}", f"客户{number}", "A"] for number in range(data_rows)]

    response = upload(clerk_client, "customer", xlsx_file(rows, name="ledger.xlsx"))

    if refused:
        assert _file_errors(response) == ["ledger.xlsx has more than 3 rows; import at most 3 rows at a time."]
        assert parsed == []
    else:
        assert response.status_code == 302
        assert SpreadsheetJob.objects.get().status == SpreadsheetJob.Status.CHECKED
        assert parsed == ["xlsx"]
    assert Customer.objects.count() == 0  # the check writes nothing


@pytest.mark.parametrize("data_rows, refused", [(3, False), (4, True)])
def test_csv_row_limit_counts_the_records_after_the_header(clerk_client, parsed, settings, data_rows, refused):
    settings.IMPORT_MAX_ROWS = 3
    lines = [",".join(HEADER)] + [f"C{number},客户{number},A" for number in range(data_rows)]
    file = SimpleUploadedFile("ledger.csv", "\r\n".join(lines).encode("utf-8-sig"))

    response = upload(clerk_client, "customer", file, CSV)

    if refused:
        assert _file_errors(response) == ["ledger.csv has more than 3 rows; import at most 3 rows at a time."]
        assert parsed == []
    else:
        assert response.status_code == 302
        assert SpreadsheetJob.objects.get().status == SpreadsheetJob.Status.CHECKED
        assert parsed == ["csv"]
