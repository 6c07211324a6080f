"""What the content check of uploaded evidence lets through, file type by file type."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from aftersales.uploads import check_upload

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _workbook() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def _check(name, content):
    with translation.override("en"):
        return check_upload(SimpleUploadedFile(name, content))


def _refusal(name, content) -> str:
    with pytest.raises(ValidationError) as error:
        _check(name, content)
    assert error.value.code == "file_content"
    return error.value.messages[0]


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("报告.pdf", PDF, "application/pdf"),
        ("报告.pdf", PDF + b"\r\n\x00" * 10, "application/pdf"),  # bytes after the marker, as some writers leave
        ("清单.xlsx", _workbook(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("记录.csv", "序号,电压\n1,<220V\n2,>380V 且 <400V\n".encode("gbk"), "text/csv"),
        ("记录.csv", "\ufeff序号,备注\n1,a < b\n".encode(), "text/csv"),
        ("截图.gif", b"GIF89a" + b"\x00" * 16, "image/gif"),
    ],
)
def test_genuine_files_pass(name, content, content_type):
    assert _check(name, content) == content_type


@pytest.mark.parametrize(
    "content",
    [
        b"<html><body>hello</body></html>",
        b"a,b\n1,<script src=//evil.example/x.js></script>\n",
        b"a,b\n1,<img src=x onerror=alert(1)>\n",
        b"a,b\n1,<svg/onload=alert(1)>\n",
        b"a,b\n1,<!DOCTYPE html>\n",
        b"a,b\n1,javascript:alert(1)\n",
        b"a,b\n1,<IFRAME SRC=x>\n",
    ],
)
def test_csv_with_markup_is_refused(content):
    assert (
        _refusal("数据.csv", content) == "数据.csv contains web page or script markup, which a CSV file may not hold."
    )


@pytest.mark.parametrize("content", [b"a,b\n1,\x07\n", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, b"\xff\xfe\x00"])
def test_csv_with_binary_bytes_is_refused(content):
    assert _refusal("数据.csv", content) == "数据.csv is not a text file."


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-" * 40,  # only headers
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",  # no end-of-file marker
        b"%PDF-1.7\nnothing here\n%%EOF\n",  # no object
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n" + b"x" * 2000,  # marker not at the end
    ],
)
def test_incomplete_pdf_is_refused(content):
    message = _refusal("报告.pdf", content)
    assert message == "报告.pdf is not a complete PDF file: its header, objects or end-of-file marker are missing."


def test_a_pdf_named_xlsx_is_refused():
    assert _refusal("清单.xlsx", PDF) == "清单.xlsx does not look like a XLSX file."
