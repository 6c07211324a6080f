"""The answer form built from the questions a questionnaire asks of one customer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Level, Question, Response

TEXT_MAX = 2000
NPS_CHOICES = [(n, str(n)) for n in range(11)]
STAFF_CHANNELS = [c for c in Response.Channel.choices if c[0] != Response.Channel.ONLINE]


def field_name(question) -> str:
    return f"q{question.pk}"


def _to_int(value):
    return int(value)


def _radios(choices, **common):
    # Bootstrap's btn-check: each option is a whole button, easy to hit on a phone.
    widget = forms.RadioSelect(attrs={"class": "btn-check"})
    return forms.TypedChoiceField(choices=choices, coerce=_to_int, empty_value=None, widget=widget, **common)


def _field_for(question):
    """Return the form field of one question; never required here: submitting checks that."""
    common = {"label": question.text, "help_text": question.help_text, "required": False}
    kind = question.kind
    if kind == Question.Kind.SCALE:
        return _radios(Level.choices, **common)
    if kind == Question.Kind.NPS:
        return _radios(NPS_CHOICES, **common)
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        choices = [(c.pk, c.text) for c in question.choices.all()]
        if kind == Question.Kind.SINGLE:
            return _radios(choices, **common)
        widget = forms.CheckboxSelectMultiple(attrs={"class": "btn-check"})
        return forms.TypedMultipleChoiceField(choices=choices, coerce=_to_int, widget=widget, **common)
    return forms.CharField(
        max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}), **common
    )


def initial_from(answers) -> dict:
    """Return the form's initial values from a response's saved answers (choices prefetched)."""
    initial = {}
    for answer in answers:
        question = answer.question
        name = f"q{answer.question_id}"
        if question.kind in (Question.Kind.SCALE, Question.Kind.NPS):
            initial[name] = answer.score
        elif question.kind == Question.Kind.SINGLE:
            picked = [c.pk for c in answer.choices.all()]
            initial[name] = picked[0] if picked else None
        elif question.kind == Question.Kind.MULTIPLE:
            initial[name] = [c.pk for c in answer.choices.all()]
        else:
            initial[name] = answer.text
    return initial


class AnswerForm(forms.Form):
    """One field per question asked; required answers are enforced only when ``submitting``."""

    def __init__(self, *args, questions, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.submitting = submitting
        for question in self.questions:
            self.fields[field_name(question)] = _field_for(question)

    def items(self):
        """Return (question, bound field) pairs in the order the customer reads them."""
        return [(q, self[field_name(q)]) for q in self.questions]

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for question in self.questions:
                name = field_name(question)
                if question.required and name not in self.errors and cleaned.get(name) in (None, "", []):
                    self.add_error(name, _("Please answer this question."))
        return cleaned

    def answers(self) -> dict:
        """Return {question pk: value} for the service: a score, a choice pk, choice pks or text."""
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}


class PublicAnswerForm(AnswerForm):
    """The answer form on the customer's personal link, with an optional name."""

    respondent = forms.CharField(label=_("Your name (optional)"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent"].widget.attrs.update({"class": "form-control form-control-lg", "autocomplete": "name"})


class StaffAnswerForm(AnswerForm):
    """The answer form with how the answers arrived and who gave them, for staff keying them in."""

    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS)
    respondent = forms.CharField(label=_("Answered by"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].widget.attrs["class"] = "form-select"
        self.fields["respondent"].widget.attrs["class"] = "form-control"
