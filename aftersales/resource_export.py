"""Stream an import-export resource's columns without building a tablib dataset.

django-import-export builds the whole file in memory (a dataset, then a workbook), so
memory grew with the number of rows. Here the rows are read in chunks and written as
they come: xlsx through :mod:`aftersales.xlsx`, csv line by line to the response. The
headers and values are the resource's own, so the columns stay those an import reads.
"""

import csv
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from import_export import resources

from .spreadsheets import safe_cell
from .xlsx import Sheet

CHUNK = 2000


def resource_headers(resource, export_fields=None) -> list[str]:
    return resource.get_export_headers(selected_fields=export_fields)


def resource_rows(resource, queryset, export_fields=None, *, native=True) -> Iterator[list]:
    """Yield each record's values, native (for xlsx) or as formula-safe text (for csv)."""
    fields = resource.get_export_fields(export_fields)
    for instance in queryset.iterator(chunk_size=CHUNK):
        if native:
            # The resource's own export_field() adds csv's apostrophe; xlsx types text instead.
            yield [
                resources.ModelResource.export_field(resource, field, instance, force_native_type=True)
                for field in fields
            ]
        else:
            yield [resource.export_field(field, instance) for field in fields]


def resource_sheet(resource, queryset, export_fields=None, **kwargs) -> Sheet:
    """Return an xlsx sheet of ``queryset`` with the resource's columns."""
    return Sheet(
        title=str(resource._meta.name or resource._meta.model._meta.verbose_name_plural),
        headers=resource_headers(resource, export_fields),
        rows=resource_rows(resource, queryset, export_fields),
        **kwargs,
    )


class _Echo:
    def write(self, value):
        return value


def csv_lines(headers, rows) -> Iterator[bytes]:
    """Yield a UTF-8 csv with a byte-order mark (so Excel reads the Chinese), one line at a time."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()
    yield writer.writerow([safe_cell(header) for header in headers]).encode()
    for row in rows:
        yield writer.writerow(["" if value is None else value for value in row]).encode()


def csv_response(filename: str, headers, rows) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
