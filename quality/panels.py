"""Extra panels on a corrective/preventive action's page.

Apps that build on quality (the satisfaction survey) show where an action came from by
registering a template here from their AppConfig.ready; the template receives ``action``
and ``data``: what the panel's ``context(request, action)`` returned (False leaves the
panel out). Quality never imports those apps.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable
    order: int = 100


_PANELS: list[Panel] = []


def register_capa_panel(template_name: str, context: Callable, order: int = 100) -> None:
    """Show ``template_name`` on every action page where ``context(request, action)`` is not False."""
    if all(panel.template != template_name for panel in _PANELS):
        _PANELS.append(Panel(template_name, context, order))
        _PANELS.sort(key=lambda panel: (panel.order, panel.template))


def capa_panels(request, action) -> list[dict]:
    """Return ``[{"template": ..., "data": ...}]`` of the panels shown for this action and user."""
    shown = []
    for panel in _PANELS:
        data = panel.context(request, action)
        if data is not False:
            shown.append({"template": panel.template, "data": data})
    return shown
