"""The quality chain's admin for quality managers.

Stages, signatures and stamps are read-only here: a sheet or an action moves only
through the admin actions below, which call the same services as the pages, so the
role checks, the history and the e-mails are the same. Nothing is deleted. Steps that
need more than a line of text (assigning an investigator, distributing to departments)
are taken on the sheet's page.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.utils import flatten_fieldsets
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.admin_steps import ServiceActionsMixin
from customers.admin import LedgerImportExportAdmin

from . import rules, services
from .models import (
    Assessment,
    CapaAction,
    CapaCheck,
    CapaEvent,
    DepartmentTask,
    QualitySheet,
    ReminderLog,
    SheetComplaint,
    SheetEvent,
    SheetFile,
)
from .models.supervision import CheckFinding, CheckItem, CheckScore, ServiceUnit, SupervisionCheck
from .resources import CapaActionResource
from .services.sheet import ANALYSIS_FIELDS


class ReadOnlyAdminMixin:
    """A record kept as it was written: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SheetPartInline(ReadOnlyAdminMixin, admin.TabularInline):
    """A read-only part of a sheet, shown to whoever may see the sheet."""

    extra = 0
    related = ()

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("quality.view_qualitysheet")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.related)


class SheetEventInline(SheetPartInline):
    model = SheetEvent
    fields = readonly_fields = ("at", "actor", "action", "from_state", "to_state", "note")
    related = ("actor",)
    verbose_name_plural = gettext_lazy("history")


class SheetComplaintInline(SheetPartInline):
    model = SheetComplaint
    fields = readonly_fields = ("complaint", "complaint_state", "linked_at", "linked_by")
    related = ("complaint", "linked_by")

    @admin.display(description=gettext_lazy("complaint stage"))
    def complaint_state(self, link):
        return link.complaint.get_state_display()


class DepartmentTaskInline(SheetPartInline):
    model = DepartmentTask
    fields = readonly_fields = ("department", "owner", "requirement", "due_date", "acknowledged_at", "done_at")
    related = ("owner",)


class AssessmentInline(SheetPartInline):
    model = Assessment
    fields = readonly_fields = ("department", "person", "person_name", "kind", "value", "remarks", "recorded_by")
    related = ("person", "recorded_by")


class SheetFileInline(SheetPartInline):
    model = SheetFile
    fields = readonly_fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    related = ("uploaded_by",)


class CapaActionInline(SheetPartInline):
    model = CapaAction
    fields = readonly_fields = ("number", "kind", "state", "owner", "department", "due_date", "verified_at")
    related = ("owner",)
    show_change_link = True


class TextActionForm(ActionForm):
    reason = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(
            attrs={
                "size": 50,
                "placeholder": gettext_lazy(
                    "reason to send back or cancel, outcome to close, evidence to verify, note to review or sign"
                ),
            }
        ),
    )


