"""A <select> and <input> rendered in Python, for the filter forms above the long lists.

Django renders a select with one template per option and one more for each option's
attributes: the complaint list's three filter drop-downs cost some forty template
renders per request. This widget builds the same markup from the same ``optgroups()``
(so what is selected, and how, stays Django's), without the templates. Grouped choices
fall back to Django's own rendering. The text and date boxes likewise render the markup of
django/forms/widgets/input.html without its two templates.
"""

import html

from django import forms
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """The attributes as django/forms/widgets/attrs.html writes them (in order; True bare, False left out)."""
    return "".join(
        f" {name}" if value is True else f' {name}="{html.escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        widget = context["widget"]
        groups = widget["optgroups"]
        if any(group_name for group_name, _options, _index in groups):
            return super().render(name, value, attrs, renderer)
        options = []
        for _group, group_options, _index in groups:
            for option in group_options:
                option_attrs = _attrs(option["attrs"])
                value_attr = html.escape(str(option["value"]))
                label = html.escape(str(option["label"]))
                options.append(f'<option value="{value_attr}"{option_attrs}>{label}</option>')
        head = f'<select name="{html.escape(widget["name"])}"{_attrs(widget["attrs"])}>'
        return mark_safe(head + "\n  " + "\n  ".join(options) + "\n</select>")


class FastInputMixin:
    """An <input> as django/forms/widgets/input.html writes it, from the widget's own context."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        given = "" if widget["value"] is None else f' value="{html.escape(str(widget["value"]))}"'
        return mark_safe(
            f'<input type="{html.escape(widget["type"])}" name="{html.escape(widget["name"])}"'
            f"{given}{_attrs(widget['attrs'])}>"
        )


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastDateInput(FastInputMixin, forms.DateInput):
    input_type = "date"
