"""Factories of the parts app. Stock is put on hand through the stock service (``stock_in``)."""

from decimal import Decimal

import factory

from aftersales.tests.factories import UserFactory

from .. import stock
from ..models import Part, PartCategory, StockMove, Warehouse


class PartCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartCategory
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:02d}")
    name = factory.Sequence(lambda n: f"电气元件{n}")


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    code = factory.Sequence(lambda n: f"PJ-{n:05d}")
    name = factory.Sequence(lambda n: f"接触器{n}")
    model_no = "CJX2-1810"
    specification = "AC220V 18A"
    unit = "个"
    category = factory.SubFactory(PartCategoryFactory)
    standard_cost = Decimal("35.50")


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n:02d}")
    name = factory.Sequence(lambda n: f"仓库{n}")
    kind = Warehouse.Kind.CENTRAL


def stock_in(part, warehouse, quantity: int, *, actor=None, unit_cost=None):
    """Receive ``quantity`` of ``part`` into ``warehouse`` through the ledger; return the move."""
    actor = actor or UserFactory(username="stock-loader")
    (move,) = stock.post(
        [
            stock.Move(
                StockMove.Kind.RECEIPT, part.pk, warehouse.pk, quantity, unit_cost=unit_cost, reason="opening stock"
            )
        ],
        actor=actor,
    )
    return move
