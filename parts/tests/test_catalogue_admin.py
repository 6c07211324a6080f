"""The admin shows the ledger read-only and lets a balance row's settings change, never its quantities."""

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from aftersales.tests.factories import UserFactory
from parts.models import StockLevel, StockMove

from .factories import PartFactory, WarehouseFactory, stock_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def move():
    return stock_in(PartFactory(), WarehouseFactory(), 7)


def test_the_ledger_change_view_has_no_save_and_no_delete(admin_client, move):
    response = admin_client.get(reverse("admin:parts_stockmove_change", args=[move.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in page and 'name="_continue"' not in page
    assert reverse("admin:parts_stockmove_delete", args=[move.pk]) not in page


def test_a_post_to_the_ledger_change_view_is_refused_and_changes_nothing(admin_client, move):
    url = reverse("admin:parts_stockmove_change", args=[move.pk])
    response = admin_client.post(url, {"quantity": 999, "balance_after": 999, "reason": "edited"})
    assert response.status_code == 403
    move.refresh_from_db()
    assert (move.quantity, move.reason) == (7, "opening stock")


def test_the_ledger_has_no_add_and_no_delete(admin_client, move):
    assert admin_client.get(reverse("admin:parts_stockmove_add")).status_code == 403
    assert admin_client.get(reverse("admin:parts_stockmove_delete", args=[move.pk])).status_code == 403
    changelist = admin_client.get(reverse("admin:parts_stockmove_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    model_admin = site._registry[StockMove]
    request = changelist.wsgi_request
    assert "delete_selected" not in model_admin.get_actions(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, move)
    assert not model_admin.has_delete_permission(request, move)


def test_the_stock_level_admin_changes_only_the_settings(admin_client, move):
    level = StockLevel.objects.get(part=move.part, warehouse=move.warehouse)
    url = reverse("admin:parts_stocklevel_change", args=[level.pk])
    data = {"on_hand": 500, "reserved": 3, "safety_stock": 2, "min_stock": 4, "max_stock": 20, "bin_location": "B-2"}
    response = admin_client.post(url, data)
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (7, 0)
    assert (level.safety_stock, level.min_stock, level.max_stock, level.bin_location) == (2, 4, 20, "B-2")


def test_stock_levels_are_neither_added_nor_deleted_in_the_admin(admin_client, move):
    level = StockLevel.objects.get(part=move.part, warehouse=move.warehouse)
    assert admin_client.get(reverse("admin:parts_stocklevel_add")).status_code == 403
    assert admin_client.get(reverse("admin:parts_stocklevel_delete", args=[level.pk])).status_code == 403
    changelist = admin_client.get(reverse("admin:parts_stocklevel_changelist")).content.decode()
    assert "delete_selected" not in changelist


def test_stock_level_settings_out_of_order_are_refused(admin_client, move):
    level = StockLevel.objects.get(part=move.part, warehouse=move.warehouse)
    url = reverse("admin:parts_stocklevel_change", args=[level.pk])
    response = admin_client.post(url, {"safety_stock": 2, "min_stock": 30, "max_stock": 20, "bin_location": ""})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    level.refresh_from_db()
    assert level.min_stock is None
