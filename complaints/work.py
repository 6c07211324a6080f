"""Other apps' items in "my work".

An app that builds on complaints (service work's planned visits, say) adds a section to the
"my work" page by registering a template and a ``context(request)`` function here from its
``AppConfig.ready``; the function returns the section's data (read with a constant number of
queries) or a false value to leave the section out. The complaints app never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkSection:
    template: str
    context: Callable
    order: int = 100
    permission: str = ""  # who has this section's queue, even with nothing in it today


_SECTIONS: list[WorkSection] = []


def register_work_section(template_name: str, context: Callable, order: int = 100, permission: str = "") -> None:
    """Show ``template_name`` on "my work" with ``data=context(request)`` when that is not empty.

    Holders of ``permission`` may open "my work" for this section alone, without complaints.
    """
    if all(section.template != template_name for section in _SECTIONS):
        _SECTIONS.append(WorkSection(template_name, context, order, permission))
        _SECTIONS.sort(key=lambda section: (section.order, section.template))


def registered() -> list[WorkSection]:
    return list(_SECTIONS)


def section_applies(request, section: WorkSection) -> bool:
    """Whether the user holds the queue of ``section`` (it names a permission they have)."""
    return bool(section.permission) and request.user.has_perm(section.permission)


def section_templates() -> list[str]:
    return [section.template for section in _SECTIONS]


def sections_for(request) -> list[dict]:
    """Return the sections to show this user: ``[{"template": ..., "data": ...}]``."""
    found = []
    for section in _SECTIONS:
        data = section.context(request)
        if data:
            found.append({"template": section.template, "data": data})
    return found
