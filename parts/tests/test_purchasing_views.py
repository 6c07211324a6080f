"""Purchasing pages: what each role sees and may do, proved by the pages' content."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales import roles
from parts.models import PurchasePlan, StockLevel

from .factories import PartFactory, WarehouseFactory
from .purchasing_factories import PurchasePlanFactory, PurchasePlanLineFactory, SupplierDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_keepers(make_user, request):
    request.applymarker(pytest.mark.ledger_tampered)
    """Two keepers, each of one warehouse with an ordered line and a part below its minimum."""
    plan = PurchasePlanFactory(state=PurchasePlan.State.APPROVED)
    found = []
    for name in ("north", "south"):
        keeper = make_user(roles.WAREHOUSE_KEEPER, username=f"keeper_{name}")
        warehouse = WarehouseFactory(code=f"WH-{name.upper()}")
        warehouse.keepers.add(keeper)
        part = PartFactory(code=f"PJ-{name.upper()}", min_stock=5, safety_stock=2, max_stock=10)
        # A balance set directly, as if the after-move check had missed it (no ledger, no proposal).
        StockLevel.objects.create(part=part, warehouse=warehouse, on_hand=1)
        line = PurchasePlanLineFactory(
            plan=plan, part=part, warehouse=warehouse, state="ordered", order_reference=f"PO-{name}"
        )
        found.append((keeper, line))
    return plan, found


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_keeper_sees_the_lines_and_alerts_of_their_own_warehouse_only(client_for, two_keepers):
    plan, ((north, north_line), (_south, south_line)) = two_keepers
    client = client_for(north)
    page = text(client, plan.get_absolute_url())
    assert "PJ-NORTH" in page and "PJ-SOUTH" not in page
    assert reverse("parts:plan_line_receive", args=[north_line.pk]) in page
    alerts = text(client, reverse("parts:stock_alerts"))
    assert "PJ-NORTH" in alerts and "PJ-SOUTH" not in alerts
    assert client.get(reverse("parts:plan_line_receive", args=[south_line.pk])).status_code == 404
    assert client.get(reverse("parts:supplier_list")).status_code == 403
    home = text(client, reverse("home"))
    assert "PJ-NORTH" in home and "PJ-SOUTH" not in home


def test_purchasing_sees_everything_and_management_only_reads(client_for, two_keepers):
    plan = two_keepers[0]
    buyer_page = text(client_for(roles.PURCHASING), plan.get_absolute_url())
    assert "PJ-NORTH" in buyer_page and "PJ-SOUTH" in buyer_page and 'data-testid="receive"' in buyer_page
    management = client_for(roles.MANAGEMENT)
    page = text(management, plan.get_absolute_url())
    assert "PJ-SOUTH" in page and 'data-testid="receive"' not in page and 'data-testid="close"' not in page
    line = two_keepers[1][0][1]
    assert management.get(reverse("parts:plan_line_receive", args=[line.pk])).status_code == 403
    assert management.post(reverse("parts:plan_step", args=[plan.pk, "close"])).status_code == 403
    assert PurchasePlan.objects.get(pk=plan.pk).state == PurchasePlan.State.APPROVED


@pytest.mark.parametrize("role", [roles.SALES, roles.AFTERSALES_ENGINEER, roles.QUALITY_ENGINEER])
def test_others_open_no_purchasing_page(client_for, role, two_keepers):
    client = client_for(role)
    plan = two_keepers[0]
    for url in (reverse("parts:plan_list"), plan.get_absolute_url(), reverse("parts:supplier_list")):
        assert client.get(url).status_code in (403, 404)


def test_the_manager_approves_and_sends_back_from_the_page(client_for, role_user):
    plan = PurchasePlanFactory(state=PurchasePlan.State.SUBMITTED)
    PurchasePlanLineFactory(plan=plan)
    manager = client_for(roles.AFTERSALES_MANAGER)
    page = text(manager, plan.get_absolute_url())
    assert 'data-testid="approve"' in page and 'data-testid="send-back"' in page
    response = manager.post(reverse("parts:plan_step", args=[plan.pk, "send_back"]), {"reason": ""})
    assert response.status_code == 400
    manager.post(reverse("parts:plan_step", args=[plan.pk, "send_back"]), {"reason": "价格偏高"})
    assert PurchasePlan.objects.get(pk=plan.pk).state == PurchasePlan.State.RETURNED
    purchasing = client_for(roles.PURCHASING)
    purchasing.post(reverse("parts:plan_step", args=[plan.pk, "submit"]))
    manager.post(reverse("parts:plan_step", args=[plan.pk, "approve"]))
    assert PurchasePlan.objects.get(pk=plan.pk).state == PurchasePlan.State.APPROVED


def test_order_and_receive_through_the_forms(client_for, role_user):
    line = PurchasePlanLineFactory(quantity=4)
    buyer = client_for(roles.PURCHASING)
    today = timezone.localdate()
    response = buyer.post(
        reverse("parts:plan_line_order", args=[line.pk]),
        {"order_reference": "PO-88", "promised_date": today + datetime.timedelta(days=3), "unit_price": "30"},
    )
    assert response.status_code == 302
    response = buyer.post(
        reverse("parts:plan_line_receive", args=[line.pk]),
        {"quantity_received": 9, "quantity_rejected": 0, "unit_cost": "31.5", "received_date": today},
    )
    assert response.status_code == 400 and "4" in response.content.decode()  # nothing typed is lost
    buyer.post(
        reverse("parts:plan_line_receive", args=[line.pk]),
        {"quantity_received": 4, "quantity_rejected": 0, "unit_cost": "31.5", "received_date": today},
    )
    level = StockLevel.objects.get(part=line.part, warehouse=line.warehouse)
    assert level.on_hand == 4 and level.part.moves.get().unit_cost == Decimal("31.50")
    page = text(client_for(roles.MANAGEMENT), line.plan.get_absolute_url())
    assert 'data-testid="receipts"' in page and "31.50" in page


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    return tmp_path


def test_supplier_document_downloads_only_for_supplier_readers(client_for, private_media):
    from django.core.files.base import ContentFile

    document = SupplierDocumentFactory()
    document.file.save("licence.pdf", ContentFile(b"%PDF-1.4 licence"), save=False)
    document.original_name = "licence.pdf"
    document.save()
    url = reverse("parts:supplier_document", args=[document.supplier.pk, document.pk])
    response = client_for(roles.AFTERSALES_MANAGER).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(roles.WAREHOUSE_KEEPER).get(url).status_code == 403
    page = text(client_for(roles.PURCHASING), document.supplier.get_absolute_url())
    assert document.number in page and "licence.pdf" in page


def test_my_work_lists_what_waits_on_purchasing_and_the_manager(client_for, make_user):
    submitted = PurchasePlanFactory(state=PurchasePlan.State.SUBMITTED)
    line = PurchasePlanLineFactory()
    SupplierDocumentFactory(number="ISO-EXPIRING", valid_until=timezone.localdate() + datetime.timedelta(days=5))
    manager = make_user(roles.AFTERSALES_MANAGER, username="mgr")
    page = text(client_for(manager), reverse("complaints:my_work"))
    assert submitted.number in page
    buyer = make_user(roles.PURCHASING, roles.AFTERSALES_ENGINEER, username="buyer")
    page = text(client_for(buyer), reverse("complaints:my_work"))
    assert line.part.code in page and "ISO-EXPIRING" in page


def test_the_plan_page_reads_in_a_constant_number_of_queries(client_for, django_assert_max_num_queries):
    plan = PurchasePlanFactory(state=PurchasePlan.State.APPROVED)
    for _ in range(15):
        PurchasePlanLineFactory(plan=plan)
    client = client_for(roles.PURCHASING)
    client.get(plan.get_absolute_url())
    with django_assert_max_num_queries(25):
        client.get(plan.get_absolute_url())


def test_purchasing_without_complaints_finds_its_work_on_the_start_page(client_for):
    line = PurchasePlanLineFactory()
    page = text(client_for(roles.PURCHASING), reverse("home"))
    assert 'data-testid="purchasing-work-card"' in page and line.part.code in page
    assert 'data-testid="purchasing-work-card"' not in text(client_for(roles.AFTERSALES_MANAGER), reverse("home"))


def test_the_alerts_and_supplier_pages_read_in_a_constant_number_of_queries(client_for, django_assert_max_num_queries):
    from .purchasing_factories import SupplierFactory, SupplierPartFactory

    warehouse = WarehouseFactory()
    supplier = SupplierFactory()
    for _ in range(12):
        part = PartFactory(min_stock=3, safety_stock=1, max_stock=6)
        StockLevel.objects.create(part=part, warehouse=warehouse, on_hand=0)
        SupplierPartFactory(supplier=supplier, part=part)
        SupplierDocumentFactory(supplier=supplier)
    client = client_for(roles.PURCHASING)
    for url in (reverse("parts:stock_alerts"), supplier.get_absolute_url(), reverse("parts:supplier_list")):
        client.get(url)
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200


def test_purchasing_alone_has_a_my_work_queue(client_for, make_user):
    line = PurchasePlanLineFactory()
    buyer = make_user(roles.PURCHASING, username="buyer_only")
    page = text(client_for(buyer), reverse("complaints:my_work"))
    assert line.part.code in page
    assert 'data-testid="nav-my-work"' in client_for(buyer).get(reverse("home")).content.decode()
