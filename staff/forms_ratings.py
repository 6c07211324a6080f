"""Forms of the six-hearts rating pages: sign, correct, acknowledge."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .hearts import HEARTS
from .periods import MONTH, QUARTER, Period

SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's errors on the form, beside their fields where it has them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class HeartsForm(forms.Form):
    """The six hearts, each 1–5 with its meaning beside it, and the remarks."""

    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hearts = {}
        for field, label, meaning in HEARTS:
            hearts[field] = forms.TypedChoiceField(
                label=label,
                help_text=meaning,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Give a score from 1 to 5."),
                    "invalid_choice": _("Give a score from 1 to 5."),
                },
            )
        # the hearts first, the remarks after them
        self.fields = {**hearts, **self.fields}

    def heart_fields(self):
        return [self[field] for field, _label, _meaning in HEARTS]

    def scores(self) -> dict:
        return {field: self.cleaned_data[field] for field, _label, _meaning in HEARTS}


class RatingForm(HeartsForm):
    period = forms.CharField(label=_("Period"), help_text=_("A month (2026-11) or a quarter (2026-Q4)."), max_length=8)

    def clean_period(self) -> Period:
        try:
            period = Period.parse(self.cleaned_data["period"])
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if period.kind not in (MONTH, QUARTER):
            raise ValidationError(_("A rating is for a month or a quarter."))
        if period.start > timezone.localdate():
            raise ValidationError(_("This period has not begun yet: a rating can only judge work done."))
        return period


class CorrectionForm(HeartsForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the rating is corrected.")},
    )


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Your comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
