"""Extra sections on the service visit page.

Apps that build on service work (spare parts) add a card to the visit page by registering a
template here from their AppConfig.ready; ``context(request, visit)`` returns the card's
``data`` (read with a constant number of queries) or False to leave it out. Service work
never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class VisitSection:
    template: str
    context: Callable
    order: int = 100


_SECTIONS: list[VisitSection] = []


def register_visit_section(template_name: str, context: Callable, order: int = 100) -> None:
    """Show ``template_name`` on every visit page with ``data=context(request, visit)``."""
    if all(section.template != template_name for section in _SECTIONS):
        _SECTIONS.append(VisitSection(template_name, context, order))
        _SECTIONS.sort(key=lambda section: (section.order, section.template))


def section_templates() -> list[str]:
    return [section.template for section in _SECTIONS]


def sections_for(request, visit) -> list[dict]:
    """Return the sections to show on this visit's page: ``[{"template": ..., "data": ...}]``."""
    found = []
    for section in _SECTIONS:
        data = section.context(request, visit)
        if data is not False:
            found.append({"template": section.template, "data": data})
    return found
