"""Forms of requisitions: the header, the lines (a fixed number of rows, no script), issue and return."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Part, Requisition, Warehouse

LINE_ROWS = 5


def _style(form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class RequisitionForm(forms.Form):
    """What the parts are for and why; the complaint or visit comes from the page it was opened on."""

    target_warehouse = forms.ModelChoiceField(
        label=_("Van to restock"),
        queryset=Warehouse.objects.filter(kind=Warehouse.Kind.VAN, is_active=True).order_by("code"),
        required=False,
        help_text=_("Only for a requisition that restocks an engineer's van."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, restock: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not restock:
            del self.fields["target_warehouse"]
        else:
            self.fields["target_warehouse"].required = True
        _style(self)


class RequisitionLineForm(forms.Form):
    part_code = forms.CharField(label=_("Part code"), max_length=40, required=False)
    warehouse = forms.ModelChoiceField(
        label=_("Take from"), queryset=Warehouse.objects.filter(is_active=True).order_by("code"), required=False
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean(self):
        data = super().clean()
        given = [data.get(name) not in (None, "") for name in ("part_code", "warehouse", "quantity")]
        if any(given) and not all(given):
            raise forms.ValidationError(_("Fill in the part, the warehouse and the quantity of the line."))
        data["filled"] = all(given)
        if data["filled"]:
            data["part"] = Part.objects.filter(code__iexact=data["part_code"].strip()).first()
            if data["part"] is None:
                self.add_error("part_code", _("No part has this code."))
                data["filled"] = False
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict]:
        return [
            {
                "part": form.cleaned_data["part"],
                "warehouse": form.cleaned_data["warehouse"],
                "quantity": form.cleaned_data["quantity"],
            }
            for form in self.forms
            if form.cleaned_data.get("filled")
        ]

    def clean(self):
        super().clean()
        if not any(self.errors) and not self.lines():
            raise forms.ValidationError(_("A requisition needs at least one line."))


LineFormSet = forms.formset_factory(RequisitionLineForm, formset=BaseLineFormSet, extra=0, max_num=50)


def line_formset(data=None, requisition: Requisition | None = None) -> BaseLineFormSet:
    """Return the line rows: the draft's lines, then empty rows up to :data:`LINE_ROWS`."""
    initial = []
    if requisition is not None:
        initial = [
            {"part_code": line.part.code, "warehouse": line.warehouse_id, "quantity": line.quantity_requested}
            for line in requisition.lines.select_related("part")
        ]
    initial += [{}] * max(LINE_ROWS - len(initial), 2)
    return LineFormSet(data, initial=initial, prefix="lines")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class QuantitiesForm(forms.Form):
    """One quantity per line (approve, issue or return), named ``line-<id>``."""

    def __init__(self, *args, lines, limit, initial_for, with_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"line-{line.pk}"] = forms.IntegerField(
                label=f"{line.position}. {line.part.code}",
                min_value=0,
                max_value=limit(line),
                initial=initial_for(line),
                required=False,
            )
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=200
            )
        _style(self)

    def rows(self):
        return [(line, self[f"line-{line.pk}"]) for line in self.lines]

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data.get(f"line-{line.pk}") or 0 for line in self.lines}
