"""Forms of service plans and of the findings of their visits."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.forms import LengthHints
from complaints.models import Severity
from customers.forms import DateInput
from customers.models import Delivery

from ..models import Finding, ServicePlan
from . import _customer_field, engineers


class PlanForm(LengthHints, forms.ModelForm):
    serial_number = forms.CharField(
        label=_("Serial number of the unit"),
        required=False,
        max_length=50,
        help_text=_("Optional: one delivered unit of the customer that this plan looks after."),
    )

    class Meta:
        model = ServicePlan
        fields = ["name", "kind", "customer", "region", "frequency", "first_date", "end_date", "engineer", "notes"]
        widgets = {"first_date": DateInput(), "end_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    field_order = ["name", "kind", "customer", "serial_number", "region"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers()
        self.fields["customer"].required = False
        _customer_field(self, user)
        if self.instance.delivery_id:
            self.fields["serial_number"].initial = self.instance.delivery.serial_number

    def clean(self):
        cleaned = super().clean()
        customer, region = cleaned.get("customer"), (cleaned.get("region") or "").strip()
        serial = (cleaned.get("serial_number") or "").strip()
        if customer and region:
            self.add_error("region", _("Give a customer or a region, not both."))
        elif not customer and not region and "customer" not in self.errors:
            self.add_error("customer", _("Give the customer (or the region) that this plan covers."))
        cleaned["delivery"] = None
        if serial and not customer:
            self.add_error("serial_number", _("A unit belongs to a customer: choose the customer first."))
        elif serial:
            cleaned["delivery"] = Delivery.objects.filter(customer=customer, serial_number=serial).first()
            if cleaned["delivery"] is None:
                self.add_error("serial_number", _("This customer has no delivered unit with this serial number."))
        first, end = cleaned.get("first_date"), cleaned.get("end_date")
        if first and end and end < first:
            self.add_error(
                "end_date",
                _("The end date (%(end)s) cannot be before the first date (%(first)s).")
                % {
                    "end": f"{end:%Y-%m-%d}",
                    "first": f"{first:%Y-%m-%d}",
                },
            )
        return cleaned

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["delivery"] = self.cleaned_data["delivery"]
        return data


class PlanEndForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=DateInput())


class FindingForm(LengthHints, forms.Form):
    opens = forms.ChoiceField(
        label=pgettext_lazy("a finding opens a complaint or a sheet", "Open"),
        choices=Finding.Opens.choices,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = {
            Finding.Opens.COMPLAINT: user.has_perm("complaints.add_complaint"),
            Finding.Opens.SHEET: user.has_perm("quality.raise_qualitysheet"),
        }
        choices = [(value, label) for value, label in Finding.Opens.choices if allowed[value]]
        self.fields["opens"].choices = choices
        if len(choices) == 1:
            self.fields["opens"].initial = choices[0][0]
