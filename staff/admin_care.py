"""Admin of customer care: the festival list, and the greetings (read-only: the daily task lists them)."""

from django.contrib import admin

from .models import Festival, Greeting


@admin.register(Festival)
class FestivalAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "greet_days_before", "is_active")
    list_filter = ("is_active",)
    date_hierarchy = "date"


@admin.register(Greeting)
class GreetingAdmin(admin.ModelAdmin):
    list_display = ("occasion_date", "contact", "occasion", "festival", "salesperson", "outcome", "channel")
    list_filter = ("occasion", "outcome")
    list_select_related = ("contact", "festival", "salesperson")
    raw_id_fields = ("contact",)
    readonly_fields = [f.name for f in Greeting._meta.fields]

    def has_add_permission(self, request):
        return False
