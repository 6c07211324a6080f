from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Part, PartCategory, StockLevel, StockMove, Warehouse


@admin.register(PartCategory)
class PartCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "model_no",
        "specification",
        "unit",
        "category",
        "is_key",
        "standard_cost",
        "is_active",
    ]
    list_filter = ["is_active", "is_key", "category"]
    search_fields = ["code", "name", "model_no", "specification"]
    filter_horizontal = ["fits"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    filter_horizontal = ["keepers"]


class StockLevelSettingsForm(forms.ModelForm):
    """Refuses settings out of order (safety above minimum, minimum above maximum) as the part's are."""

    def clean(self):
        data = super().clean()
        part = self.instance.part
        safety, low, high = (
            part_default if data.get(name) is None else data[name]
            for name, part_default in (
                ("safety_stock", part.safety_stock),
                ("min_stock", part.min_stock),
                ("max_stock", part.max_stock),
            )
        )
        if low and safety > low:
            raise ValidationError(_("The safety stock is above the minimum stock."))
        if high and low > high:
            raise ValidationError(_("The minimum stock is above the maximum stock."))
        return data


@admin.register(StockLevel)
class StockLevelAdmin(admin.ModelAdmin):
    """Settings of a balance row; the quantities change only by moves."""

    form = StockLevelSettingsForm

    list_display = [
        "part",
        "warehouse",
        "on_hand",
        "reserved",
        "safety_stock",
        "min_stock",
        "max_stock",
        "bin_location",
    ]
    list_filter = ["warehouse"]
    search_fields = ["part__code", "part__name"]
    list_select_related = ["part", "warehouse"]
    readonly_fields = ["part", "warehouse", "on_hand", "reserved", "below_safety_since", "updated_at"]
    fields = readonly_fields[:4] + ["safety_stock", "min_stock", "max_stock", "bin_location"] + readonly_fields[4:]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockMove)
class StockMoveAdmin(admin.ModelAdmin):
    """The ledger, read-only: a wrong move is corrected by a new one, never edited."""

    list_display = ["at", "kind", "part", "warehouse", "quantity", "balance_after", "unit_cost", "actor", "reference"]
    list_filter = ["kind", "warehouse"]
    search_fields = ["part__code", "reference"]
    list_select_related = ["part", "warehouse", "actor"]
    show_full_result_count = False
    date_hierarchy = "at"

    @admin.display(description=_("value (CNY)"))
    def value(self, obj):
        return obj.value

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
