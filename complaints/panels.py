"""Extra panels on the complaint page.

Apps that build on complaints (the quality chain, service work) add a card to the
complaint page by registering a template here from their AppConfig.ready; the
template receives ``complaint``, ``request`` and, when the panel has a ``context``
function, ``data``: what that function returned for this complaint and user (read it
with a constant number of queries). The complaints app never imports them.

Columns: ``main`` (under the complaint's details), ``side`` (above the steps) and
``side_end`` (under the attachments).
"""

from collections.abc import Callable
from dataclasses import dataclass

COLUMNS = ("main", "side", "side_end")


@dataclass(frozen=True)
class Panel:
    template: str
    order: int = 100
    column: str = "side"
    context: Callable | None = None


_PANELS: list[Panel] = []


def register_panel(
    template_name: str, order: int = 100, *, column: str = "side", context: Callable | None = None
) -> None:
    """Show ``template_name`` on every complaint page; ``context(request, complaint)`` gives it ``data``."""
    if column not in COLUMNS:
        raise ValueError(f"column must be one of {COLUMNS}")
    if all(panel.template != template_name for panel in _PANELS):
        _PANELS.append(Panel(template_name, order, column, context))
        _PANELS.sort(key=lambda panel: (panel.order, panel.template))


def panel_templates() -> list[str]:
    return [panel.template for panel in _PANELS]


def panels_for(request, complaint) -> dict[str, list[dict]]:
    """Return each column's panels for this page: ``{"side": [{"template": ..., "data": ...}]}``."""
    columns: dict[str, list[dict]] = {column: [] for column in COLUMNS}
    for panel in _PANELS:
        data = panel.context(request, complaint) if panel.context else None
        if data is not False:  # a context function returns False to leave its panel out
            columns[panel.column].append({"template": panel.template, "data": data})
    return columns
