"""The complaints ledger as an xlsx file, for any number of rows.

Written by :mod:`aftersales.xlsx` (write-only, text typed as text, times in Beijing time)
and streamed from disk; the queryset is read in chunks, so memory stays flat. A large
export runs in the background instead (see ``complaints.apps``).
"""

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.xlsx import Sheet, xlsx_response

from .models import Complaint, SlaStatus

CHUNK = 2000
EXPORT_KIND = "complaints"


def _field(name):
    return lambda: str(Complaint._meta.get_field(name).verbose_name)


# (header, width, value of one complaint); headers are resolved when a file is written,
# in the language of the request.
COLUMNS = [
    (_field("number"), 18, lambda c, now: c.number),
    (_field("received_at"), 17, lambda c, now: c.received_at),
    (_field("channel"), 10, lambda c, now: c.get_channel_display()),
    (lambda: _("Customer code"), 12, lambda c, now: c.customer.code),
    (lambda: _("Customer name"), 36, lambda c, now: c.customer.name),
    (_field("product_model"), 18, lambda c, now: c.product_model.code if c.product_model else ""),
    (_field("batch_number"), 16, lambda c, now: c.batch_number),
    (_field("serial_number"), 20, lambda c, now: c.serial_number),
    (_field("delivery_date"), 12, lambda c, now: c.delivery_date),
    (_field("warranty_status"), 12, lambda c, now: c.get_warranty_status_display()),
    (_field("severity"), 8, lambda c, now: c.get_severity_display()),
    (_field("category"), 16, lambda c, now: c.get_category_display()),
    (_field("title"), 36, lambda c, now: c.title),
    (_field("description"), 60, lambda c, now: c.description),
    (_field("state"), 12, lambda c, now: c.get_state_display()),
    (_field("assignee"), 10, lambda c, now: str(c.assignee) if c.assignee else ""),
    (_field("responsibility"), 12, lambda c, now: c.get_responsibility_display()),
    (_field("disposal"), 12, lambda c, now: c.get_disposal_display()),
    (_field("first_response_due_at"), 17, lambda c, now: c.first_response_due_at),
    (_field("first_responded_at"), 17, lambda c, now: c.first_responded_at),
    (_field("resolution_due_at"), 17, lambda c, now: c.resolution_due_at),
    (_field("closed_at"), 17, lambda c, now: c.closed_at),
    (lambda: _("Service level"), 10, lambda c, now: str(SlaStatus.LABELS[c.sla_status(now)])),
    (_field("promised_resolution_date"), 12, lambda c, now: c.promised_resolution_date),
    (_field("reopen_count"), 8, lambda c, now: c.reopen_count),
    (_field("reply_to_customer"), 40, lambda c, now: c.reply_to_customer),
]


def complaint_rows(queryset):
    """Yield the cell values of each complaint in ``queryset``, read in chunks."""
    now = timezone.now()
    rows = queryset.select_related(None).select_related("customer", "assignee", "product_model")
    for complaint in rows.iterator(chunk_size=CHUNK):
        yield [value(complaint, now) for _header, _width, value in COLUMNS]


def complaints_sheet(queryset, **kwargs) -> Sheet:
    """Return the complaints sheet of ``queryset``; headers in the active language."""
    return Sheet(
        title=_("Complaints"),
        headers=[header() for header, _width, _value in COLUMNS],
        rows=complaint_rows(queryset),
        widths=[width for _header, width, _value in COLUMNS],
        freeze="B2",
        **kwargs,
    )


def complaints_xlsx_response(queryset, filename: str) -> FileResponse:
    """Return ``queryset`` as a streamed xlsx attachment named ``filename``."""
    return xlsx_response(filename, [complaints_sheet(queryset)])


def build_complaints_export(user, params) -> list[Sheet]:
    """Return the sheets of a background complaint export, with only what ``user`` may see."""
    from django.contrib import admin

    queryset = admin.site.get_model_admin(Complaint).export_queryset(user, params)
    return [complaints_sheet(queryset)]
