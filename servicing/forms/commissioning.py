"""Forms of installation and commissioning: the checklist, the dispatch, the results, the acceptance."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.forms import LengthHints
from customers.forms import DateInput, DateTimeInput

from .. import dates
from ..models import ChecklistItem, ServiceVisit
from ..models.commissioning import ItemKind
from . import _style, engineers


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItem
        fields = ["text", "kind", "unit", "min_value", "max_value", "required"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_value"), cleaned.get("max_value")
        if low is not None and high is not None and high < low:
            self.add_error("max_value", _("The maximum cannot be below the minimum."))
        if cleaned.get("kind") == ItemKind.MEASURED and low is None and high is None:
            self.add_error("min_value", _("A measured value needs a minimum or a maximum."))
        return cleaned


ChecklistItemFormSet = forms.formset_factory(ChecklistItemForm, extra=3, can_delete=True, max_num=100)


def checklist_items(formset) -> list[dict]:
    """Return the kept, filled rows of a valid formset, in page order."""
    return [
        {name: value for name, value in form.cleaned_data.items() if name != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("text")
    ]


class CommissioningDispatchForm(LengthHints, forms.ModelForm):
    """Dispatch an engineer to install and commission a delivered unit (the unit comes from the URL)."""

    class Meta:
        model = ServiceVisit
        fields = ["engineer", "kind", "place", "people", "planned_start", "planned_end"]
        widgets = {"planned_start": DateTimeInput(), "planned_end": DateTimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers()

    def clean(self):
        cleaned = super().clean()
        problems = dates.visit_problems(
            planned_start=cleaned.get("planned_start"), planned_end=cleaned.get("planned_end")
        )
        dates.add_problems(self, problems)
        return cleaned


CHECK_CHOICES = [("", _("Not checked")), ("pass", _("Pass")), ("fail", _("Fail"))]


class CommissioningResultsForm(forms.Form):
    """One answer and remark per line of the report, plus the report's remarks."""

    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lines, **kwargs):
        self.lines = lines
        initial = kwargs.setdefault("initial", {})
        super().__init__(*args, **kwargs)
        for line in lines:
            if line.is_measured:
                field = forms.DecimalField(label=line.text, required=False, max_digits=12, decimal_places=3)
                value = line.measured_value
            else:
                field = forms.ChoiceField(label=line.text, required=False, choices=CHECK_CHOICES)
                value = "" if line.checked is None else ("pass" if line.checked else "fail")
            self.fields[self.answer_name(line)] = field
            self.fields[f"remark_{line.pk}"] = forms.CharField(label=_("Remark"), required=False, max_length=200)
            initial.setdefault(self.answer_name(line), value)
            initial.setdefault(f"remark_{line.pk}", line.remark)
        _style(self)

    @staticmethod
    def answer_name(line) -> str:
        return f"line_{line.pk}"

    def rows(self):
        return [(line, self[self.answer_name(line)], self[f"remark_{line.pk}"]) for line in self.lines]

    def results(self) -> dict:
        data = {}
        for line in self.lines:
            answer = self.cleaned_data.get(self.answer_name(line))
            result = {"remark": self.cleaned_data.get(f"remark_{line.pk}", "")}
            if line.is_measured:
                result["measured_value"] = answer
            else:
                result["checked"] = {"pass": True, "fail": False}.get(answer)
            data[line.pk] = result
        return data


class CommissioningAcceptanceForm(LengthHints, forms.Form):
    customer_acceptance_name = forms.CharField(label=_("Accepted by (customer)"), max_length=50)
    customer_acceptance_date = forms.DateField(label=_("Customer acceptance date"), widget=DateInput())

    def __init__(self, *args, report, **kwargs):
        self.report = report
        super().__init__(*args, **kwargs)

    def clean(self):
        from ..services.commissioning import acceptance_problems

        cleaned = super().clean()
        if "customer_acceptance_date" in self.errors or "customer_acceptance_name" in self.errors:
            return cleaned
        name, date = cleaned.get("customer_acceptance_name"), cleaned.get("customer_acceptance_date")
        problems = acceptance_problems(report=self.report, name=name, date=date)
        dates.add_problems(self, problems)
        return cleaned
