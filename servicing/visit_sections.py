"""Extra sections on the service visit page and on its printed record.

Apps that build on service work (spare parts) add a card to the visit page by registering a
template here from their AppConfig.ready; ``context(request, visit)`` returns the card's
``data`` (read with a constant number of queries) or False to leave it out. Service work
never imports them. A print section is registered the same way; its template renders rows
(``<tr><th>…</th><td colspan="3">…</td></tr>``) of the paper form's table.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class VisitSection:
    template: str
    context: Callable
    order: int = 100


_SECTIONS: list[VisitSection] = []
_PRINT_SECTIONS: list[VisitSection] = []


def _register(sections: list[VisitSection], template_name: str, context: Callable, order: int) -> None:
    if all(section.template != template_name for section in sections):
        sections.append(VisitSection(template_name, context, order))
        sections.sort(key=lambda section: (section.order, section.template))


def _render(sections: list[VisitSection], request, visit) -> list[dict]:
    found = []
    for section in sections:
        data = section.context(request, visit)
        if data is not False:
            found.append({"template": section.template, "data": data})
    return found


def register_visit_section(template_name: str, context: Callable, order: int = 100) -> None:
    """Show ``template_name`` on every visit page with ``data=context(request, visit)``."""
    _register(_SECTIONS, template_name, context, order)


def register_visit_print_section(template_name: str, context: Callable, order: int = 100) -> None:
    """Print the rows of ``template_name`` in every visit's paper form with ``data=context(request, visit)``."""
    _register(_PRINT_SECTIONS, template_name, context, order)


def section_templates() -> list[str]:
    return [section.template for section in _SECTIONS]


def print_section_templates() -> list[str]:
    return [section.template for section in _PRINT_SECTIONS]


def sections_for(request, visit) -> list[dict]:
    """Return the sections to show on this visit's page: ``[{"template": ..., "data": ...}]``."""
    return _render(_SECTIONS, request, visit)


def print_sections_for(request, visit) -> list[dict]:
    """Return the sections to print in this visit's paper form: ``[{"template": ..., "data": ...}]``."""
    return _render(_PRINT_SECTIONS, request, visit)
