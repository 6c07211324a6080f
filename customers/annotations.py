"""Badges that other apps add to the delivered units on the customer's deliveries tab.

The ledger knows nothing of what happened to a unit after delivery; an app that does
(service work: "commissioned on …") registers a function with
:func:`register_delivery_annotation`. The tab calls each once per page with all the page's
deliveries, so a page costs one query per registered function, however many rows it has.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Badge:
    text: str
    url: str = ""
    tone: str = "secondary"  # a Bootstrap colour: success, warning, danger, secondary…


# function(user, deliveries) -> {delivery pk: [Badge, ...]}
Annotation = Callable[[object, list], dict[int, list[Badge]]]
_ANNOTATIONS: list[Annotation] = []


def register_delivery_annotation(annotation: Annotation) -> None:
    if annotation not in _ANNOTATIONS:
        _ANNOTATIONS.append(annotation)


def annotate_deliveries(user, deliveries: Iterable) -> None:
    """Set ``badges`` (a list of :class:`Badge`) on each delivery, asking every registered function once."""
    deliveries = list(deliveries)
    for delivery in deliveries:
        delivery.badges = []
    if not deliveries:
        return
    by_pk = {delivery.pk: delivery for delivery in deliveries}
    for annotation in _ANNOTATIONS:
        for pk, badges in annotation(user, deliveries).items():
            if pk in by_pk:
                by_pk[pk].badges.extend(badges)
