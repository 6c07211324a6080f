"""Master data of purchasing: suppliers with their contacts, documents and parts; plans read-only."""

from django.contrib import admin
from import_export.fields import Field

from aftersales.spreadsheets import BooleanWidget, SpreadsheetResource, TextWidget
from aftersales.uploads import check_upload
from customers.admin import LedgerImportExportAdmin

from ..models import PurchasePlan, PurchasePlanLine, Supplier, SupplierContact, SupplierDocument, SupplierPart


def _column(name, widget=None) -> Field:
    return Field(attribute=name, column_name=Supplier._meta.get_field(name).verbose_name, widget=widget or TextWidget())


class SupplierResource(SpreadsheetResource):
    code = _column("code")
    name = _column("name")
    address = _column("address")
    phone = _column("phone")
    email = _column("email")
    is_active = _column("is_active", BooleanWidget())
    grade = _column("grade")

    class Meta:
        model = Supplier
        fields = ("code", "name", "address", "phone", "email", "is_active", "grade")
        export_order = fields


class ContactInline(admin.TabularInline):
    model = SupplierContact
    extra = 0


class DocumentInline(admin.TabularInline):
    """Documents are uploaded with the same checks as every other upload (type by content, size)."""

    model = SupplierDocument
    extra = 0
    fields = ("kind", "number", "file", "valid_from", "valid_until")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        form = formset.form

        def clean_file(self):
            upload = self.cleaned_data.get("file")
            if upload and hasattr(upload, "content_type"):
                self.instance.content_type = check_upload(upload)  # a ValidationError shows on the field
                self.instance.original_name = upload.name[:200]
            return upload

        form.clean_file = clean_file
        return formset


class SupplierPartInline(admin.TabularInline):
    model = SupplierPart
    extra = 0
    autocomplete_fields = ["part"]


@admin.register(Supplier)
class SupplierAdmin(LedgerImportExportAdmin):
    resource_classes = [SupplierResource]
    import_kind = "parts.supplier"
    list_display = ["code", "name", "phone", "email", "grade", "is_active"]
    list_filter = ["grade", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["grade", "created_at"]
    inlines = [ContactInline, DocumentInline, SupplierPartInline]


@admin.register(PurchasePlan)
class PurchasePlanAdmin(admin.ModelAdmin):
    """Plans change only through their pages (each step checked and recorded); the admin reads."""

    list_display = ["number", "month", "state", "approved_by", "approved_at"]
    list_filter = ["state"]
    search_fields = ["number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PurchasePlanLine)
class PurchasePlanLineAdmin(PurchasePlanAdmin):
    list_display = ["plan", "part", "warehouse", "quantity", "state", "supplier", "order_reference"]
    list_filter = ["state", "warehouse"]
    search_fields = ["plan__number", "part__code", "order_reference"]
    list_select_related = ["plan", "part", "warehouse", "supplier"]
