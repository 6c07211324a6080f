"""Spreadsheet helpers shared by every import and export.

:func:`safe_cell` neutralises formula injection in the text cells of a csv we write
(an xlsx stores text as text: ``aftersales.xlsx``). The formats, widgets and
:class:`SpreadsheetResource` below give the admin's django-import-export exports the same
rules: column headers translated into the user's language, values rendered as the
pages show them. Imports are background jobs (``aftersales.importing``), not resources.
"""

import datetime

from django.conf import settings
from django.core.exceptions import (
    MultipleObjectsReturned,
)
from django.utils import translation
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.formats import base_formats

# A cell starting with one of these is run as a formula (or DDE command) by Excel,
# LibreOffice or Google Sheets; OWASP's "CSV injection" list.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def safe_cell(value):
    """Return ``value`` ready for a spreadsheet cell, prefixing risky text with a quote.

    Only text is touched: numbers (negative ones included), dates and booleans are
    written as they are, and a value escaped once is not escaped again.
    """
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return ESCAPE + value
    return value


def unescape_cell(value):
    """Undo :func:`safe_cell` on text read back from a spreadsheet we exported."""
    if isinstance(value, str) and value.startswith(ESCAPE) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


class SafeFormulaeMixin:
    """Escape every cell with :func:`safe_cell`, whatever IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT says.

    import-export 4.4's own escaping only drops a leading "=" (so "==1" stays a
    formula and "=HYPERLINK(...)" loses its "="), ignores + - @ tab and CR, and turns
    every cell into text ("None", "5", "2026-01-15"). It is replaced here.
    """

    def export_data(self, dataset, **kwargs):
        return super().export_data(safe_dataset(dataset), **kwargs)

    def _escape_formulae(self, dataset):
        pass  # done by safe_dataset(), which keeps numbers and dates as they are


class XLSX(SafeFormulaeMixin, base_formats.XLSX):
    pass


class CSV(SafeFormulaeMixin, base_formats.CSV):
    pass


#: The formats an admin offers for import and export; index 0 is xlsx.
FORMATS = [XLSX, CSV]


def safe_dataset(dataset):
    """Return a copy of a tablib ``dataset`` with every cell passed through :func:`safe_cell`."""
    copy = type(dataset)(headers=[safe_cell(h) for h in dataset.headers or []] or None, title=dataset.title)
    for row in dataset:
        copy.append([safe_cell(cell) for cell in row])
    return copy


def in_every_language(text) -> set[str]:
    """Return a lazy string as it reads in each of the site's languages."""
    found = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(text))
    return found


# Widgets: convert a cell to a model value, raising ValueError with a message the user
# can act on, so the row is reported as invalid instead of failing with a traceback.


class TextWidget(widgets.CharWidget):
    """Text cell: numbers typed into a text column (phone 13900000000) stay digits."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return unescape_cell(str(value)).strip()


class CodeWidget(TextWidget):
    """A code or serial number: stored upper-case, as the model's save() does."""

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs).upper()


class DateWidget(widgets.Widget):
    """A date cell or YYYY-MM-DD text; exported as a real date in xlsx."""

    input_formats = ("%Y-%m-%d", "%Y/%m/%d")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date) or value is None:
            return value
        text = str(value).strip()
        if not text:
            return None
        for fmt in self.input_formats:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return value.isoformat() if value else ""


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) or value is None:
            return value
        text = str(value).strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from None


class BooleanWidget(widgets.BooleanWidget):
    """Yes/no cell: 1/0, TRUE/FALSE, yes/no, 是/否; anything else is an error, not "no"."""

    TRUE_TEXT = {"1", "true", "yes", "y", "是", "√"}
    FALSE_TEXT = {"0", "false", "no", "n", "否", "×"}

    def clean(self, value, row=None, **kwargs):
        if value is None or isinstance(value, bool):
            return value
        text = str(int(value) if isinstance(value, float) else value).strip().casefold()
        if not text:
            return None
        if text in self.TRUE_TEXT:
            return True
        if text in self.FALSE_TEXT:
            return False
        raise ValueError(_("“%(value)s” is not yes or no; write 1 or 0.") % {"value": value})


class ChoicesWidget(widgets.Widget):
    """A choice exported as its label in the user's language; imported by label or code."""

    def __init__(self, choices, empty_value="", **kwargs):
        self.choices = list(choices)
        self.empty_value = empty_value
        super().__init__(**kwargs)

    @cached_property
    def lookup(self) -> dict[str, str]:
        found = {}
        for code, label in self.choices:
            found[str(code).casefold()] = code
            for text in in_every_language(label):
                found[text.casefold()] = code
        return found

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return self.empty_value
        try:
            return self.lookup[text.casefold()]
        except KeyError:
            allowed = ", ".join(str(label) for _code, label in self.choices)
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class LookupWidget(widgets.ForeignKeyWidget):
    """A related row named by one of its fields (a code, a user name)."""

    def __init__(self, model, field, normalise=str.strip, **kwargs):
        self.normalise = normalise
        super().__init__(model, field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = TextWidget().clean(value)
        if not text:
            return None
        text = self.normalise(text)
        try:
            return self.get_queryset(text, row).get(**{self.field: text})
        except (self.model.DoesNotExist, MultipleObjectsReturned):
            opts = self.model._meta
            raise ValueError(
                _("No %(model)s has %(field)s “%(value)s”.")
                % {"model": opts.verbose_name, "field": opts.get_field(self.field).verbose_name, "value": text}
            ) from None


class SpreadsheetResource(resources.ModelResource):
    """Base of our resources, which now only export: translated headers, formula-safe cells.

    Imports go through the background jobs of :mod:`aftersales.importing` (one importer
    per kind, in each app's ``importers.py``), which check every row in bulk and write all
    rows or none; a resource refuses to import, so nothing can write rows past them.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for field in self.fields.values():
            field.column_name = str(field.column_name)  # fixed in the language of this request

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))

    def import_data(self, *args, **kwargs):
        raise NotImplementedError("Imports run as background jobs: see aftersales.importing.")
