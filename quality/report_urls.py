"""URLs of the printable sheet and the 8D report (appended to quality/urls.py)."""

from django.urls import path, register_converter

from .views import reports


class SheetNumberConverter:
    """A quality information sheet's number such as QI-2026-0001."""

    regex = r"[A-Z]{2}-\d{4}-\d{4,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(SheetNumberConverter, "sheet_number")

urlpatterns = [
    path("sheets/<sheet_number:number>/print/", reports.sheet_print, name="sheet_print"),
    path("sheets/<sheet_number:number>/8d/", reports.eightd, name="eightd"),
    path("sheets/<sheet_number:number>/8d.xlsx", reports.eightd_download, name="eightd_xlsx"),
]
