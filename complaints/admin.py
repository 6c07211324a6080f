"""The complaints admin for quality managers.

A complaint's stage, clock and signatures are read-only here: stages move only through
the admin actions below, which call the same services as the pages, so the role checks,
the timeline and the e-mails are the same. Nothing is deleted.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, QueryDict
from django.test import RequestFactory
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.admin_steps import ServiceActionsMixin
from aftersales.audit import field_changes, snapshot
from aftersales.exporting import job_redirect, start_export

from . import services
from .exports import EXPORT_KIND, complaints_xlsx_response
from .models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    PausePeriod,
    Severity,
    SlaPolicy,
    SlaStatus,
)
from .models.complaint import ServiceLevelAlert

SLA_COLOURS = {"danger": "#dc3545", "warning": "#b58100", "primary": "#0d6efd", "success": "#198754"}


class ReadOnlyAdminMixin:
    """A record kept as it was written: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComplaintEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ComplaintEvent
    fields = readonly_fields = ("at", "actor", "action", "from_state", "to_state", "note_display")
    extra = 0
    verbose_name_plural = gettext_lazy("timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=gettext_lazy("note"))
    def note_display(self, event):
        return event.note_display


class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Attachment
    fields = readonly_fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class SlaListFilter(admin.SimpleListFilter):
    title = gettext_lazy("service level")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        statuses = [SlaStatus.BREACHED, SlaStatus.AT_RISK, SlaStatus.PAUSED, SlaStatus.MET]
        return [(status, SlaStatus.LABELS[status]) for status in statuses]

    def queryset(self, request, queryset):
        if self.value() in dict(self.lookups(request, None)):
            return queryset.with_sla(self.value(), timezone.now())
        return queryset


class ComplaintActionForm(ActionForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=500,
        widget=forms.TextInput(
            attrs={"size": 40, "placeholder": gettext_lazy("needed to send back, cancel or reopen")}
        ),
    )


# What a correction in the admin may change: the intake details. The stage, the clock,
# the analysis and the signatures change only through the services.
EDITABLE_FIELDS = (
    "channel",
    "contact",
    "category",
    "title",
    "description",
    "delivery",
    "product_model",
    "batch_number",
    "serial_number",
    "delivery_date",
)


class ComplaintAdminForm(forms.ModelForm):
    class Meta:
        model = Complaint
        fields = EDITABLE_FIELDS

    def clean(self):
        data = super().clean()
        for name in ("contact", "delivery"):
            related = data.get(name)
            if related is not None and related.customer_id != self.instance.customer_id:
                self.add_error(name, _("This belongs to another customer."))
        return data


FORM_RELATED = (
    "customer",
    "assignee",
    "contact",
    "delivery__product_model",
    "product_model",
    "received_by",
    "manager_approved_by",
    "gm_approved_by",
)


@admin.register(Complaint)
class ComplaintAdmin(ServiceActionsMixin, admin.ModelAdmin):
    service_keyword = "complaint"
    action_order = ("received_at", "pk")
    form = ComplaintAdminForm
    action_form = ComplaintActionForm
    list_display = ("number", "state", "severity", "customer", "assignee", "received_at", "sla_badge")
    list_filter = ("state", "severity", SlaListFilter, "channel", "responsibility", "received_at")
    list_select_related = ("customer", "assignee")
    search_fields = ("^number", "^serial_number", "^customer__code", "customer__name")
    search_help_text = gettext_lazy("Number, serial number, customer code or name.")
    autocomplete_fields = ("contact", "delivery", "product_model")
    inlines = [ComplaintEventInline, AttachmentInline]
    actions = [
        "start_analysis",
        "submit_for_approval",
        "sign_approval",
        "send_back",
        "cancel",
        "reopen",
        "export_selected",
    ]
    fieldsets = (
        (None, {"fields": ("number", "state", "sla_badge", "severity", "customer", "contact", "channel")}),
        (gettext_lazy("Complaint"), {"fields": ("category", "title", "description", "received_at", "received_by")}),
        (
            gettext_lazy("Product"),
            {"fields": ("delivery", "product_model", "batch_number", "serial_number", "delivery_date")},
        ),
        (
            gettext_lazy("Analysis"),
            {
                "fields": (
                    "assignee",
                    "responsibility",
                    "responsibility_reason",
                    "disposal",
                    "disposal_plan",
                    "warranty_status",
                )
            },
        ),
        (
            gettext_lazy("Approval"),
            {
                "fields": (
                    ("manager_approved_by", "manager_approved_at"),
                    ("gm_approved_by", "gm_approved_at"),
                    "quality_approved_at",
                )
            },
        ),
        (
            gettext_lazy("Service clock"),
            {
                "fields": (
                    ("first_response_due_at", "first_responded_at"),
                    ("resolution_due_at", "closed_at"),
                    ("paused_since", "pause_reason", "paused_total"),
                    ("promised_resolution_date", "promised_timetable"),
                )
            },
        ),
        (
            gettext_lazy("Closing"),
            {
                "fields": (
                    ("acceptance_name", "acceptance_date"),
                    "acceptance_remarks",
                    "reply_to_customer",
                    "cancel_reason",
                    "reopen_count",
                )
            },
        ),
        (gettext_lazy("Record"), {"fields": (("created_at", "updated_at"),)}),
    )

    def get_readonly_fields(self, request, obj=None):
        shown = flatten_fieldsets(self.fieldsets)
        return [name for name in shown if name not in EDITABLE_FIELDS]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        """Return the complaint with every row its form shows, in one query."""
        field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        queryset = self.get_queryset(request).select_related(*FORM_RELATED)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def get_search_results(self, request, queryset, search_term):
        # The ledger's own search: indexed prefix look-ups, no duplicate rows.
        return queryset.search(search_term), False

    def has_add_permission(self, request):
        return False  # complaints are received on the complaint pages, which number them

    def has_delete_permission(self, request, obj=None):
        return False

    def has_export_permission(self, request):
        return request.user.has_perm("complaints.export_complaint")

    def has_handle_permission(self, request):
        return request.user.has_perm("complaints.handle_complaint")

    def has_approve_permission(self, request):
        user = request.user
        return user.has_perm("complaints.approve_complaint") or user.has_perm("complaints.approve_major_complaint")

    def has_cancel_permission(self, request):
        return request.user.has_perm("complaints.cancel_complaint")

    def has_reopen_permission(self, request):
        user = request.user
        return user.has_perm("complaints.handle_complaint") or user.has_perm("complaints.close_complaint")

    @admin.display(description=gettext_lazy("service level"))
    def sla_badge(self, complaint):
        status = complaint.sla_status()
        colour = SLA_COLOURS.get(SlaStatus.COLOURS[status], "#6c757d")
        return format_html('<strong style="color: {};">{}</strong>', colour, SlaStatus.LABELS[status])

    def save_model(self, request, obj, form, change):
        fields = [name for name in form.changed_data if _is_model_field(obj, name)] if change else []
        before = snapshot(type(obj).objects.get(pk=obj.pk), fields) if fields else {}
        super().save_model(request, obj, form, change)
        changes = field_changes(obj, before)
        if changes:
            ComplaintEvent.objects.create(
                complaint=obj,
                actor=request.user,
                action=ComplaintEvent.Action.UPDATED,
                changes=changes,
            )

    # --- transitions: each row through its service, each failure named ---------------

    def _reason(self, request) -> str:
        return self._text(request)

    @admin.action(description=gettext_lazy("Start analysis"), permissions=["handle"])
    def start_analysis(self, request, queryset):
        self._run(request, queryset, services.complaint_start_analysis)

    @admin.action(description=gettext_lazy("Submit for approval"), permissions=["handle"])
    def submit_for_approval(self, request, queryset):
        self._run(request, queryset, services.complaint_submit_for_approval)

    @admin.action(description=gettext_lazy("Sign the approval of the disposal"), permissions=["approve"])
    def sign_approval(self, request, queryset):
        self._run(request, queryset, services.complaint_sign_approval)

    @admin.action(description=gettext_lazy("Send back to analysis (give the reason)"), permissions=["approve"])
    def send_back(self, request, queryset):
        if reason := self._reason(request):
            self._run(request, queryset, services.complaint_send_back, reason=reason)

    @admin.action(description=gettext_lazy("Cancel (give the reason)"), permissions=["cancel"])
    def cancel(self, request, queryset):
        if reason := self._reason(request):
            self._run(request, queryset, services.complaint_cancel, reason=reason)

    @admin.action(description=gettext_lazy("Reopen (give the reason)"), permissions=["reopen"])
    def reopen(self, request, queryset):
        if reason := self._reason(request):
            self._run(request, queryset, services.complaint_reopen, reason=reason)

    # --- export ------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Export selected to xlsx"), permissions=["export"])
    def export_selected(self, request, queryset):
        return self._export(request, queryset, {"pks": list(queryset.values_list("pk", flat=True))})

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_view)
        return [path("export/", export, name="complaints_complaint_export"), *super().get_urls()]

    def export_view(self, request):
        """Export every complaint the changelist shows with the current filters and search."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        # The export is always xlsx: a format asked for in the address is not a filter.
        request.GET = request.GET.copy()
        request.GET.pop("format", None)
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            messages.error(
                request, _("The filters in the address do not apply to complaints; choose them in the list.")
            )
            return HttpResponseRedirect(reverse("admin:complaints_complaint_changelist"))
        return self._export(request, changelist.get_queryset(request), {"query": request.GET.urlencode()})

    def _export(self, request, queryset, params):
        """Send the file, or write it in the background when it has too many rows for a request."""
        if queryset.count() <= settings.EXPORT_INLINE_MAX_ROWS:
            return complaints_xlsx_response(queryset, _export_filename())
        job = start_export(user=request.user, kind=EXPORT_KIND, params=params)
        return job_redirect(request, job, reverse("admin:complaints_complaint_changelist"))

    def export_queryset(self, user, params):
        """Return the complaints an export job covers, filtered and scoped as the changelist was."""
        request = RequestFactory().get("/", QueryDict(params.get("query", "")))
        request.user = user
        if "pks" in params:
            return self.get_queryset(request).filter(pk__in=params["pks"])
        return self.get_changelist_instance(request).get_queryset(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"has_export_permission": self.has_export_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context)


def _export_filename() -> str:
    return f"complaints-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "severity",
        "first_response_hours",
        "resolution_hours",
        "mode",
        "workday_start",
        "workday_end",
        "at_risk_percent",
    )
    fieldsets = (
        (
            None,
            {
                "fields": ("severity", "first_response_hours", "resolution_hours", "at_risk_percent"),
                "description": gettext_lazy(
                    "Changes apply to complaints received from now on; open complaints keep the deadlines "
                    "set when they were received."
                ),
            },
        ),
        (gettext_lazy("Clock"), {"fields": ("mode", ("workday_start", "workday_end"))}),
    )

    def get_readonly_fields(self, request, obj=None):
        return ("severity",) if obj else ()

    def has_add_permission(self, request):
        missing = SlaPolicy.objects.count() < len(Severity.choices)
        return missing and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceLevelAlert)
class ServiceLevelAlertAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The sweeper's log: each service-level alert claimed, once per complaint, kind and deadline."""

    list_display = ("claimed_at", "complaint", "kind", "deadline")
    list_filter = ("kind",)
    list_select_related = ("complaint",)
    search_fields = ("^complaint__number",)
    ordering = ("-id",)  # claimed in id order; the primary key keeps a deep log cheap to page
    show_full_result_count = False


@admin.register(PausePeriod)
class PausePeriodAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("complaint", "started_at", "ended_at", "reason", "started_by")
    list_select_related = ("complaint", "started_by")
    search_fields = ("^complaint__number", "reason")
    date_hierarchy = "started_at"


def _is_model_field(obj, name: str) -> bool:
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return field.concrete and not field.many_to_many
