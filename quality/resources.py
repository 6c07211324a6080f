"""Spreadsheet export of corrective and preventive actions.

The import is a background job (``quality.importers.CapaImporter``): it adds actions
only, through ``capa_create``. The export carries the progress columns too (stage,
completion, verification), which that import ignores, and its number column, which
the import refuses, so a re-imported export never doubles its actions.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from aftersales.spreadsheets import (
    ChoicesWidget,
    DateWidget,
    IntegerWidget,
    LookupWidget,
    SpreadsheetResource,
    TextWidget,
)

from .models import CapaAction, CapaSource, QualitySheet


def column(name, widget=None, **kwargs) -> Field:
    """Return a resource field headed by the model field's translated name."""
    label = CapaAction._meta.get_field(name).verbose_name
    return Field(attribute=name, column_name=label, widget=widget or TextWidget(), **kwargs)


class LocalTimeWidget(TextWidget):
    """A moment exported as YYYY-MM-DD HH:MM in Beijing time (spreadsheets know no time zones)."""

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return f"{timezone.localtime(value, timezone.get_default_timezone()):%Y-%m-%d %H:%M}"


class CapaActionResource(SpreadsheetResource):
    number = column("number", readonly=True)
    kind = column("kind", ChoicesWidget(CapaAction.Kind.choices, empty_value=None), saves_null_values=False)
    source = column("source", ChoicesWidget(CapaSource.choices))
    sheet = Field(
        attribute="sheet",
        column_name=CapaAction._meta.get_field("sheet").verbose_name,
        widget=LookupWidget(QualitySheet, "number", normalise=str.upper),
    )
    source_reference = column("source_reference")
    problem = column("problem")
    planned_action = column("planned_action")
    owner = Field(
        attribute="owner",
        column_name=CapaAction._meta.get_field("owner").verbose_name,
        widget=LookupWidget(get_user_model(), "username"),
    )
    department = column("department")
    due_date = column("due_date", DateWidget())
    verification_days = column("verification_days", IntegerWidget(), saves_null_values=False)
    notice_unit = column("notice_unit")
    notice_findings = column("notice_findings")
    reply_deadline = column("reply_deadline", DateWidget())
    # What happened since: exported for reading.
    state = column("state", ChoicesWidget(CapaAction.State.choices), readonly=True)
    completed_at = column("completed_at", LocalTimeWidget(), readonly=True)
    completion_note = column("completion_note", readonly=True)
    verification_due = column("verification_due", DateWidget(), readonly=True)
    verified_by = Field(attribute="verified_by", column_name=_("verified by"), readonly=True)
    verified_at = column("verified_at", LocalTimeWidget(), readonly=True)
    verification_note = column("verification_note", readonly=True)
    times_reopened = column("times_reopened", IntegerWidget(), readonly=True)
    reply_received_at = column("reply_received_at", DateWidget(), readonly=True)

    class Meta:
        model = CapaAction
        name = _("Corrective/preventive actions")
        fields = (
            "number",
            "kind",
            "source",
            "sheet",
            "source_reference",
            "problem",
            "planned_action",
            "owner",
            "department",
            "due_date",
            "verification_days",
            "notice_unit",
            "notice_findings",
            "reply_deadline",
            "state",
            "completed_at",
            "completion_note",
            "verification_due",
            "verified_by",
            "verified_at",
            "verification_note",
            "times_reopened",
            "reply_received_at",
        )

    def get_queryset(self):
        return CapaAction.objects.select_related("sheet", "owner", "verified_by")

    def import_data(self, *args, **kwargs):
        # Only capa_create opens an action (number, history, e-mail): see quality.importers.
        raise NotImplementedError("Corrective/preventive actions are imported by quality.importers.CapaImporter.")

    def dehydrate_verified_by(self, action):
        return str(action.verified_by) if action.verified_by_id else ""