@admin.register(QualitySheet)
class QualitySheetAdmin(ServiceActionsMixin, admin.ModelAdmin):
    service_keyword = "sheet"
    action_order = ("raised_at", "pk")
    action_form = TextActionForm
    list_display = ("number", "state", "severity", "title", "customer", "investigator", "raised_at")
    list_filter = ("state", "severity", "source", "root_cause", "raised_at")
    list_select_related = ("customer", "investigator")
    search_fields = ("^number", "^serial_number", "^batch_number", "^customer__code", "customer__name", "title")
    search_help_text = gettext_lazy("Number, serial or batch number, customer code or name, problem.")
    date_hierarchy = "raised_at"
    inlines = [
        SheetComplaintInline,
        DepartmentTaskInline,
        AssessmentInline,
        CapaActionInline,
        SheetFileInline,
        SheetEventInline,
    ]
    actions = ["review", "sign_approval", "send_back", "close"]
    fieldsets = (
        (None, {"fields": ("number", "state", "source", "severity", "title", "description")}),
        (
            gettext_lazy("Customer and product"),
            {"fields": ("customer", "product_model", ("batch_number", "serial_number"))},
        ),
        (gettext_lazy("Raised"), {"fields": (("raised_by", "raised_at"),)}),
        (
            gettext_lazy("Investigation"),
            {
                "fields": (
                    ("investigator", "investigation_due"),
                    "root_cause",
                    "analysis",
                    "five_whys",
                    "fishbone",
                    "containment",
                    "proposed_disposal",
                    "scope_note",
                ),
                "description": gettext_lazy(
                    "The investigator or the quality group leader may correct the analysis here while the sheet "
                    "is being investigated."
                ),
            },
        ),
        (
            gettext_lazy("Review, approval and distribution"),
            {
                "fields": (
                    ("reviewed_by", "reviewed_at"),
                    ("approved_by", "approved_at"),
                    ("gm_approved_by", "gm_approved_at"),
                    ("distributed_by", "distributed_at"),
                )
            },
        ),
        (gettext_lazy("Closing"), {"fields": ("closed_at", "outcome", "customer_informed_at")}),
        (gettext_lazy("Record"), {"fields": (("created_at", "updated_at"),)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "customer",
                "product_model",
                "raised_by",
                "investigator",
                "reviewed_by",
                "approved_by",
                "gm_approved_by",
                "distributed_by",
            )
        )

    def get_readonly_fields(self, request, obj=None):
        shown = flatten_fieldsets(self.fieldsets)
        if self.has_change_permission(request, obj) and obj is not None:
            return [name for name in shown if name not in ANALYSIS_FIELDS]
        return shown

    def has_add_permission(self, request):
        return False  # sheets are raised on the sheet pages, which number them

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Only the analysis changes here, through sheet_record_analysis, while it is being written.
        if obj is None:
            return False
        return obj.state == QualitySheet.State.INVESTIGATING and rules.is_investigator(obj, request.user)

    def has_lead_permission(self, request):
        return request.user.has_perm("quality.lead_qualitysheet")

    def has_sign_permission(self, request):
        user = request.user
        return user.has_perm("quality.approve_qualitysheet") or user.has_perm("quality.approve_major_qualitysheet")

    def has_send_back_permission(self, request):
        return self.has_lead_permission(request) or self.has_sign_permission(request)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ANALYSIS_FIELDS if name in form.cleaned_data}
        services.sheet_record_analysis(actor=request.user, sheet=obj, **data)

    @admin.action(description=gettext_lazy("Review the analysis (pass it on for approval)"), permissions=["lead"])
    def review(self, request, queryset):
        self._run(request, queryset, services.sheet_review, note=request.POST.get("reason", "").strip())

    @admin.action(description=gettext_lazy("Sign the approval"), permissions=["sign"])
    def sign_approval(self, request, queryset):
        self._run(request, queryset, services.sheet_sign_approval, note=request.POST.get("reason", "").strip())

    @admin.action(
        description=gettext_lazy("Send back to the investigator (give the reason)"), permissions=["send_back"]
    )
    def send_back(self, request, queryset):
        if reason := self._text(request):
            self._run(request, queryset, services.sheet_send_back, reason=reason)

    @admin.action(description=gettext_lazy("Close (give the outcome for the customer)"), permissions=["lead"])
    def close(self, request, queryset):
        if outcome := self._text(request):
            self._run(request, queryset, services.sheet_close, outcome=outcome)


class CapaPartInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("quality.view_capaaction")


