"""The admin of service work: visits (internal acceptance), returns, follow-up calls, knowledge base."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.admin import ReadOnlyAdminMixin

from . import services
from .models import (
    CaseSummary,
    ChecklistItem,
    ClaimCost,
    CommissioningChecklist,
    CommissioningLine,
    CommissioningReport,
    CustomerProperty,
    Finding,
    FollowUp,
    PropertyMovement,
    PropertyPhoto,
    Quote,
    QuoteLine,
    ReturnRecord,
    ServicePlan,
    ServiceVisit,
    VisitChase,
)
from .selectors import costs_visible_to, quotes_visible_to


class ArchivedFilter(admin.SimpleListFilter):
    title = gettext_lazy("archived")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(internal_accepted_at__isnull=self.value() == "no")
        return queryset


@admin.register(ServiceVisit)
class ServiceVisitAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("planned_start", "customer", "complaint", "engineer", "kind", "result", "is_archived")
    list_filter = ("kind", "result", ArchivedFilter, "planned_start")
    list_select_related = ("customer", "complaint", "engineer")
    search_fields = ("^customer__code", "customer__name", "^complaint__number", "place")
    date_hierarchy = "planned_start"
    actions = ["accept_internal"]

    @admin.display(boolean=True, description=gettext_lazy("archived"))
    def is_archived(self, visit):
        return visit.is_archived

    def has_accept_permission(self, request):
        return request.user.has_perm("servicing.accept_servicevisit")

    @admin.action(description=gettext_lazy("Give the internal acceptance (archive)"), permissions=["accept"])
    def accept_internal(self, request, queryset):
        for visit in queryset:
            try:
                services.visit_accept_internal(actor=request.user, visit=visit)
            except (PermissionDenied, ValidationError) as error:
                reason = " ".join(error.messages) if isinstance(error, ValidationError) else _("not allowed")
                self.message_user(request, f"{visit}: {reason}", messages.ERROR)
            else:
                self.message_user(request, _("%(visit)s: accepted and archived.") % {"visit": visit})


RETURN_FIELDS = (
    "serial_number",
    "batch_number",
    "quantity",
    "reason",
    "decision",
    "outcome",
    "requested_on",
    "received_on",
    "closed_on",
    "notes",
)


class ReturnRecordAdminForm(forms.ModelForm):
    class Meta:
        model = ReturnRecord
        fields = RETURN_FIELDS

    def clean(self):
        data = super().clean()
        requested, received = data.get("requested_on"), data.get("received_on")
        if requested and received and received < requested:
            self.add_error("received_on", _("The goods cannot arrive before the return was requested."))
        return data


@admin.register(ReturnRecord)
class ReturnRecordAdmin(admin.ModelAdmin):
    """The returns list; the quality clerk records the decision and what became of the goods."""

    form = ReturnRecordAdminForm
    list_display = ("requested_on", "customer", "product_model", "quantity", "decision", "outcome", "complaint")
    list_filter = ("decision", "outcome", "requested_on")
    list_select_related = ("customer", "product_model", "complaint")
    search_fields = ("^customer__code", "customer__name", "^serial_number", "^batch_number", "^complaint__number")
    date_hierarchy = "requested_on"
    fields = (
        "customer",
        "complaint",
        "product_model",
        ("serial_number", "batch_number"),
        "quantity",
        "reason",
        "decision",
        "outcome",
        ("requested_on", "received_on", "closed_on"),
        "notes",
        "recorded_by",
        "created_at",
    )
    readonly_fields = ("customer", "complaint", "product_model", "recorded_by", "created_at")

    def has_add_permission(self, request):
        return False  # returns are recorded from the complaint or the returns page

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in RETURN_FIELDS if name in form.cleaned_data}
        services.return_save(actor=request.user, record=obj, **data)


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("called_at", "complaint", "contact_name", "satisfaction", "reopened", "called_by")
    list_filter = ("satisfaction", "reopened", "called_at")
    list_select_related = ("complaint", "called_by")
    search_fields = ("^complaint__number", "contact_name", "remarks")
    date_hierarchy = "called_at"


@admin.register(CaseSummary)
class CaseSummaryAdmin(admin.ModelAdmin):
    """The knowledge base: summaries are written on the complaint pages and may be revised here."""

    list_display = ("complaint", "product_model", "category", "keywords", "written_by", "written_at")
    list_filter = ("category", ("product_model", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("complaint", "product_model", "written_by")
    search_fields = ("^complaint__number", "problem", "cause", "solution", "keywords")
    fields = ("complaint", "product_model", "category", "problem", "cause", "solution", "keywords", "written_by")
    readonly_fields = ("complaint", "written_by")
    autocomplete_fields = ("product_model",)
    CHANGEABLE = ("product_model", "category", "problem", "cause", "solution", "keywords")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.CHANGEABLE if name in form.cleaned_data}
        services.case_summary_save(actor=request.user, complaint=obj.complaint, **data)


# --- service plans: read here, changed through the plan pages (services) -------------------


@admin.register(ServicePlan)
class ServicePlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "customer", "region", "frequency", "first_date", "end_date", "engineer", "active")
    list_filter = ("kind", "frequency", "active")
    list_select_related = ("customer", "engineer")
    search_fields = ("name", "^customer__code", "customer__name", "region")


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("recorded_at", "visit", "severity", "complaint", "sheet", "recorded_by")
    list_select_related = ("visit__customer", "complaint", "sheet", "recorded_by")
    search_fields = ("^complaint__number", "^sheet__number", "serial_number")


@admin.register(VisitChase)
class VisitChaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("sent_on", "visit", "created_at")
    list_select_related = ("visit__customer",)


class PropertyMovementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PropertyMovement
    fields = readonly_fields = ("moved_at", "from_holder", "from_place", "to_holder_name", "to_place", "reason")
    extra = 0


class PropertyPhotoInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PropertyPhoto
    fields = readonly_fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    extra = 0


@admin.register(CustomerProperty)
class CustomerPropertyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Customer property is read here; every step goes through the record's page (its services)."""

    list_display = ("number", "received_at", "customer", "serial_number", "storage_place", "custodian", "state")
    list_filter = ("state", "received_at")
    list_select_related = ("customer", "custodian")
    search_fields = ("^number", "^serial_number", "^customer__code", "customer__name", "storage_place")
    date_hierarchy = "received_at"
    inlines = [PropertyMovementInline, PropertyPhotoInline]
    actions = ["close_records"]

    def has_close_permission(self, request):
        return request.user.has_perm("servicing.change_customerproperty")

    @admin.action(description=gettext_lazy("Close (returned or loss reported)"), permissions=["close"])
    def close_records(self, request, queryset):
        for record in queryset:
            try:
                services.property_close(actor=request.user, record=record)
            except (PermissionDenied, ValidationError) as error:
                reason = " ".join(error.messages) if isinstance(error, ValidationError) else _("not allowed")
                self.message_user(request, f"{record.number}: {reason}", messages.ERROR)
            else:
                self.message_user(request, _("%(number)s: closed.") % {"number": record.number})


