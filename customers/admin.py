"""The ledger's admin for quality managers, with spreadsheet import and export."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, QueryDict
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.signals import post_export

from aftersales import spreadsheets
from aftersales.exporting import job_redirect, registered_exports, start_export
from aftersales.resource_export import csv_response, resource_headers, resource_rows, resource_sheet
from aftersales.xlsx import Sheet, xlsx_response

from .models import Contact, Customer, CustomerTier, Delivery, Interaction, ProductModel
from .resources import ContactResource, CustomerResource, DeliveryResource


class LedgerImportExportAdmin(ImportExportModelAdmin):
    """Import and export in xlsx or csv, every cell formula-safe, every file all-or-nothing.

    The import and export buttons need the explicit ``import_<model>`` / ``export_<model>``
    permissions (IMPORT_EXPORT_IMPORT_PERMISSION_CODE and ..._EXPORT_...).
    """

    formats = spreadsheets.FORMATS
    # The services that write each imported row also write its audit entry.
    skip_admin_log = True

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        """Stream the file: rows read in chunks and written as they come, never a whole dataset in memory.

        The columns are the resource's (those chosen on the form, or all), so a file
        exported here imports again unchanged.
        """
        if not self.has_export_permission(request):
            raise PermissionDenied
        resource = self.choose_export_resource_class(export_form, request)(
            **self.get_export_resource_kwargs(request, export_form=export_form)
        )
        fields = self.get_export_resource_fields_from_form(export_form)
        if file_format.is_binary() and self.export_kind in registered_exports():
            if queryset.count() > settings.EXPORT_INLINE_MAX_ROWS:
                return self.start_export_job(request, type(resource), fields)
        filename = self.get_export_filename(request, queryset, file_format)
        post_export.send(sender=None, model=self.model)
        if file_format.is_binary():
            return xlsx_response(filename, [resource_sheet(resource, queryset, fields)])
        rows = resource_rows(resource, queryset, fields, native=False)
        return csv_response(filename, resource_headers(resource, fields), rows)

    @property
    def export_kind(self) -> str:
        """Name of the background export of this model (see :mod:`aftersales.exporting`)."""
        return f"{self.opts.app_label}.{self.opts.model_name}"

    def start_export_job(self, request, resource_class, fields):
        """Write an xlsx with too many rows for a request in the background, with the same filters."""
        params = {
            "query": request.GET.urlencode(),  # the changelist's filters; the export page's own are popped
            "resource": self.get_export_resource_classes(request).index(resource_class),
            "fields": fields or [],
        }
        job = start_export(user=request.user, kind=self.export_kind, params=params)
        info = self.get_model_info()
        return job_redirect(request, job, reverse(f"admin:{info[0]}_{info[1]}_changelist"))

    def export_job_sheet(self, user, params) -> Sheet:
        """Return the sheet of a background export, rows filtered and scoped as the user's changelist."""
        request = RequestFactory().get("/", QueryDict(params.get("query", "")))
        request.user = user
        resource = self.get_export_resource_classes(request)[params.get("resource", 0)](
            **self.get_export_resource_kwargs(request)
        )
        return resource_sheet(resource, self.get_export_queryset(request), params.get("fields") or None)

    #: Query parameters of the export page itself; the rest are the changelist's filters.
    export_params = ("format", "resource")

    def export_action(self, request):
        """Show the export form, or send the file when the address names a valid format.

        The library reads every query parameter as a changelist filter, so ``?format=1``
        or a stale filter in a bookmarked address answered with a server error.
        """
        if not self.has_export_permission(request):
            raise PermissionDenied
        choice = request.GET.get("format")
        request.GET = request.GET.copy()
        for name in self.export_params:
            request.GET.pop(name, None)
        try:
            if request.method == "GET" and choice is not None:
                if file_format := self.export_format_named(choice):
                    return self._do_file_export(file_format(), request, self.get_export_queryset(request))
                messages.error(request, self.unknown_format_message(choice))
            return super().export_action(request)
        except IncorrectLookupParameters:
            messages.error(
                request,
                _("The filters in the address do not apply to %(model)s and were dropped; the export covers all.")
                % {"model": self.model._meta.verbose_name_plural},
            )
            info = self.get_model_info()
            return HttpResponseRedirect(reverse(f"admin:{info[0]}_{info[1]}_export", current_app=self.admin_site.name))

    def export_format_named(self, choice: str):
        """Return the export format class at the index ``choice`` names, or None."""
        formats = self.get_export_formats()
        if choice.isdigit() and int(choice) < len(formats):
            return formats[int(choice)]
        return None

    def unknown_format_message(self, choice: str) -> str:
        names = ", ".join(f"{index} ({fmt().get_title()})" for index, fmt in enumerate(self.get_export_formats()))
        return _("“%(value)s” is not an export format; choose one below (%(formats)s).") % {
            "value": choice,
            "formats": names,
        }

    #: The background import (aftersales.importing) that the admin's import button opens.
    import_kind = ""

    def import_action(self, request, *args, **kwargs):
        """Open the background import: checked row by row with progress, written all or nothing."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("spreadsheet-import", args=[self.import_kind]))

    def process_import(self, request, *args, **kwargs):
        return self.import_action(request)


class CustomerScopedAdmin(admin.ModelAdmin):
    """Show only the records of customers the user may see (sales staff: their own)."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_perm("customers.view_all_customers"):
            return queryset
        return queryset.filter(customer__in=Customer.objects.visible_to(request.user))


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "phone", "email", "gender", "birthday", "role", "is_primary")