class CapaCheckInline(CapaPartInline):
    model = CapaCheck
    fields = readonly_fields = ("checked_on", "finding", "checked_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("checked_by")


class CapaEventInline(CapaPartInline):
    model = CapaEvent
    fields = readonly_fields = ("at", "actor", "from_state", "to_state", "note", "previous_plan")
    verbose_name_plural = gettext_lazy("history")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(state=CapaAction.State.OPEN, due_date__lt=timezone.localdate())
        return queryset


@admin.register(CapaAction)
class CapaActionAdmin(ServiceActionsMixin, LedgerImportExportAdmin):
    """Actions and rectification notices, with spreadsheet import (new actions) and export."""

    resource_classes = [CapaActionResource]  # the export's columns
    #: The background import (quality.importers.CapaImporter) that the import button opens;
    #: LedgerImportExportAdmin.import_action redirects there, with the import permission checked.
    import_kind = "quality.capaaction"
    service_keyword = "action"
    action_order = ("due_date", "pk")
    action_form = TextActionForm
    list_display = (
        "number",
        "state",
        "kind",
        "source",
        "sheet",
        "owner",
        "department",
        "due_badge",
        "verification_due",
    )
    list_filter = ("state", "kind", "source", OverdueFilter, "due_date")
    list_select_related = ("sheet", "owner")
    search_fields = ("^number", "^sheet__number", "department", "notice_unit", "problem")
    search_help_text = gettext_lazy("Number, sheet number, department, unit to rectify or problem.")
    date_hierarchy = "due_date"
    actions = ["verify_effective", "cancel"]
    fieldsets = (
        (None, {"fields": ("number", "state", "kind", "source", "sheet", "source_reference")}),
        (
            gettext_lazy("Action"),
            {"fields": ("problem", "planned_action", ("owner", "department"), "due_date", "created_by")},
        ),
        (
            gettext_lazy("Completion and verification"),
            {
                "fields": (
                    "completed_at",
                    "completion_note",
                    ("verification_days", "verification_due"),
                    ("verified_by", "verified_at"),
                    "verification_note",
                    "times_reopened",
                )
            },
        ),
        (
            gettext_lazy("Rectification notice"),
            {"fields": ("notice_unit", "notice_findings", "reply_deadline", "reply_received_at", "reply_text")},
        ),
        (gettext_lazy("Record"), {"fields": (("created_at", "updated_at"),)}),
    )
    inlines = [CapaCheckInline, CapaEventInline]

    def get_readonly_fields(self, request, obj=None):
        return flatten_fieldsets(self.fieldsets)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sheet", "owner", "verified_by", "created_by")

    def has_add_permission(self, request):
        return False  # opened on the pages or by import, both through capa_create

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_verify_permission(self, request):
        return request.user.has_perm("quality.verify_capaaction")

    @admin.display(description=gettext_lazy("due date"), ordering="due_date")
    def due_badge(self, action):
        if action.is_overdue():
            return format_html('<strong style="color: #dc3545;">{}</strong>', f"{action.due_date:%Y-%m-%d}")
        return f"{action.due_date:%Y-%m-%d}"

    @admin.action(description=gettext_lazy("Verify effective (give the evidence)"), permissions=["verify"])
    def verify_effective(self, request, queryset):
        if note := self._text(request):
            self._run(request, queryset, services.capa_verify, effective=True, note=note)

    @admin.action(description=gettext_lazy("Cancel (give the reason)"), permissions=["verify"])
    def cancel(self, request, queryset):
        if reason := self._text(request):
            self._run(request, queryset, services.capa_cancel, reason=reason)


@admin.register(DepartmentTask)
class DepartmentTaskAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sheet", "department", "owner", "due_badge", "acknowledged_at", "done_at")
    list_filter = ("department", "due_date", "done_at")
    list_select_related = ("sheet", "owner")
    search_fields = ("^sheet__number", "department", "requirement")
    date_hierarchy = "due_date"

    @admin.display(description=gettext_lazy("due date"), ordering="due_date")
    def due_badge(self, task):
        if task.is_overdue():
            return format_html('<strong style="color: #dc3545;">{}</strong>', f"{task.due_date:%Y-%m-%d}")
        return f"{task.due_date:%Y-%m-%d}"


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sheet", "department", "person", "person_name", "kind", "value", "recorded_by", "recorded_at")
    list_filter = ("kind", "department", "recorded_at")
    list_select_related = ("sheet", "person", "recorded_by")
    search_fields = ("^sheet__number", "department", "person_name", "person__username")
    date_hierarchy = "recorded_at"


@admin.register(CapaCheck)
class CapaCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("action", "checked_on", "finding", "checked_by")
    list_select_related = ("action", "checked_by")
    search_fields = ("^action__number", "finding")
    date_hierarchy = "checked_on"


@admin.register(CapaEvent)
class CapaEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "action", "actor", "from_state", "to_state", "note")
    list_filter = ("to_state", "at")
    list_select_related = ("action", "actor")
    search_fields = ("^action__number", "note")
    date_hierarchy = "at"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("quality.view_capaaction")


@admin.register(SheetEvent)
class SheetEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "sheet", "actor", "action", "from_state", "to_state", "note")
    list_filter = ("action", "to_state", "at")
    list_select_related = ("sheet", "actor")
    search_fields = ("^sheet__number", "note")
    date_hierarchy = "at"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("quality.view_qualitysheet")


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sent_on", "kind", "object_id", "created_at")
    list_filter = ("kind", "sent_on")
    date_hierarchy = "sent_on"

    def has_view_permission(self, request, obj=None):
        user = request.user
        return user.has_perm("quality.lead_qualitysheet") or user.has_perm("quality.verify_capaaction")


# --- service-quality supervision: units and checklist kept by the quality group leader; checks read-only ---


@admin.register(ServiceUnit)
class ServiceUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "head", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "region"]
    autocomplete_fields = ["head"]

    def has_delete_permission(self, request, obj=None):
        return False  # a unit with checks is kept; mark it inactive instead


@admin.register(CheckItem)
class CheckItemAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "category", "max_score", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "text"]

    def has_delete_permission(self, request, obj=None):
        return False  # scores refer to their item; retire it with "active" instead


class CheckScoreInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CheckScore
    fields = ["item", "max_score", "score", "remark"]
    readonly_fields = fields
    extra = 0


class CheckFindingInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CheckFinding
    fields = ["description", "severity", "notice", "recorded_by", "recorded_at"]
    readonly_fields = fields  # recorded_at is not editable: a form listing it fails
    extra = 0


@admin.register(SupervisionCheck)
class SupervisionCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "checked_on", "unit", "kind", "period", "checker", "total_score", "state"]
    list_filter = ["kind", "state", "unit"]
    search_fields = ["number", "unit__name"]
    date_hierarchy = "checked_on"
    inlines = [CheckScoreInline, CheckFindingInline]
    list_select_related = ["unit", "checker"]
