"""Forms of purchasing: a line added by hand, an order, a receipt, a send-back, a rating."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.forms import DateInput

from ..models import Part, Supplier, Warehouse
from ..models.suppliers import SCORE_NAMES

DATE = DateInput()


class LineAddForm(forms.Form):
    part = forms.ModelChoiceField(
        Part.objects.filter(is_active=True),
        label=_("part"),
        to_field_name="code",
        widget=forms.TextInput,
        help_text=_("The part code."),
    )
    warehouse = forms.ModelChoiceField(Warehouse.objects.filter(is_active=True), label=_("warehouse"))
    quantity = forms.IntegerField(label=_("quantity"), min_value=1)
    needed_by = forms.DateField(label=_("needed by"), widget=DATE)
    supplier = forms.ModelChoiceField(Supplier.objects.filter(is_active=True), label=_("supplier"), required=False)
    unit_price = forms.DecimalField(label=_("unit price (CNY)"), min_value=0, decimal_places=2, required=False)


class OrderForm(forms.Form):
    order_reference = forms.CharField(label=_("order reference"), max_length=40)
    promised_date = forms.DateField(label=_("promised date"), widget=DATE)
    unit_price = forms.DecimalField(label=_("unit price (CNY)"), min_value=0, decimal_places=2, required=False)


class ReceiptForm(forms.Form):
    quantity_received = forms.IntegerField(label=_("quantity received"), min_value=1)
    quantity_rejected = forms.IntegerField(label=_("quantity rejected"), min_value=0, initial=0)
    unit_cost = forms.DecimalField(label=_("actual unit cost (CNY)"), min_value=0, decimal_places=2)
    received_date = forms.DateField(label=_("received on"), widget=DATE, initial=timezone.localdate)
    notes = forms.CharField(label=_("notes"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500)


class RatingForm(forms.Form):
    period = forms.CharField(label=_("period"), max_length=7, help_text=_("A quarter such as 2026-Q3, or a year."))
    qualification = forms.IntegerField(label=_("qualification"), min_value=0, max_value=100)
    reputation = forms.IntegerField(label=_("reputation"), min_value=0, max_value=100)
    quality = forms.IntegerField(label=_("quality"), min_value=0, max_value=100)
    price = forms.IntegerField(label=_("price"), min_value=0, max_value=100)
    lead_time = forms.IntegerField(label=_("lead time"), min_value=0, max_value=100)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, refresh_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if refresh_url:  # a changed period refills quality and lead time, the other fields stay as typed
            self.fields["period"].widget.attrs.update(
                {"hx-get": refresh_url, "hx-trigger": "change", "hx-target": "#rating-prefill", "hx-swap": "innerHTML"}
            )

    def scores(self) -> dict:
        return {name: self.cleaned_data[name] for name in SCORE_NAMES}
