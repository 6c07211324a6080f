"""Validators for text typed or imported into one-line and multi-line fields."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Line breaks and tabs belong in a multi-line text; nothing else of category Cc does.
MULTILINE_ALLOWED = frozenset("\n\r\t")


@deconstructible
class NoControlCharacters:
    """Refuse control characters (U+0000–U+001F, U+007F–U+009F), which nobody types on purpose.

    They arrive by copy and paste from other programs; an xlsx file cannot hold them,
    so a name with one of them would make every export that includes it fail.
    """

    message = _("Remove the control character %(character)s; it cannot be typed or exported.")
    code = "control_character"

    def __init__(self, allowed=frozenset()):
        self.allowed = frozenset(allowed)

    def __call__(self, value):
        if not isinstance(value, str):
            return
        for char in value:
            if char not in self.allowed and unicodedata.category(char) == "Cc":
                raise ValidationError(self.message, code=self.code, params={"character": f"U+{ord(char):04X}"})

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and self.allowed == other.allowed


no_control_characters = NoControlCharacters()
no_control_characters_multiline = NoControlCharacters(allowed=MULTILINE_ALLOWED)
