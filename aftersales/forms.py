"""What every form of the site shares: text fields say their limit instead of cutting silently."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LengthHints:
    """Mix into a form: each limited text field says "at most N characters" and counts as one types.

    The browser stops typing at ``maxlength`` (Django sets it) and would cut a pasted text
    without a word; the hint and the live count (``data-length-counter``, static/js) say so.
    Applied when a field is rendered, so fields a form adds in ``__init__`` get it too.
    """

    def __getitem__(self, name):
        field = self.fields.get(name)
        if field is not None:
            add_length_hint(field)
        return super().__getitem__(name)


def add_length_hint(field) -> None:
    limit = getattr(field, "max_length", None)
    if not isinstance(field, forms.CharField) or not limit or field.widget.is_hidden:
        return
    if "data-length-counter" in field.widget.attrs:
        return
    field.widget.attrs["data-length-counter"] = str(limit)
    hint = _("At most %(limit)d characters.") % {"limit": limit}
    field.help_text = f"{field.help_text} {hint}" if field.help_text else hint


def check_lengths(model, **values) -> None:
    """Refuse text longer than its model field allows, naming the limit: nothing is ever cut."""
    errors = {}
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if limit and value and len(value) > limit:
            errors[name] = ValidationError(
                _("%(field)s takes at most %(limit)d characters; this has %(count)d."),
                params={"field": model._meta.get_field(name).verbose_name, "limit": limit, "count": len(value)},
                code="max_length",
            )
    if len(errors) == 1:
        raise next(iter(errors.values()))
    if errors:
        raise ValidationError(errors)
