"""Extra panels on the complaint page.

Apps that build on complaints (the quality chain) add a card to the complaint page
by registering a template here from their AppConfig.ready; the template receives
``complaint`` and ``request``. The complaints app never imports them.
"""

_PANELS: list[tuple[int, str]] = []


def register_panel(template_name: str, order: int = 100) -> None:
    if all(name != template_name for _order, name in _PANELS):
        _PANELS.append((order, template_name))
        _PANELS.sort()


def panel_templates() -> list[str]:
    return [name for _order, name in _PANELS]
