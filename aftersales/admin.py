from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import outbox, workcalendar
from .models import CalendarDay, Notification, NumberSequence, SpreadsheetJob, User

WORK_FIELDS = ("department", "phone", "is_department_head")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((gettext_lazy("Work"), {"fields": WORK_FIELDS}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((gettext_lazy("Work"), {"fields": WORK_FIELDS}),)
    list_display = (
        "username",
        "last_name",
        "first_name",
        "department",
        "phone",
        "is_department_head",
        "is_active",
        "is_staff",
    )
    list_filter = ("is_active", "is_staff", "is_department_head", "groups", "department")
    search_fields = ("username", "first_name", "last_name", "email", "phone", "department")


_WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = {day.year for day in CalendarDay.objects.dates("date", "year")}
        years.add(timezone.localdate().year + 1)
        return [(str(year), str(year)) for year in sorted(years)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The exceptions to the Monday–Friday week that service clocks in working-time mode follow."""

    list_display = ("date", "weekday", "kind", "name")
    list_filter = (YearFilter, "kind")
    search_fields = ("name",)
    ordering = ("date",)

    @admin.display(description=gettext_lazy("weekday"))
    def weekday(self, day):
        return _WEEKDAYS[day.date.weekday()]

    def get_urls(self):
        load = self.admin_site.admin_view(self.load_holidays_view)
        return [path("load-holidays/", load, name="aftersales_calendarday_load_holidays"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        missing = workcalendar.missing_years()
        if request.method == "GET":
            for year in missing:
                messages.warning(
                    request,
                    _(
                        "The working-day calendar has no public holidays for %(year)s: deadlines in working "
                        "time would count them as working days. Load China's holidays for %(year)s below, then "
                        "check the make-up working days when the State Council publishes them."
                    )
                    % {"year": year},
                )
        next_year = timezone.localdate().year + 1
        context = {
            "holiday_years": missing or [next_year],
            "can_load_holidays": self.has_add_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def load_holidays_view(self, request):
        """Load China's public holidays and make-up days for one year from the holidays package."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        this_year = timezone.localdate().year
        year = request.POST.get("year", "")
        if not year.isdigit() or not this_year - 1 <= int(year) <= this_year + 2:
            self.message_user(request, _("Choose a year from last year to two years ahead."), messages.ERROR)
        else:
            self._load(request, int(year))
        return HttpResponseRedirect(reverse("admin:aftersales_calendarday_changelist") + f"?year={year}")

    def _load(self, request, year: int) -> None:
        created = workcalendar.seed_from_holidays([year])
        if created:
            text = _("%(count)s calendar days added for %(year)s; days already there were kept as they were.")
            self.message_user(request, text % {"count": created, "year": year}, messages.SUCCESS)
        elif CalendarDay.objects.filter(date__year=year).exists():
            self.message_user(request, _("The calendar of %(year)s was already loaded.") % {"year": year})
        else:
            text = _("The holidays package knows no holidays for %(year)s yet; add them here by hand.")
            self.message_user(request, text % {"year": year}, messages.WARNING)


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    """Record-number counters: shown for reference, never edited (a gap or repeat breaks numbering)."""

    list_display = ("key", "last_value")
    search_fields = ("key",)
    ordering = ("-key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("what"))
    def kind_title(self, job):
        return job.kind_title


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: every message the product sends, whether it went out, and a resend for the failed."""

    list_display = ("created_at", "kind", "object_id", "state", "attempts", "due_at", "sent_at", "recipients")
    list_filter = ("state", "kind")
    search_fields = ("key", "kind", "recipients", "last_error")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Notification._meta.fields]
    actions = ["resend"]
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("aftersales.resend_notification")

    @admin.action(description=gettext_lazy("Send the selected notifications again"), permissions=["resend"])
    def resend(self, request, queryset):
        count = outbox.resend(queryset)
        self.message_user(
            request, _("%(count)s notifications are queued to be sent again.") % {"count": count}, messages.SUCCESS
        )

    def changelist_view(self, request, extra_context=None):
        dead = Notification.objects.filter(state=Notification.State.DEAD).count()
        if request.method == "GET" and dead:
            messages.warning(
                request,
                _(
                    "%(count)s notifications could not be delivered after every attempt. Check the error, fix "
                    "the address or the mail server, then send them again with the action below."
                )
                % {"count": dead},
            )
        return super().changelist_view(request, extra_context)


@admin.register(SpreadsheetJob)
class SpreadsheetJobAdmin(admin.ModelAdmin):
    """The record of every import and background export: who ran it, on what file, with what result.

    Read only: a job changes only through its own pages and tasks (aftersales.importing).
    """

    list_display = (
        "id",
        "direction",
        "kind_title",
        "created_by",
        "original_name",
        "status",
        "total_rows",
        "created_count",
        "updated_count",
        "unchanged_count",
        "problem_count",
        "created_at",
        "finished_at",
    )
    list_filter = ("direction", "status", "kind")
    search_fields = ("original_name", "created_by__username", "created_by__last_name")
    date_hierarchy = "created_at"
    list_select_related = ("created_by",)
    exclude = ("file", "report", "params")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
