"""The filters of the complaint list; each one lands on an indexed column."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from aftersales.widgets import FastDateInput, FastSelect, FastTextInput
from customers.models import Customer

from .models import Complaint, Severity, SlaStatus

OPEN = "open"
SLA_CHOICES = [
    (SlaStatus.BREACHED, SlaStatus.LABELS[SlaStatus.BREACHED]),
    (SlaStatus.AT_RISK, SlaStatus.LABELS[SlaStatus.AT_RISK]),
    (SlaStatus.PAUSED, SlaStatus.LABELS[SlaStatus.PAUSED]),
    (SlaStatus.MET, SlaStatus.LABELS[SlaStatus.MET]),
]


def handlers():
    """Return the active users who may handle complaints (the choices of an assignee)."""
    via_group = Q(
        groups__permissions__codename="handle_complaint",
        groups__permissions__content_type__app_label="complaints",
    )
    direct = Q(user_permissions__codename="handle_complaint", user_permissions__content_type__app_label="complaints")
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(pk__in=users.filter(via_group | direct).values("pk")).order_by("username")


UNASSIGNED = _("Unassigned")


class AssigneeField(ModelChoiceField):
    """The assignee field, remembering the handler it read so the widget names them without a second read."""

    _found = None

    def to_python(self, value):
        if self._found is None or self._found[0] != value:
            if value not in self.empty_values and value != self.null_value:
                # The handlers are looked up only when one is chosen: building their query
                # on every load of the list cost more than the list's own filters.
                self.queryset = handlers()
            self._found = (value, super().to_python(value))
        return self._found[1]


class AssigneeLookup(forms.Widget):
    """A search box that looks handlers up as one types, with the chosen one's pk in a hidden input.

    A <select> listed every handler on every load of the complaint list.
    """

    template_name = "complaints/lookups/assignee_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["label"] = self.label_for(context["widget"]["value"])
        return context

    def label_for(self, value) -> str:
        field = self.choices.field  # set by the ModelChoiceField this widget belongs to
        if not value:
            return ""
        if value == field.null_value:
            return str(field.null_label)
        try:
            return str(field.to_python(value))
        except ValidationError:
            return ""

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template directories: the default form renderer reads only the apps'.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class AssigneeFilter(django_filters.ModelChoiceFilter):
    field_class = AssigneeField


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


SEARCH_CAP = 1000


def search(queryset, text: str):
    """Return the complaints of ``queryset`` matching a number, serial number or customer, and if hits were cut off.

    The same match as ComplaintQuerySet.search, read as three indexed branches (number
    and serial prefix, the customers found by code or name) of at most SEARCH_CAP newest
    rows each: one OR across the tables would read the whole table at a million rows.
    """
    upper = text.upper()
    customers = Customer.objects.filter(Q(code__startswith=upper) | Q(name__icontains=text)).values("pk")
    branches = [
        queryset.filter(number__startswith=upper),
        queryset.filter(serial_number__startswith=upper),
        queryset.filter(customer__in=customers),
    ]
    ids, capped = set(), False
    for branch in branches:
        found = list(branch.order_by("-received_at", "-id").values_list("pk", flat=True)[:SEARCH_CAP])
        ids.update(found)
        capped = capped or len(found) == SEARCH_CAP
    return queryset.filter(pk__in=ids), capped


class ComplaintFilter(django_filters.FilterSet):
    search_capped = False

    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=FastTextInput(attrs={"placeholder": _("Number, customer or serial number")}),
    )
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label=_("Stage"),
        choices=[(OPEN, _("Open (any stage)")), *Complaint.State.choices],
        widget=FastSelect,
    )
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("Severity"), widget=FastSelect)
    sla = django_filters.ChoiceFilter(
        method="filter_sla", choices=SLA_CHOICES, label=_("Service level"), widget=FastSelect
    )
    assignee = AssigneeFilter(
        queryset=get_user_model().objects.none(), label=_("Assignee"), null_label=UNASSIGNED, widget=AssigneeLookup
    )
    customer = django_filters.CharFilter(
        method="filter_customer",
        label=_("Customer code"),
        widget=FastTextInput(attrs={"placeholder": _("e.g. C00012")}),
    )
    received_from = django_filters.DateFilter(method="filter_from", label=_("Received from"), widget=FastDateInput())
    received_to = django_filters.DateFilter(method="filter_to", label=_("Received to"), widget=FastDateInput())

    class Meta:
        model = Complaint
        fields = ["q", "state", "severity", "sla", "assignee", "customer", "received_from", "received_to"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        text = self.form.cleaned_data.get("q", "").strip()
        if text:
            queryset, self.search_capped = search(queryset, text)
        return queryset

    def filter_search(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset, on what the other filters left

    def filter_sla(self, queryset, name, value):
        if value == SlaStatus.PAUSED:
            # Only open complaints can be paused; saying so lets the state index do the work.
            queryset = queryset.open()
        return queryset.with_sla(value, timezone.now())

    def filter_state(self, queryset, name, value):
        if value == OPEN:
            return queryset.open()
        return queryset.filter(state=value)

    def filter_customer(self, queryset, name, value):
        # Codes are stored upper-case, so an exact match uses the unique index.
        return queryset.filter(customer__code=value.strip().upper())

    def filter_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=_day_start(value))

    def filter_to(self, queryset, name, value):
        # A bound on the column itself (not received_at__date) keeps the index usable.
        return queryset.filter(received_at__lt=_day_start(value + timedelta(days=1)))
