"""Admin of the ratings records: ratings and corrections read only (only the services write them); staff profiles."""

from django.contrib import admin

from .hearts import HEART_FIELDS
from .models import RatingCorrection, SixHeartsRating, StaffProfile


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted here: only the services sign and correct a rating."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CorrectionInline(admin.TabularInline):
    model = RatingCorrection
    extra = 0
    fields = ("corrected_at", "corrected_by", "reason", "previous")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SixHeartsRating)
class SixHeartsRatingAdmin(ReadOnlyAdmin):
    list_display = ("person", "period_kind", "period_start", "score", "rated_by", "rated_at", "acknowledged_at")
    list_filter = ("period_kind", "period_start")
    search_fields = ("person__username", "person__last_name", "person__first_name")
    list_select_related = ("person", "rated_by")
    fields = (
        "person",
        "period_kind",
        "period_start",
        *HEART_FIELDS,
        "remarks",
        "customer_attitude",
        "customer_attitude_calls",
        "hearts_mean",
        "score",
        "rated_by",
        "rated_at",
        "corrections_count",
        "acknowledged_at",
        "acknowledgement",
    )
    readonly_fields = fields
    inlines = [CorrectionInline]


@admin.register(RatingCorrection)
class RatingCorrectionAdmin(ReadOnlyAdmin):
    list_display = ("rating", "corrected_by", "corrected_at")
    list_select_related = ("rating__person", "corrected_by")
    fields = ("rating", "corrected_by", "corrected_at", "reason", "previous")
    readonly_fields = fields


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """Who is on the service staff and who supervises them; holders of staff.change_staffprofile edit it."""

    list_display = ("user", "employee_number", "position", "supervisor", "is_rated")
    list_filter = ("is_rated",)
    list_editable = ("position", "supervisor", "is_rated")
    search_fields = ("user__username", "user__last_name", "user__first_name", "employee_number")
    list_select_related = ("user", "supervisor")
    fields = ("user", "employee_number", "position", "supervisor", "joined_on", "is_rated")
    raw_id_fields = ("user", "supervisor")
