"""The filters of the quality workbench and the action list, and the people the forms offer."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales import roles
from aftersales.widgets import FastSelect
from complaints.models import Severity

from .models import CapaAction, CapaSource, QualitySheet, RootCause

OPEN = "open"


def active_users():
    """Return the active staff, the choices of owners and responsible persons."""
    return get_user_model().objects.filter(is_active=True).order_by("username")


def users_with_perm(perm: str):
    """Return the active users holding ``perm`` ("app_label.codename") through a role or directly."""
    app_label, codename = perm.split(".")
    via_group = Q(groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label)
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    users = active_users()
    return users.filter(pk__in=users.filter(via_group | direct | Q(is_superuser=True)).values("pk"))


def investigators():
    """Return the active users of the quality roles who may see sheets: the choices of an investigator."""
    users = active_users()
    in_quality = users.filter(
        groups__name__in=roles.QUALITY,
        groups__permissions__codename="view_qualitysheet",
        groups__permissions__content_type__app_label="quality",
    )
    return users.filter(pk__in=in_quality.values("pk"))


# Department tasks go to staff who see every sheet and act on it: not sales (who see their own
# customers' sheets only), not read-only management, and not an administrator's account.
TASK_OWNER_ROLES = [code for code in roles.ALL if code not in (roles.SALES, roles.MANAGEMENT)]


def task_owners():
    """Return who may own a department task: active staff with a department and a role that sees sheets."""
    users = active_users().filter(is_superuser=False).exclude(department="")
    eligible = users.filter(
        groups__name__in=TASK_OWNER_ROLES,
        groups__permissions__codename="view_qualitysheet",
        groups__permissions__content_type__app_label="quality",
    )
    return users.filter(pk__in=eligible.values("pk")).order_by("department", "last_name", "first_name", "username")


class SheetFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Number, batch, serial or customer")}),
    )
    state = django_filters.ChoiceFilter(
        widget=FastSelect,
        method="filter_state",
        label=_("Stage"),
        choices=[(OPEN, _("Open (any stage)")), *QualitySheet.State.choices],
    )
    severity = django_filters.ChoiceFilter(widget=FastSelect, choices=Severity.choices, label=_("Severity"))
    root_cause = django_filters.ChoiceFilter(
        widget=FastSelect, choices=RootCause.choices, label=_("Root-cause category")
    )
    source = django_filters.ChoiceFilter(widget=FastSelect, choices=QualitySheet.Source.choices, label=_("Source"))
    owner = django_filters.ModelChoiceFilter(
        field_name="investigator", queryset=get_user_model().objects.none(), label=_("Investigator")
    )

    class Meta:
        model = QualitySheet
        fields = ["q", "state", "severity", "root_cause", "source", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = investigators()

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        upper = value.upper()
        return queryset.filter(
            Q(number__startswith=upper)
            | Q(batch_number=upper)
            | Q(serial_number=upper)
            | Q(customer__code=upper)
            | Q(customer__name__icontains=value)
            | Q(title__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(state__in=QualitySheet.OPEN_STATES)
        return queryset.filter(state=value)


class CapaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Number, problem or unit")}),
    )
    state = django_filters.ChoiceFilter(
        widget=FastSelect,
        method="filter_state",
        label=_("Stage"),
        choices=[(OPEN, _("Not closed yet")), *CapaAction.State.choices],
    )
    kind = django_filters.ChoiceFilter(widget=FastSelect, choices=CapaAction.Kind.choices, label=_("Type"))
    source = django_filters.ChoiceFilter(widget=FastSelect, choices=CapaSource.choices, label=_("Source"))
    owner = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.none(), label=_("Owner"))
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("Overdue"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Overdue only"))]),
    )

    class Meta:
        model = CapaAction
        fields = ["q", "state", "kind", "source", "owner", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["owner"].queryset = active_users()

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__startswith=value.upper())
            | Q(problem__icontains=value)
            | Q(notice_unit__icontains=value)
            | Q(source_reference__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.filter(state__in=[CapaAction.State.OPEN, CapaAction.State.COMPLETED])
        return queryset.filter(state=value)

    def filter_overdue(self, queryset, name, value):
        # ``overdue`` is annotated by the selector, so the filter and the order agree.
        return queryset.filter(overdue=True) if value else queryset
