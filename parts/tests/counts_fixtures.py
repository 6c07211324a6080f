"""Fixtures of the count, scrap and transfer tests: a warehouse with its keeper, the roles, the mail handler."""

import pytest

__all__ = ["cast", "central", "count_mail", "station", "stocked", "van"]

from .factories import PartFactory, WarehouseFactory, stock_in


@pytest.fixture
def count_mail():
    """The count and scrap messages go through the app's outbox handler (parts.emails)."""


@pytest.fixture
def cast(make_user):
    """One user per role that takes part, the keeper keeping the central store."""

    class Cast:
        keeper = make_user("warehouse_keeper", username="keeper", email="keeper@example.com")
        other_keeper = make_user("warehouse_keeper", username="keeper2", email="keeper2@example.com")
        manager = make_user("aftersales_manager", username="manager", email="manager@example.com")
        engineer = make_user("aftersales_engineer", username="engineer", email="engineer@example.com")
        engineer2 = make_user("aftersales_engineer", username="engineer2", email="engineer2@example.com")
        management = make_user("management", username="boss")
        purchasing = make_user("purchasing", username="buyer")
        sales = make_user("sales", username="seller")

    return Cast


@pytest.fixture
def central(cast):
    warehouse = WarehouseFactory(code="CK01", name="中心库")
    warehouse.keepers.add(cast.keeper)
    return warehouse


@pytest.fixture
def station(cast):
    warehouse = WarehouseFactory(code="ZD-SZ", name="苏州服务站", kind="station")
    warehouse.keepers.add(cast.other_keeper)
    return warehouse


@pytest.fixture
def van(cast):
    warehouse = WarehouseFactory(code="CAR-01", name="服务车", kind="van")
    warehouse.keepers.add(cast.engineer)
    return warehouse


@pytest.fixture
def stocked(central, cast):
    """Three key parts in the central store: 10, 5 and 0."""
    parts = [PartFactory(is_key=True) for _n in range(3)]
    for part, quantity in zip(parts, (10, 5, 0), strict=True):
        if quantity:
            stock_in(part, central, quantity, actor=cast.keeper)
    return parts
