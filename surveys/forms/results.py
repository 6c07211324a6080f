"""Forms of the results pages: conclude a campaign, turn a finding into an action, follow up."""

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from customers.forms import DateInput
from quality.filters import task_owners
from quality.models import CapaAction
from quality.services.capa import capa_date_problems

from ..models import Dimension, Question


class ConcludeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for concluding below the target"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    summary = forms.CharField(
        label=_("Summary for the management review"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, below_target: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.below_target = below_target
        if not below_target:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _(
                "The answers are below the target: give the reason for concluding anyway."
            )


class FindingForm(forms.Form):
    question = forms.ModelChoiceField(label=_("Question"), queryset=Question.objects.none(), required=False)
    dimension = forms.ChoiceField(label=_("Dimension"), choices=[("", "—"), *Dimension.choices], required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=CapaAction.Kind.choices, initial=CapaAction.Kind.CORRECTIVE)
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 2}))
    planned_action = forms.CharField(label=_("Planned action"), widget=forms.Textarea(attrs={"rows": 3}))
    # Like a CAPA action's owner: active staff of a department who work on quality sheets.
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=task_owners())
    department = forms.CharField(label=_("Department"), max_length=100)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = Question.objects.filter(questionnaire_id=campaign.questionnaire_id).order_by(
            F("section__position").asc(nulls_first=True), "section_id", "position", "id"
        )

    def clean_due_date(self):
        value = self.cleaned_data["due_date"]
        problems = capa_date_problems(due_date=value)
        if problems:
            raise forms.ValidationError(problems["due_date"])
        return value


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 2}))
