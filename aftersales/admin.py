from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((_("Work"), {"fields": ("department", "phone")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("Work"), {"fields": ("department", "phone")}),)
    list_display = ("username", "last_name", "first_name", "department", "phone", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "groups", "department")
    search_fields = ("username", "first_name", "last_name", "email", "phone", "department")