# --- installation and commissioning ---------------------------------------------------------


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    fields = ("position", "text", "kind", "unit", "min_value", "max_value", "required")
    extra = 3


@admin.register(CommissioningChecklist)
class CommissioningChecklistAdmin(admin.ModelAdmin):
    """The commissioning checklist per product model; a report keeps the copy it was made with."""

    list_display = ("product_model", "updated_by", "updated_at")
    list_select_related = ("product_model", "updated_by")
    search_fields = ("^product_model__code", "product_model__name")
    fields = ("product_model", "notes", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")
    autocomplete_fields = ("product_model",)
    inlines = [ChecklistItemInline]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class CommissioningLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CommissioningLine
    fields = ("position", "text", "kind", "unit", "min_value", "max_value", "required", "measured_value", "checked")
    fields += ("outcome", "remark")
    extra = 0


@admin.register(CommissioningReport)
class CommissioningReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Commissioning reports, read-only: every step goes through the services on the visit page."""

    list_display = ("__str__", "state", "result", "signed_by", "customer_acceptance_date")
    list_filter = ("state", "result")
    list_select_related = ("visit__customer", "signed_by")
    search_fields = ("^visit__customer__code", "visit__customer__name", "^visit__delivery__serial_number")
    inlines = [CommissioningLineInline]


# --- repair quotes and claim costs: read here, written through the pages' services ---------


class QuoteLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = QuoteLine
    fields = readonly_fields = ("position", "kind", "description", "quantity", "unit_price", "amount")
    extra = 0


@admin.register(Quote)
class QuoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "complaint", "revision", "state", "total", "sent_at", "answer_date")
    list_filter = ("state", "sent_via")
    list_select_related = ("complaint",)
    search_fields = ("^number", "^complaint__number")
    inlines = [QuoteLineInline]

    def get_queryset(self, request):
        return quotes_visible_to(request.user)


@admin.register(ClaimCost)
class ClaimCostAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("complaint", "parts", "labour", "travel", "other", "total", "updated_by", "updated_at")
    list_select_related = ("complaint", "updated_by")
    search_fields = ("^complaint__number",)

    def get_queryset(self, request):
        return costs_visible_to(request.user)
