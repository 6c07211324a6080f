"""Links offered beside a ledger search that matched a delivered unit's serial number.

The ledger knows no page of the apps above it; an app that shows something about one unit
(service work's unit history) registers a link here from its AppConfig.ready: a label, a URL
name taking the serial number, and the permission the user needs to follow it.
"""

from dataclasses import dataclass

from django.urls import reverse

from .models import Customer, Delivery


@dataclass(frozen=True)
class SerialLink:
    key: str
    label: str
    url_name: str
    permission: str


_LINKS: dict[str, SerialLink] = {}


def register_serial_link(link: SerialLink) -> None:
    _LINKS[link.key] = link


def links_for(user, text: str) -> list[dict]:
    """Return ``[{"label", "url", "serial"}]`` when ``text`` is the serial of a unit the user may see."""
    serial = (text or "").strip().upper()
    links = [link for link in _LINKS.values() if user.has_perm(link.permission)]
    if not serial or not links:
        return []
    visible = Customer.objects.visible_to(user)
    if not Delivery.objects.filter(serial_number=serial, customer__in=visible.values("pk")).exists():
        return []
    return [{"label": link.label, "url": reverse(link.url_name, args=[serial]), "serial": serial} for link in links]
