"""Counts, transfers and scrap requests in the admin: read-only, the pages and services change them."""

from django.contrib import admin

from ..models import (
    ScrapEvent,
    ScrapLine,
    ScrapRequest,
    StockCount,
    StockCountEvent,
    StockCountLine,
    Transfer,
    TransferLine,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """States move only through the services (locks, roles, events, the ledger)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CountLineInline(ReadOnlyInline):
    model = StockCountLine
    fields = ["part", "bin_location", "snapshot", "counted", "reason"]
    readonly_fields = fields


class CountEventInline(ReadOnlyInline):
    model = StockCountEvent
    fields = ["at", "actor", "action", "note"]
    readonly_fields = fields


@admin.register(StockCount)
class StockCountAdmin(ReadOnlyAdmin):
    list_display = ["number", "warehouse", "kind", "state", "started_at", "started_by", "posted_at"]
    list_filter = ["state", "kind", "warehouse"]
    search_fields = ["number"]
    list_select_related = ["warehouse", "started_by"]
    inlines = [CountLineInline, CountEventInline]


class TransferLineInline(ReadOnlyInline):
    model = TransferLine
    fields = ["part", "quantity"]
    readonly_fields = fields


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["number", "source", "destination", "reason", "actor", "at"]
    list_filter = ["source", "destination"]
    search_fields = ["number", "reason"]
    list_select_related = ["source", "destination", "actor"]
    inlines = [TransferLineInline]


class ScrapLineInline(ReadOnlyInline):
    model = ScrapLine
    fields = ["part", "quantity", "reason", "note"]
    readonly_fields = fields


class ScrapEventInline(ReadOnlyInline):
    model = ScrapEvent
    fields = ["at", "actor", "action", "note"]
    readonly_fields = fields


@admin.register(ScrapRequest)
class ScrapRequestAdmin(ReadOnlyAdmin):
    list_display = ["number", "warehouse", "state", "requested_by", "created_at", "decided_by", "posted_at"]
    list_filter = ["state", "warehouse"]
    search_fields = ["number"]
    list_select_related = ["warehouse", "requested_by", "decided_by"]
    inlines = [ScrapLineInline, ScrapEventInline]
