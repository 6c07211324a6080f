"""Forms of the rewards pages: record an entry, void one, pick the period and person of the list."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from customers.forms import DateInput

from .access import people_visible_to, sees_everyone
from .models import RewardPenalty


def recordable_people(user):
    """Return the people ``user`` may record for: their team, or everyone for one who sees all staff."""
    people = people_visible_to(user).exclude(pk=user.pk)
    if not sees_everyone(user):
        people = people.filter(staff_profile__supervisor=user)
    return people.order_by("last_name", "first_name", "username")


class RewardForm(forms.Form):
    person = forms.ModelChoiceField(label=_("person"), queryset=get_user_model().objects.none())
    kind = forms.ChoiceField(label=_("type"), choices=RewardPenalty.Kind.choices)
    category = forms.ChoiceField(label=_("category"), choices=RewardPenalty.Category.choices)
    measure = forms.ChoiceField(label=_("measured in"), choices=RewardPenalty.Measure.choices)
    value = forms.DecimalField(
        label=_("points or amount"), max_digits=10, decimal_places=2, min_value=0, required=False
    )
    # The service checks these (with every other rule) so that all errors show at once.
    occurred_on = forms.DateField(label=_("date"), widget=DateInput(), required=False)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    complaint = forms.CharField(
        label=_("complaint"), required=False, max_length=20, help_text=_("The complaint number, if it concerns one.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["person"].queryset = recordable_people(user)

    def clean_complaint(self):
        number = self.cleaned_data.get("complaint", "").strip()
        if not number:
            return None
        complaint = Complaint.objects.visible_to(self.user).filter(number=number).first()
        if complaint is None:
            raise forms.ValidationError(_("No complaint you may see has this number."))
        return complaint


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("reason for voiding"), widget=forms.Textarea(attrs={"rows": 2}))


class ListFilterForm(forms.Form):
    period = forms.CharField(label=_("period"), required=False, help_text=_("2026-11, 2026-Q4 or 2026"))
    person = forms.ModelChoiceField(
        label=_("person"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Everyone I see")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people_visible_to(user).order_by("last_name", "first_name", "username")
