"""Other apps' cards on the start page.

An app adds a card by registering a template and a ``context(request)`` function from its
``AppConfig.ready``; the function returns the card's data (read cheaply: one capped query)
or a false value to leave the card out.
"""

from collections.abc import Callable

_CARDS: list[tuple[int, str, Callable]] = []


def register_home_card(template_name: str, context: Callable, order: int = 100) -> None:
    """Show ``template_name`` on the start page with ``data=context(request)`` when that is not empty."""
    if all(template != template_name for _order, template, _context in _CARDS):
        _CARDS.append((order, template_name, context))
        _CARDS.sort(key=lambda card: (card[0], card[1]))


def cards_for(request) -> list[dict]:
    found = []
    for _order, template, context in _CARDS:
        data = context(request)
        if data:
            found.append({"template": template, "data": data})
    return found
