import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from aftersales import roles
from aftersales.widgets import FastSelect

from .models import Customer, CustomerTier


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Name, code, phone or serial number")}),
    )
    tier = django_filters.ModelChoiceFilter(queryset=CustomerTier.objects.all(), label=_("Tier"))
    industry = django_filters.ChoiceFilter(widget=FastSelect, choices=Customer.Industry.choices, label=_("Industry"))
    region = django_filters.CharFilter(label=_("Region"))
    relationship = django_filters.ChoiceFilter(
        widget=FastSelect, choices=Customer.Relationship.choices, label=_("Relationship level")
    )
    salesperson = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.none(), label=_("Salesperson"))
    is_active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(
            choices=[
                ("", _("All")),
                ("true", _("Active")),
                ("false", _("Inactive")),
            ]
        ),
    )

    class Meta:
        model = Customer
        fields = ["q", "tier", "industry", "region", "relationship", "salesperson", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.has_perm("customers.view_all_customers"):
            self.filters["salesperson"].queryset = salespeople()
        else:
            del self.filters["salesperson"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)


def salespeople():
    return get_user_model().objects.filter(is_active=True, groups__name=roles.SALES).order_by("username")
