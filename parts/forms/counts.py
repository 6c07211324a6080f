"""Forms of counts, transfers and scrap requests; the services write."""

from django import forms
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from ..models import Part, PartCategory, ScrapLine, StockCount, Warehouse

LINE_ROWS = 6


def style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


def kept_warehouses(user):
    """The active warehouses ``user`` keeps (every one for a superuser)."""
    warehouses = Warehouse.objects.filter(is_active=True)
    return warehouses if user.is_superuser else warehouses.filter(keepers=user)


class CountStartForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    kind = forms.ChoiceField(label=_("Type of count"), choices=StockCount.Kind.choices)
    key_parts_only = forms.BooleanField(label=_("Key parts only"), required=False, initial=True)
    category = forms.ModelChoiceField(label=_("Category"), queryset=PartCategory.objects.all(), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = kept_warehouses(user)
        style(self)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class CountEntry:
    """The counted quantity and reason of every line of a count, read from the posted page.

    Every problem is kept with its line, so the page shows them all and nothing typed is lost.
    """

    def __init__(self, lines, data=None):
        self.lines = list(lines)
        self.data = data
        self.errors: dict[int, str] = {}
        self.entries: dict[int, tuple] = {}
        for line in self.lines:
            line.typed_counted = "" if line.counted is None else str(line.counted)
            line.typed_reason = line.reason
            line.error = ""

    def is_valid(self) -> bool:
        for line in self.lines:
            counted = (self.data.get(f"counted-{line.pk}") or "").strip()
            reason = (self.data.get(f"reason-{line.pk}") or "").strip()
            line.typed_counted, line.typed_reason = counted, reason
            value = self._number(line, counted)
            if len(reason) > 200:
                line.error = _gettext("At most 200 characters.")
            if not line.error:
                self.entries[line.pk] = (value, reason)
        self.errors = {line.pk: line.error for line in self.lines if line.error}
        return not self.errors

    @staticmethod
    def _number(line, text):
        if not text:
            return None
        if not text.isdigit():
            line.error = _gettext("Type a whole number, zero or more.")
            return None
        return int(text)


class PartCodeField(forms.CharField):
    """A part typed by its code."""

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        part = Part.objects.filter(code__iexact=code.strip()).first()
        if part is None:
            raise forms.ValidationError(_gettext("No part has the code “%(code)s”.") % {"code": code})
        return part


class TransferForm(forms.Form):
    source = forms.ModelChoiceField(label=_("From warehouse"), queryset=Warehouse.objects.none())
    destination = forms.ModelChoiceField(label=_("To warehouse"), queryset=Warehouse.objects.filter(is_active=True))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = kept_warehouses(user)
        style(self)


class TransferLineForm(forms.Form):
    part = PartCodeField(label=_("Part code"), required=False, max_length=40)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self):
        data = super().clean()
        given = [data.get(name) not in (None, "") for name in ("part", "quantity")]
        if any(given) and not all(given) and not self.errors:
            raise forms.ValidationError(_gettext("Give the part and the quantity of the line."))
        data["filled"] = all(given)
        return data


class ScrapForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        warehouses = Warehouse.objects.filter(is_active=True)
        self.fields["warehouse"].queryset = warehouses if user.is_superuser else warehouses.filter(keepers=user)
        style(self)


class ScrapLineForm(TransferLineForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=ScrapLine.Reason.choices)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BaseLineFormSet(forms.BaseFormSet):
    fields = ("part", "quantity")

    def lines(self) -> list[tuple]:
        return [tuple(f.cleaned_data[name] for name in self.fields) for f in self.forms if f.cleaned_data.get("filled")]

    def clean(self):
        super().clean()
        if not any(self.errors) and not self.lines():
            raise forms.ValidationError(_gettext("Add at least one line."))


class ScrapLineFormSet(BaseLineFormSet):
    fields = ("part", "quantity", "reason", "note")


def transfer_lines(data=None):
    formset = forms.formset_factory(TransferLineForm, formset=BaseLineFormSet, extra=LINE_ROWS, max_num=50)
    return formset(data, prefix="lines")


def scrap_lines(data=None):
    formset = forms.formset_factory(ScrapLineForm, formset=ScrapLineFormSet, extra=LINE_ROWS, max_num=50)
    return formset(data, prefix="lines")