@admin.register(Customer)
class CustomerAdmin(LedgerImportExportAdmin):
    resource_classes = [CustomerResource]
    import_kind = "customers.customer"
    list_display = ("code", "name", "tier", "industry", "region", "salesperson", "relationship", "is_active")
    list_display_links = ("code", "name")
    list_filter = (
        "tier",
        "industry",
        "relationship",
        "is_active",
        ("salesperson", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("tier", "salesperson")
    search_fields = ("code", "name", "contacts__phone", "deliveries__serial_number")
    search_help_text = _("Code or name, a contact's phone or a delivered serial number.")
    autocomplete_fields = ("salesperson",)
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "updated_at")
    inlines = [ContactInline]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        # The ledger's own search: indexed prefix look-ups in sub-selects, no duplicate rows.
        return queryset.search(search_term), False


@admin.register(Contact)
class ContactAdmin(LedgerImportExportAdmin, CustomerScopedAdmin):
    resource_classes = [ContactResource]
    import_kind = "customers.contact"
    list_display = ("name", "customer", "phone", "email", "role", "is_primary")
    list_filter = ("is_primary", "gender")
    list_select_related = ("customer",)
    search_fields = ("name", "^phone", "^customer__code", "customer__name")
    autocomplete_fields = ("customer",)


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "warranty_months", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


@admin.register(CustomerTier)
class CustomerTierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "survey_weight", "sampling_ratio")
    search_fields = ("code", "name")


class WarrantyFilter(admin.SimpleListFilter):
    title = _("warranty")
    parameter_name = "warranty"

    def lookups(self, request, model_admin):
        return [("in", _("In warranty")), ("out", _("Out of warranty"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "in":
            return queryset.in_warranty(today)
        if self.value() == "out":
            return queryset.out_of_warranty(today)
        return queryset


@admin.register(Delivery)
class DeliveryAdmin(LedgerImportExportAdmin, CustomerScopedAdmin):
    resource_classes = [DeliveryResource]
    import_kind = "customers.delivery"
    list_display = (
        "product_model",
        "serial_number",
        "batch_number",
        "customer",
        "quantity",
        "delivery_date",
        "warranty_end",
    )
    list_filter = (WarrantyFilter, "product_model", "delivery_date")
    list_select_related = ("customer", "product_model")
    search_fields = ("^serial_number", "^batch_number", "^certificate_number", "^customer__code", "customer__name")
    search_help_text = _("Serial, batch or certificate number, customer code or name.")
    autocomplete_fields = ("customer", "product_model")
    date_hierarchy = "delivery_date"
    readonly_fields = ("warranty_end", "created_at")


@admin.register(Interaction)
class InteractionAdmin(CustomerScopedAdmin):
    list_display = ("occurred_at", "customer", "kind", "direction", "contact", "handled_by", "follow_up_on")
    list_filter = ("kind", "direction", ("handled_by", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("customer", "contact", "handled_by")
    search_fields = ("^customer__code", "customer__name", "summary", "response")
    autocomplete_fields = ("customer", "contact", "handled_by")
    date_hierarchy = "occurred_at"
    readonly_fields = ("created_at",)


def build_admin_export(model):
    """Return the ``build`` of a background export of ``model`` through its admin's export."""

    def build(user, params):
        return [admin.site.get_model_admin(model).export_job_sheet(user, params)]

    return build
