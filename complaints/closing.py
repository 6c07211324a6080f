"""Sections other apps add to the closing step of a complaint.

Service work asks for the case summary when a complaint closes, but the complaints app
must not know it: an app registers a :class:`CloseSection` from its AppConfig.ready. The
closing form adds the section's fields (``fields(user=, complaint=)`` returns the form
fields with their initial values, or ``{}`` when this user is not asked), shows them under
``heading``, and the closing view calls ``save(actor=, complaint=, data=)`` in the closing
transaction with what was typed, so the complaint never closes without its section.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CloseSection:
    name: str
    heading: str
    fields: Callable
    save: Callable


_SECTIONS: dict[str, CloseSection] = {}


def register_close_section(section: CloseSection) -> None:
    _SECTIONS[section.name] = section


def close_sections() -> list[CloseSection]:
    return list(_SECTIONS.values())
