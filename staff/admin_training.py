"""Admin of the training records: read-mostly; the pages and their services make the changes."""

from django.contrib import admin

from .models import Attendance, TrainingEvent, TrainingMaterial, TrainingPlan, TrainingPlanItem, TrainingSession


class PlanItemInline(admin.TabularInline):
    model = TrainingPlanItem
    extra = 0
    fields = ("month", "topic", "title", "planned_hours", "audience")


@admin.register(TrainingPlan)
class TrainingPlanAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "state", "approved_by", "approved_at")
    readonly_fields = ("state", "approved_by", "approved_at", "created_by", "created_at")
    inlines = [PlanItemInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(TrainingPlanItem)
class TrainingPlanItemAdmin(admin.ModelAdmin):
    list_display = ("title", "plan", "month", "topic", "planned_hours")
    list_filter = ("plan__year", "topic")


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    readonly_fields = ("person", "attended", "exam_score", "passed")
    can_delete = False


class EventInline(admin.TabularInline):
    model = TrainingEvent
    extra = 0
    readonly_fields = ("at", "actor", "action", "note")
    fields = readonly_fields
    can_delete = False


class MaterialInline(admin.TabularInline):
    model = TrainingMaterial
    extra = 0
    readonly_fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    fields = readonly_fields
    can_delete = False


@admin.register(TrainingSession)
class TrainingSessionAdmin(admin.ModelAdmin):
    """Sessions are scheduled, held and cancelled on their pages (the timeline and e-mails go with them)."""

    list_display = ("number", "title", "topic", "starts_at", "hours", "state")
    list_filter = ("state", "topic")
    search_fields = ("number", "title")
    readonly_fields = [f.name for f in TrainingSession._meta.fields]
    inlines = [AttendanceInline, MaterialInline, EventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
