"""Checks on uploaded evidence: photos, PDFs and spreadsheets, by name and by content."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension -> (content type, magic prefixes; empty means text, checked as UTF-8/GBK)
ALLOWED = {
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    ".gif": ("image/gif", [b"GIF87a", b"GIF89a"]),
    ".webp": ("image/webp", [b"RIFF"]),
    ".pdf": ("application/pdf", [b"%PDF-"]),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
    ".xls": ("application/vnd.ms-excel", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]),
    ".csv": ("text/csv", []),
}


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
    content_type, magics = ALLOWED[ext]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    # A WebP file is a RIFF container like WAV and AVI: its format tag follows the size.
    if (magics and not any(head.startswith(m) for m in magics)) or (ext == ".webp" and head[8:12] != b"WEBP"):
        raise ValidationError(
            _("%(name)s does not look like a %(ext)s file."),
            params={"name": name, "ext": ext[1:].upper()},
            code="file_content",
        )
    if not magics and b"\x00" in head:
        raise ValidationError(_("%(name)s is not a text file."), params={"name": name}, code="file_content")
    return content_type
