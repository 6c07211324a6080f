"""Forms of the questionnaire editor, and the answer fields a customer sees for each question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import ProductModel

from ..models import Question, Questionnaire, Section


class QuestionnaireCreateForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["code", "title", "introduction", "closing_text"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3}), "closing_text": forms.Textarea(attrs={"rows": 2})}

    def clean_code(self):
        """Refuse a code in use here too, so the page reports it with the other errors at once."""
        code = self.cleaned_data["code"].strip()
        if Questionnaire.objects.filter(code=code).exists():
            raise forms.ValidationError(
                _("A questionnaire with the code %(code)s exists already; make a new version of it instead."),
                params={"code": code},
            )
        return code

    def validate_unique(self):
        """Leave uniqueness to clean_code and the service, which say what to do instead."""


class QuestionnaireTextForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "introduction", "closing_text"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3}), "closing_text": forms.Textarea(attrs={"rows": 2})}


class SectionForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)


class ChoiceForm(forms.Form):
    text = forms.CharField(label=_("choice"), max_length=200)


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["section", "kind", "text", "help_text", "dimension", "required", "industry", "product_model"]

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(questionnaire=questionnaire)
        self.fields["section"].empty_label = _("(no section)")
        self.fields["product_model"].queryset = ProductModel.objects.order_by("code")
        self.instance.questionnaire = questionnaire

    def _post_clean(self):
        """Leave the model's checks to the service, which reports them all on their fields."""
