"""Forms of repair quotes and claim costs; the services in ``servicing.services.quotes`` write."""

import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.forms import DateInput

from ..models import ClaimCost, Quote, QuoteLine

LINE_ROWS = 6


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect):
            continue
        widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


class QuoteForm(forms.Form):
    tax_rate = forms.DecimalField(
        label=_("Tax rate (%)"), min_value=0, max_value=100, decimal_places=2, initial=Decimal("13.00")
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())
    notes = forms.CharField(label=_("Terms and notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].initial = timezone.localdate() + datetime.timedelta(days=30)
        _style(self)


class QuoteLineForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuoteLine.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=Decimal("0.01"), decimal_places=2, required=False)
    unit_price = forms.DecimalField(label=_("Unit price (CNY)"), min_value=0, decimal_places=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        data = super().clean()
        given = [data.get(name) not in (None, "") for name in ("description", "quantity", "unit_price")]
        if any(given) and not all(given):
            raise forms.ValidationError(_("Fill in the description, quantity and unit price of the line."))
        data["filled"] = all(given)
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict]:
        return [
            {name: form.cleaned_data[name] for name in ("kind", "description", "quantity", "unit_price")}
            for form in self.forms
            if form.cleaned_data.get("filled")
        ]

    def clean(self):
        super().clean()
        if not any(self.errors) and not self.lines():
            raise forms.ValidationError(_("A quote needs at least one line."))


QuoteLineFormSet = forms.formset_factory(QuoteLineForm, formset=BaseLineFormSet, extra=0, max_num=50)


def line_formset(data=None, quote: Quote | None = None) -> BaseLineFormSet:
    """Return the line rows: the quote's lines, then empty rows up to :data:`LINE_ROWS` (no script needed)."""
    initial = []
    if quote is not None:
        initial = [
            {
                "kind": line.kind,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
            }
            for line in quote.lines.all()
        ]
    initial += [{"kind": QuoteLine.Kind.PARTS}] * max(LINE_ROWS - len(initial), 2)
    return QuoteLineFormSet(data, initial=initial, prefix="lines")


class QuoteSendForm(forms.Form):
    via = forms.ChoiceField(label=_("Sent by way of"), choices=Quote.Via.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class QuoteAnswerForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("The customer"),
        choices=[("yes", _("accepts the quote")), ("no", _("refuses the quote"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Answered by (customer)"), max_length=50)
    date = forms.DateField(label=_("Answer date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason for refusing"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        _style(self)


class ClaimCostForm(forms.ModelForm):
    class Meta:
        model = ClaimCost
        fields = ["parts", "labour_hours", "hourly_rate", "travel", "other", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["parts", "labour_hours", "hourly_rate", "travel", "other"]:
            self.fields[name].validators.append(MinValueValidator(0))
            self.fields[name].widget.attrs["min"] = 0
        _style(self)


class CostFilterForm(forms.Form):
    month = forms.CharField(
        label=_("Month of the complaint"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_month(self) -> datetime.date | None:
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Give the month as YYYY-MM.")) from None
