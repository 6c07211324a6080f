"""The tabs of the customer page.

The ledger knows only its own tabs; apps that depend on it (complaints, returns,
visits, surveys) add theirs with :func:`register_tab` from their AppConfig.ready, so
the dependency keeps pointing one way.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    url_name: str
    permission: str
    order: int = 100


_TABS: dict[str, Tab] = {}


def register_tab(tab: Tab) -> None:
    _TABS[tab.key] = tab


def customer_tabs(user) -> list[Tab]:
    return sorted((t for t in _TABS.values() if user.has_perm(t.permission)), key=lambda t: t.order)


register_tab(Tab("contacts", _("Contacts"), "customers:contacts", "customers.view_contact", 10))
register_tab(Tab("deliveries", _("Deliveries"), "customers:deliveries", "customers.view_delivery", 20))
register_tab(Tab("interactions", _("Calls and visits"), "customers:interactions", "customers.view_interaction", 30))
