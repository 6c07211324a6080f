"""Forms of the customer care pages: a festival, marking a greeting done, loading a year's festivals."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms import DateInput

from .models import Festival, Greeting


class FestivalForm(forms.ModelForm):
    class Meta:
        model = Festival
        fields = ["name", "date", "greet_days_before", "is_active"]
        widgets = {"date": DateInput()}


class GreetingDoneForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=[(Greeting.Outcome.SENT, _("Sent")), (Greeting.Outcome.SKIPPED, _("Skipped"))]
    )
    channel = forms.ChoiceField(label=_("channel"), choices=[("", "—"), *Greeting.Channel.choices], required=False)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class SeedForm(forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
