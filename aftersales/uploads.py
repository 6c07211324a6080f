"""Checks on uploaded evidence: photos, PDFs and spreadsheets, by name and by content.

The type of a binary file is told by the ``filetype`` library from its signature. A
text file (csv) must be text, in UTF-8 or GBK, and carry no web page or script: such
a file opened in a browser or pasted into a page would run it. A PDF must look whole:
its header, at least one object and the end-of-file marker.
"""

import os
import re

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

TEXT = frozenset()  # no signature: checked as text
# extension -> (content type, what filetype may name the content)
ALLOWED = {
    ".jpg": ("image/jpeg", {"jpg"}),
    ".jpeg": ("image/jpeg", {"jpg"}),
    ".png": ("image/png", {"png"}),
    ".gif": ("image/gif", {"gif"}),
    ".webp": ("image/webp", {"webp"}),
    ".pdf": ("application/pdf", {"pdf"}),
    # filetype names an xlsx only when its first zip members show it; some writers
    # order them otherwise, so any zip archive named .xlsx is taken.
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx", "zip"}),
    ".xls": ("application/vnd.ms-excel", {"xls"}),
    ".csv": ("text/csv", TEXT),
}
# Control characters other than tab, line feed, vertical tab, form feed and carriage return.
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
MARKUP = re.compile(
    r"<\s*/?\s*(?:script|html|head|body|iframe|frame|frameset|object|embed|applet|svg|math|img|image|video"
    r"|audio|source|link|meta|base|style|form|input|button|textarea|select|a|div|span|p|table|template)\b"
    r"|<!--|<!doctype|<\?xml|javascript:|vbscript:|data:text/html",
    re.IGNORECASE,
)
PDF_HEADER = re.compile(rb"%PDF-\d\.\d")
PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
PDF_TRAILER_WINDOW = 1024  # readers look for %%EOF within the last kilobyte


def check_upload(upload) -> str:
    """Validate an uploaded file's type and size; return its content type.

    Raise ValidationError naming the file when its extension is not allowed, its
    content does not match its extension, or it is too large or empty.
    """
    name = os.path.basename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED:
        raise ValidationError(
            _("%(name)s: only photos (JPG, PNG, GIF, WebP), PDF files and spreadsheets (XLSX, XLS, CSV) are accepted."),
            params={"name": name},
            code="file_type",
        )
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("%(name)s is %(size)s; files may be at most %(limit)s."),
            params={"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s is empty."), params={"name": name}, code="file_empty")
    content_type, kinds = ALLOWED[ext]
    upload.seek(0)
    content = upload.read()  # at most UPLOAD_MAX_BYTES
    upload.seek(0)
    if kinds is TEXT:
        _check_text(content, name, ext)
    else:
        _check_kind(content, name, ext, kinds)
    if ext == ".pdf":
        _check_pdf(content, name)
    return content_type


def check_uploads(files: list) -> list:
    """Check every upload before any is stored, so a bad one leaves nothing half-done; name each bad file."""
    errors = []
    for upload in files:
        try:
            check_upload(upload)
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return files


def _check_kind(content: bytes, name: str, ext: str, kinds: set[str]) -> None:
    kind = filetype.guess(content)
    if kind is None or kind.extension not in kinds:
        raise ValidationError(
            _("%(name)s does not look like a %(ext)s file."),
            params={"name": name, "ext": ext[1:].upper()},
            code="file_content",
        )


def _check_text(content: bytes, name: str, ext: str) -> None:
    text = _decode(content) if not BINARY_BYTES.search(content) else None
    if text is None:
        raise ValidationError(_("%(name)s is not a text file."), params={"name": name}, code="file_content")
    if MARKUP.search(text):
        raise ValidationError(
            _("%(name)s contains web page or script markup, which a %(ext)s file may not hold."),
            params={"name": name, "ext": ext[1:].upper()},
            code="file_content",
        )


def _decode(content: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _check_pdf(content: bytes, name: str) -> None:
    whole = PDF_HEADER.match(content) and PDF_OBJECT.search(content) and b"%%EOF" in content[-PDF_TRAILER_WINDOW:]
    if not whole:
        raise ValidationError(
            _("%(name)s is not a complete PDF file: its header, objects or end-of-file marker are missing."),
            params={"name": name},
            code="file_content",
        )
