"""The filters of the parts catalogue and of a part's ledger."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.forms import DateInput
from customers.models import ProductModel

from ..models import Part, PartCategory, StockLevel, StockMove, Warehouse

STATUS_CHOICES = [("active", _("Active")), ("obsolete", _("Obsolete")), ("all", _("Active and obsolete"))]
YES_NO = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


def day_bounds(first: datetime.date | None, last: datetime.date | None):
    """Return aware datetimes [first 00:00, last+1 00:00) in the local zone, so an index still serves."""
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz) if first else None
    high = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz) if last else None
    return low, high


def _short(rows):
    """Keep the balance rows whose available stock is under their (effective) minimum."""
    return rows.filter(minimum__gt=0).filter(minimum__gt=F("on_hand") - F("reserved"))


class CatalogueFilter(django_filters.FilterSet):
    """Search and filters of the catalogue; the balances shown follow the chosen warehouse."""

    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Code, name, model, specification or product model")}),
    )
    category = django_filters.ModelChoiceFilter(queryset=PartCategory.objects.all(), label=_("Category"))
    is_key = django_filters.BooleanFilter(label=_("Key part"), widget=forms.Select(choices=YES_NO))
    status = django_filters.ChoiceFilter(
        method="filter_status", choices=STATUS_CHOICES, label=_("Status"), empty_label=None
    )
    warehouse = django_filters.ModelChoiceFilter(
        queryset=Warehouse.objects.filter(is_active=True), method="filter_warehouse", label=_("Warehouse")
    )
    below_min = django_filters.BooleanFilter(
        method="filter_below_min", label=_("Below minimum"), widget=forms.CheckboxInput()
    )

    class Meta:
        model = Part
        fields = ["q", "category", "is_key", "status", "warehouse", "below_min"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("status", "active")
        super().__init__(data, *args, **kwargs)
        _style(self.form)

    def filter_q(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        fits = ProductModel.objects.filter(Q(code__istartswith=text) | Q(name__icontains=text), parts=OuterRef("pk"))
        return queryset.filter(
            Q(code__istartswith=text)
            | Q(name__icontains=text)
            | Q(model_no__icontains=text)
            | Q(specification__icontains=text)
            | Exists(fits)
        )

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(is_active=(value != "obsolete"))

    def filter_warehouse(self, queryset, name, value):
        # The parts kept there: those with a balance row in it.
        return queryset.filter(Exists(StockLevel.objects.filter(part=OuterRef("pk"), warehouse=value)))

    def filter_below_min(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Exists(_short(self._levels())))

    def _levels(self):
        rows = StockLevel.objects.filter(part=OuterRef("pk")).annotate(minimum=Coalesce("min_stock", "part__min_stock"))
        warehouse = self.form.cleaned_data.get("warehouse")
        return rows.filter(warehouse=warehouse) if warehouse else rows

    @property
    def chosen_warehouse(self):
        return self.form.cleaned_data.get("warehouse") if self.is_valid() else None


class LedgerForm(forms.Form):
    """Refuses a period that ends before it starts or lies in the future, each with its reason."""

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in ("date_from", "date_to"):
            value = data.get(name)
            if value and value > today:
                self.add_error(name, _("This date (%(date)s) is in the future.") % {"date": value.isoformat()})
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


class LedgerFilter(django_filters.FilterSet):
    """Filters of one part's ledger: warehouse, kind and a period of days."""

    warehouse = django_filters.ModelChoiceFilter(queryset=Warehouse.objects.all(), label=_("Warehouse"))
    kind = django_filters.ChoiceFilter(choices=StockMove.Kind.choices, label=_("Kind of move"))
    date_from = django_filters.DateFilter(method="filter_period", label=_("From"), widget=DateInput())
    date_to = django_filters.DateFilter(method="filter_period", label=_("To"), widget=DateInput())

    class Meta:
        model = StockMove
        form = LedgerForm
        fields = ["warehouse", "kind", "date_from", "date_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.form)

    def filter_period(self, queryset, name, value):
        if name == "date_from":
            return queryset.filter(at__gte=day_bounds(value, None)[0])
        return queryset.filter(at__lt=day_bounds(None, value)[1])

    @property
    def rows(self):
        """The filtered moves; none at all while the filter has an error (never a misleading list)."""
        return self.qs if self.is_valid() else self.queryset.none()
