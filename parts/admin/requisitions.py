"""Requisitions in the admin: read-only, scoped like the pages; every change goes through the services."""

from django.contrib import admin

from complaints.admin import ReadOnlyAdminMixin

from ..models import Requisition, RequisitionEvent, RequisitionLine


class RequisitionLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequisitionLine
    fields = readonly_fields = (
        "position",
        "part",
        "warehouse",
        "quantity_requested",
        "quantity_approved",
        "reserved",
        "issued",
        "returned",
        "unit_cost",
    )
    extra = 0


class RequisitionEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RequisitionEvent
    fields = readonly_fields = ("at", "actor", "action", "note")
    extra = 0


@admin.register(Requisition)
class RequisitionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "purpose", "complaint", "requester", "state", "created_at"]
    list_filter = ["state", "purpose"]
    search_fields = ["number", "complaint__number", "requester__username"]
    list_select_related = ["complaint", "requester"]
    inlines = [RequisitionLineInline, RequisitionEventInline]

    def get_queryset(self, request):
        return Requisition.objects.visible_to(request.user)
