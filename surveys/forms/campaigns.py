"""The campaign form: the service checks the dates and ratios and reports every problem at once."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import CustomerTier

from ..models import Campaign, Questionnaire


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=200)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    questionnaire = forms.ModelChoiceField(label=_("questionnaire"), queryset=Questionnaire.objects.all())
    opens_on = forms.DateField(
        label=_("opens on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: 1 December of the year, or today if December has begun."),
    )
    closes_on = forms.DateField(
        label=_("closes on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: 31 December of the year."),
    )
    target_answers = forms.IntegerField(label=_("answer target"), min_value=1, initial=50)
    reminder_after_days = forms.IntegerField(label=_("remind after (days)"), min_value=1, max_value=60, initial=7)

    def __init__(self, *args, campaign: Campaign | None = None, **kwargs):
        self.tiers = list(CustomerTier.objects.order_by("code"))
        if campaign is not None:
            kwargs.setdefault("initial", {**{name: getattr(campaign, name) for name in self.base_fields}})
            sampling = campaign.sampling
        else:
            kwargs.setdefault("initial", {"year": timezone.localdate().year})
            sampling = {tier.code: tier.sampling_ratio for tier in self.tiers}
        super().__init__(*args, **kwargs)
        for tier in self.tiers:
            self.fields[f"sampling_{tier.code}"] = forms.DecimalField(
                label=_("Share of tier %(tier)s invited (0–1)") % {"tier": tier},
                min_value=0,
                max_value=1,
                decimal_places=2,
                initial=sampling.get(tier.code, 0),
            )
        if campaign is not None and campaign.state != Campaign.State.DRAFT:
            for name in ("year", "questionnaire", "opens_on", *self.sampling_fields()):
                self.fields[name].disabled = True

    def sampling_fields(self) -> list[str]:
        return [f"sampling_{tier.code}" for tier in self.tiers]

    def values(self) -> dict:
        """Return the cleaned values as the campaign services take them."""
        data = {name: self.cleaned_data[name] for name in self.base_fields}
        data["sampling"] = {tier.code: str(self.cleaned_data[f"sampling_{tier.code}"]) for tier in self.tiers}
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)
