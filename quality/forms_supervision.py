"""Forms of the supervision pages; the services check the dates and rules again and report on these fields."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models.supervision import CheckFinding, ServiceUnit, SupervisionCheck


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


def _add_problems(form, problems: dict) -> None:
    for name, message in problems.items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, message)


class CheckCreateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit checked"), queryset=ServiceUnit.objects.filter(is_active=True))
    kind = forms.ChoiceField(label=_("Type"), choices=SupervisionCheck.Kind.choices)
    period = forms.DateField(
        label=_("Month checked"), input_formats=["%Y-%m", "%Y-%m-%d"], widget=MonthInput(), help_text=_("YYYY-MM")
    )
    checked_on = forms.DateField(label=_("Checked on"), widget=DateInput())
    other_checkers = forms.CharField(label=_("Checked with"), max_length=200, required=False)
    customers_met = forms.CharField(
        label=_("Customers met"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For a site survey: who was met, face to face or at a forum."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["period"].initial = today.replace(day=1)
        self.fields["checked_on"].initial = today
        for name in self.fields:
            css = "form-select" if name in ("unit", "kind") else "form-control"
            self.fields[name].widget.attrs.setdefault("class", css)

    def clean(self):
        """Check the dates here too, so they are reported with a missing unit or type, not after it."""
        from .services.supervision import check_date_problems

        data = super().clean()
        _add_problems(self, check_date_problems(period=data.get("period"), checked_on=data.get("checked_on")))
        return data

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class CheckEditForm(forms.Form):
    checked_on = forms.DateField(label=_("Checked on"), widget=DateInput())
    other_checkers = forms.CharField(label=_("Checked with"), max_length=200, required=False)
    customers_met = forms.CharField(label=_("Customers met"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class FindingForm(forms.Form):
    description = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    severity = forms.ChoiceField(
        label=_("Severity"), choices=CheckFinding.Severity.choices, widget=forms.Select(attrs={"class": "form-select"})
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput(attrs={"class": "form-control"}))
    notes = forms.CharField(
        label=_("What the meeting reported and decided"),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, check=None, **kwargs):
        self.check = check
        super().__init__(*args, **kwargs)

    def clean(self):
        """Check the date here too, so a wrong date is reported with a missing note, not after it."""
        from .services.supervision import meeting_date_problems

        data = super().clean()
        if self.check is not None and data.get("held_on"):
            _add_problems(self, meeting_date_problems(self.check, data["held_on"]))
        return data


class NoticeForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Owner (person in charge of the unit)"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    planned_action = forms.CharField(
        label=_("Rectification required"), widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    reply_deadline = forms.DateField(label=_("Written reply due"), widget=DateInput(attrs={"class": "form-control"}))
    due_date = forms.DateField(label=_("Rectify by"), widget=DateInput(attrs={"class": "form-control"}))

    def clean(self):
        """Check the deadlines here too, so a past date is reported with a missing owner or plan, not after them."""
        from .services.capa import capa_date_problems

        data = super().clean()
        _add_problems(
            self, capa_date_problems(due_date=data.get("due_date"), reply_deadline=data.get("reply_deadline"))
        )
        return data

    @classmethod
    def for_finding(cls, finding, data=None):
        """Return the form, filled with the unit's head, the default plan and deadlines two and four weeks out."""
        from .services.supervision import default_plan

        today = timezone.localdate()
        initial = {
            "owner": finding.check_record.unit.head_id,
            "planned_action": default_plan(finding),
            "reply_deadline": today + timedelta(days=14),
            "due_date": today + timedelta(days=28),
        }
        return cls(data, initial=initial, prefix=f"notice-{finding.pk}")
