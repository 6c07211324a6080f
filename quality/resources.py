"""Spreadsheet import and export of corrective and preventive actions.

An import only adds actions: each row is opened through ``capa_create``, so it is
numbered, checked and recorded as the action page would do, and one bad row leaves the
whole file unwritten. The export carries the progress columns too (stage, completion,
verification); they are read back as nothing, and a row that names a number is refused,
so a re-imported export never doubles its actions.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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

from . import services
from .models import CapaAction, CapaSource, QualitySheet

# The model field that each code of capa_create's ValidationErrors is about.
FIELD_BY_CODE = {"due_date": "due_date", "notice": "notice_unit", "sheet": "sheet"}


def column(name, widget=None, **kwargs) -> Field:
    """Return a resource field headed by the model field's translated name."""
    label = CapaAction._meta.get_field(name).verbose_name
    return Field(attribute=name, column_name=label, widget=widget or TextWidget(), **kwargs)


class ActiveUserWidget(LookupWidget):
    """A user named by user name; a departed user cannot own a new action."""

    def __init__(self):
        super().__init__(get_user_model(), "username")

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(is_active=True)


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
        widget=ActiveUserWidget(),
    )
    department = column("department")
    due_date = column("due_date", DateWidget())
    verification_days = column("verification_days", IntegerWidget(), saves_null_values=False)
    notice_unit = column("notice_unit")
    notice_findings = column("notice_findings")
    reply_deadline = column("reply_deadline", DateWidget())
    # What happened since: exported for reading, never imported.
    state = column("state", ChoicesWidget(CapaAction.State.choices), readonly=True)
    completed_at = column("completed_at", LocalTimeWidget(), readonly=True)
    completion_note = column("completion_note", readonly=True)
    verification_due = column("verification_due", DateWidget(), readonly=True)
    verified_by = Field(attribute="verified_by", column_name=_("verified by"), readonly=True)
    verified_at = column("verified_at", LocalTimeWidget(), readonly=True)
    verification_note = column("verification_note", readonly=True)
    times_reopened = column("times_reopened", IntegerWidget(), readonly=True)
    reply_received_at = column("reply_received_at", DateWidget(), readonly=True)

    required_columns = ("problem", "planned_action", "owner", "department", "due_date")
    # Numbered, stamped and staged by capa_create.
    derived_fields = ("number", "state", "created_by")

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

    def get_instance(self, instance_loader, row):
        return None  # every row is a new action

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        number = self.cell_text("number", row)
        if number:
            raise ValidationError(
                {
                    "number": _(
                        "An import only adds new actions and numbers them itself; leave the number of %(number)s "
                        "empty or change that action on its page."
                    )
                    % {"number": number}
                }
            )

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            if instance.sheet_id is not None:
                instance.source = CapaSource.QUALITY_SHEET  # as capa_create does for an action of a sheet

    def save_record(self, instance, is_create):
        try:
            return services.capa_create(actor=self.actor, **self.record_data(instance))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            field = FIELD_BY_CODE.get(error.error_list[0].code, NON_FIELD_ERRORS)
            raise ValidationError({field: error.messages}) from None

    def dehydrate_verified_by(self, action):
        return str(action.verified_by) if action.verified_by_id else ""
