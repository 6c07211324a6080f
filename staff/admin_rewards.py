"""Admin of the rewards records: read-only, since entries are recorded and voided through the pages' services."""

from django.contrib import admin

from .models import RewardPenalty


@admin.register(RewardPenalty)
class RewardPenaltyAdmin(admin.ModelAdmin):
    list_display = ("number", "person", "kind", "category", "measure", "value", "occurred_on", "voided_at")
    list_filter = ("kind", "category", "measure")
    search_fields = ("number", "person__username", "person__last_name", "reason")
    date_hierarchy = "occurred_on"
    list_select_related = ("person",)
    readonly_fields = [f.name for f in RewardPenalty._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
