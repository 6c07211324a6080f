"""Spreadsheet helpers shared by every import and export.

:func:`safe_cell` neutralises formula injection in any cell we write (import-export
resources here, streamed xlsx reports elsewhere). The formats, widgets and
:class:`SpreadsheetResource` below give every django-import-export resource the same
rules: translated column headers accepted in any of our languages, per-row errors named
by spreadsheet row and column, duplicate keys within one file refused, and imports that
write all rows or none.
"""

import datetime

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    FieldDoesNotExist,
    MultipleObjectsReturned,
    PermissionDenied,
    ValidationError,
)
from django.utils import translation
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets
from import_export.formats import base_formats
from import_export.results import Error, Result

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


class FileProblem(ValueError):
    """A problem with the whole file (its columns) that the user can fix; shown without a traceback."""


class SpreadsheetError(Error):
    @cached_property
    def traceback(self):
        return "" if isinstance(self.error, FileProblem) else super().traceback


class SpreadsheetResult(Result):
    """Number rows as a spreadsheet does: the header is row 1, the first record row 2."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + 1, row, errors)

    def row_errors(self):
        # The library numbers error rows by their position among reported rows.
        return [(error_row.number, error_row.errors) for error_row in self.error_rows]


class SpreadsheetResource(resources.ModelResource):
    """Base of our resources: all-or-nothing imports with errors a user can act on.

    Subclasses declare their fields with translated ``column_name`` labels and save
    each record through the app's services in :meth:`save_record`.
    """

    #: Field names that must be columns of an imported file.
    required_columns: tuple[str, ...] = ()
    #: Field names whose values identify a record: the same values twice in one file is an error.
    unique_in_file: tuple[str, ...] = ()
    #: Model fields the model computes itself, so not checked when a row is validated.
    derived_fields: tuple[str, ...] = ()
    #: Whether row validation checks the model's constraints (off when the service resolves them).
    check_constraints = True

    class Meta:
        clean_model_instances = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.lazy_column_names = {name: field.column_name for name, field in self.fields.items()}
        for field in self.fields.values():
            field.column_name = str(field.column_name)  # fixed in the language of this request
        self.actor = None
        self.first_row_of_key = {}

    @classmethod
    def get_result_class(cls):
        return SpreadsheetResult

    @classmethod
    def get_error_result_class(cls):
        return SpreadsheetError

    def get_user_visible_fields(self):
        return [field for field in self.get_import_fields() if not field.readonly]

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        # All or nothing, at the confirm step too: one invalid row rolls the whole file back.
        return super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )

    def before_import(self, dataset, **kwargs):
        self.actor = kwargs.get("user")
        if self.actor is None:
            raise ValueError(_("An import must name the user who runs it."))
        self.first_row_of_key = {}
        headers, problems = self.canonical_headers(dataset)
        if problems:
            dataset.wipe()  # no row is worth reading when the columns are wrong
            raise FileProblem(" ".join(str(problem) for problem in problems))
        dataset.headers = headers

    def canonical_headers(self, dataset) -> tuple[list, list]:
        """Map the file's headers, in any of our languages, to this request's column names."""
        aliases = self.header_aliases()
        headers, problems, unknown, seen = [], [], [], set()
        for index, header in enumerate(dataset.headers or []):
            text = "" if header is None else str(header).strip()
            name = aliases.get(text.casefold())
            if not text:
                if any(value not in (None, "") for value in dataset.get_col(index)):
                    problems.append(_("Column %(number)s has values but no header.") % {"number": index + 1})
            elif name is None:
                unknown.append(text)
            elif name in seen:
                problems.append(_("Column “%(column)s” appears twice.") % {"column": text})
            seen.add(name)
            headers.append(self.fields[name].column_name if name else text)
        missing = [self.fields[name].column_name for name in self.required_columns if name not in seen]
        if missing:
            problems.insert(0, _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        if unknown:
            problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
        if problems:
            expected = ", ".join(field.column_name for field in self.get_user_visible_fields())
            problems.append(_("The columns of this file are: %(columns)s.") % {"columns": expected})
        return headers, problems

    def header_aliases(self) -> dict[str, str]:
        aliases = {}
        for name, column_name in self.lazy_column_names.items():
            aliases[name.casefold()] = name
            for text in in_every_language(column_name):
                aliases[text.casefold()] = name
        return aliases

    def before_import_row(self, row, **kwargs):
        key = self.key_in_file(row)
        if key is None:
            return
        number = kwargs["row_number"] + 1
        first = self.first_row_of_key.setdefault(key, number)
        if first != number:
            columns = " / ".join(self.fields[name].column_name for name in self.unique_in_file)
            raise ValidationError(
                {
                    self.fields[self.unique_in_file[-1]].attribute: _(
                        "Row %(row)s of this file already has %(columns)s “%(value)s”."
                    )
                    % {"row": first, "columns": columns, "value": " / ".join(key)}
                }
            )

    def key_in_file(self, row) -> tuple[str, ...] | None:
        """Return the normalised values of ``unique_in_file``, or None when one is empty."""
        key = tuple(self.cell_text(name, row) for name in self.unique_in_file)
        return key if key and all(key) else None

    def cell_text(self, name, row) -> str:
        """Return a cell as normalised text without looking anything up."""
        field = self.fields[name]
        text = TextWidget().clean(row.get(field.column_name))
        if isinstance(field.widget, LookupWidget):
            return field.widget.normalise(text)
        return field.widget.clean(text) if isinstance(field.widget, TextWidget) else text

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # a lookup column is wrong; import_instance() reports it on the row
        except MultipleObjectsReturned:
            raise ValidationError(
                _("More than one existing %(model)s matches this row.") % {"model": self._meta.model._meta.verbose_name}
            ) from None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if all(TextWidget().clean(value) == "" for value in row.values()):
            return True  # an empty line, as spreadsheets often keep at the end
        return super().skip_row(instance, original, row, import_validation_errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            try:
                instance.full_clean(
                    exclude=[*errors, *self.derived_fields],
                    validate_unique=validate_unique,
                    validate_constraints=self.check_constraints,
                )
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.validation_error is not None:
            row_result.validation_error = self.errors_by_column(row_result.validation_error)
        return row_result

    def errors_by_column(self, error: ValidationError) -> ValidationError:
        """Key a row's errors by the column headers the user sees, not by model field names."""
        messages = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        by_column = {}
        for key, texts in messages.items():
            by_column.setdefault(self.column_label(key), []).extend(texts)
        return ValidationError(by_column)

    def column_label(self, key: str) -> str:
        if key == NON_FIELD_ERRORS:
            return key
        for field in self.fields.values():
            if field.attribute == key:
                return field.column_name
        try:
            return str(self._meta.model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            return key

    def do_instance_save(self, instance, is_create):
        try:
            saved = self.save_record(instance, is_create)
        except PermissionDenied:
            raise ValidationError(
                _("You may not add or change this %(model)s.") % {"model": self._meta.model._meta.verbose_name}
            ) from None
        for field in self._meta.model._meta.concrete_fields:
            if getattr(field, "protected", False):
                # A protected state field (django-fsm) can't be assigned; copy it past the descriptor.
                instance.__dict__[field.attname] = getattr(saved, field.attname)
                continue
            setattr(instance, field.attname, getattr(saved, field.attname))
        instance._state.adding = False

    def save_record(self, instance, is_create):
        """Write one row through the app's service and return the saved record."""
        raise NotImplementedError

    def record_data(self, instance, exclude=()) -> dict:
        """Return the values the file may set on ``instance``, by model field name."""
        return {
            field.attribute: getattr(instance, field.attribute)
            for field in self.get_import_fields()
            if not field.readonly and "__" not in field.attribute and field.attribute not in exclude
        }
