"""Forms of the training pages: the plan and its courses, a session, attendees, materials, holding, cancelling."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from aftersales.uploads import check_upload

from .models import Topic, TrainingPlanItem


class ServiceErrorsMixin:
    def add_service_errors(self, error) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)


def staff_people():
    """Active users who may be invited or train: the service staff first, then everyone active."""
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")


class PlanForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("title"), max_length=200)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class PlanItemForm(ServiceErrorsMixin, forms.Form):
    topic = forms.ChoiceField(label=_("topic"), choices=Topic.choices)
    title = forms.CharField(label=_("course"), max_length=200)
    month = forms.TypedChoiceField(label=_("planned month"), coerce=int, choices=[(m, str(m)) for m in range(1, 13)])
    planned_hours = forms.DecimalField(label=_("planned hours"), max_digits=4, decimal_places=1)
    audience = forms.CharField(label=_("audience"), max_length=200, required=False)


class SessionForm(ServiceErrorsMixin, forms.Form):
    plan_item = forms.ModelChoiceField(
        label=_("planned course"), queryset=TrainingPlanItem.objects.none(), required=False
    )
    topic = forms.ChoiceField(label=_("topic"), choices=Topic.choices)
    title = forms.CharField(label=_("title"), max_length=200)
    trainer = forms.ModelChoiceField(label=_("trainer"), queryset=get_user_model().objects.none(), required=False)
    trainer_name = forms.CharField(
        label=_("trainer (external)"),
        max_length=100,
        required=False,
        help_text=_("For a trainer from outside the company."),
    )
    starts_at = forms.DateTimeField(
        label=_("starts at"),
        help_text=_("A session already held may be entered with its past date and then recorded as held."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    hours = forms.DecimalField(label=_("hours"), max_digits=4, decimal_places=1)
    location = forms.CharField(label=_("location"), max_length=200, required=False)
    description = forms.CharField(label=_("contents"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    has_exam = forms.BooleanField(label=_("with an exam"), required=False, initial=True)
    pass_mark = forms.IntegerField(label=_("pass mark"), min_value=0, max_value=100, initial=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = staff_people()
        self.fields["plan_item"].queryset = TrainingPlanItem.objects.select_related("plan").order_by(
            "-plan__year", "month", "order"
        )


class AttendeesForm(forms.Form):
    people = forms.ModelMultipleChoiceField(label=_("invite"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = staff_people()


class MaterialForm(forms.Form):
    file = forms.FileField(
        label=_("file"), help_text=_("Slides, handouts or the exam paper: PDF, photos or spreadsheets.")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2}))


class HoldForm(ServiceErrorsMixin, forms.Form):
    """One row per attendee: attended (yes/no) and the exam score; every error is reported at once."""

    note = forms.CharField(label=_("summary of the session"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, session, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.rows = []
        for attendance in attendances:
            pk = attendance.person_id
            self.fields[f"attended_{pk}"] = forms.TypedChoiceField(
                label=str(attendance.person),
                choices=[("yes", _("attended")), ("no", _("absent"))],
                widget=forms.RadioSelect,
                coerce=lambda value: value == "yes",
            )
            self.fields[f"score_{pk}"] = forms.DecimalField(
                label=_("exam score"), min_value=0, max_value=100, decimal_places=1, max_digits=4, required=False
            )
            self.rows.append((attendance, f"attended_{pk}", f"score_{pk}", f"person_{pk}"))

    def results(self) -> dict:
        return {
            attendance.person_id: (self.cleaned_data[attended], self.cleaned_data.get(score))
            for attendance, attended, score, _field in self.rows
        }

    def add_service_errors(self, error) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        names = {field: score for _a, _att, score, field in self.rows}
        for field, errors in error.error_dict.items():
            self.add_error(names.get(field) if field in names else None, errors)

    def bound_rows(self):
        return [(attendance, self[attended], self[score]) for attendance, attended, score, _f in self.rows]
