"""The catalogue and a part's page: search, filters, balances, the ledger, exports and who sees them."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from aftersales import roles
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import CustomerFactory, ProductModelFactory
from parts import stock
from parts.models import StockLevel, StockMove
from servicing.tests.factories import ServiceVisitFactory

from .factories import PartFactory, WarehouseFactory, stock_in

pytestmark = pytest.mark.django_db

PARTS_ROLES = [
    roles.AFTERSALES_ENGINEER,
    roles.AFTERSALES_MANAGER,
    roles.WAREHOUSE_KEEPER,
    roles.PURCHASING,
    roles.MANAGEMENT,
]
OTHER_ROLES = [roles.SALES, roles.QUALITY_ENGINEER]


@pytest.fixture
def central():
    return WarehouseFactory(code="CK01", name="中心库")


@pytest.fixture
def station():
    return WarehouseFactory(code="ZD-SZ", name="深圳服务站", kind="station")


@pytest.fixture
def breaker(central, station):
    part = PartFactory(code="DL-1001", name="真空断路器操作机构", model_no="VS1-12", specification="1250A 31.5kA")
    part.fits.add(ProductModelFactory(code="KYN28A-12", name="铠装移开式开关柜"))
    stock_in(part, central, 12)
    stock_in(part, station, 3)
    return part


def catalogue(client, **query):
    return client.get(reverse("parts:catalogue"), query)


def read_xlsx(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


# --- who sees -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PARTS_ROLES)
def test_every_parts_role_reads_the_catalogue_and_the_part_page(client_for, role, breaker):
    client = client_for(role)
    assert breaker.code in catalogue(client).content.decode()
    assert client.get(breaker.get_absolute_url()).status_code == 200
    assert client.get(reverse("parts:catalogue_export")).status_code == 200
    assert client.get(reverse("parts:ledger_export", args=[breaker.pk])).status_code == 200


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_sales_and_quality_are_refused_every_catalogue_page(client_for, role, breaker):
    client = client_for(role)
    for url in (
        reverse("parts:catalogue"),
        reverse("parts:catalogue_export"),
        breaker.get_absolute_url(),
        reverse("parts:part_photo", args=[breaker.pk]),
        reverse("parts:ledger_export", args=[breaker.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_the_menu_offers_the_catalogue_to_the_parts_roles_only(client_for):
    assert 'data-testid="nav-catalogue"' in client_for(roles.WAREHOUSE_KEEPER).get("/").content.decode()
    assert 'data-testid="nav-catalogue"' not in client_for(roles.SALES).get("/").content.decode()


# --- search and filters ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["DL-10", "dl-1001", "断路器", "VS1", "31.5kA", "KYN28A", "铠装"])
def test_search_finds_a_part_by_code_name_model_specification_or_product_model(client_for, breaker, text):
    PartFactory(code="XX-1", name="熔断器", model_no="RN2", specification="10kV")
    page = catalogue(client_for(roles.AFTERSALES_ENGINEER), q=text).content.decode()
    assert breaker.code in page and "XX-1" not in page


def test_filters_by_category_key_part_status_and_warehouse(client_for, breaker, central, station):
    key = PartFactory(code="KEY-1", is_key=True)
    old = PartFactory(code="OLD-1", is_active=False)
    elsewhere = PartFactory(code="ELSE-1")
    stock_in(elsewhere, central, 1)
    client = client_for(roles.WAREHOUSE_KEEPER)

    def codes(**query):
        page = catalogue(client, **query).content.decode()
        return {code for code in ("DL-1001", "KEY-1", "OLD-1", "ELSE-1") if code in page}

    assert codes() == {"DL-1001", "KEY-1", "ELSE-1"}  # the obsolete are hidden by default
    assert codes(status="obsolete") == {"OLD-1"}
    assert codes(status="all") == {"DL-1001", "KEY-1", "OLD-1", "ELSE-1"}
    assert codes(is_key="true") == {"KEY-1"}
    assert codes(category=key.category_id) == {"KEY-1"}
    assert codes(warehouse=station.pk) == {"DL-1001"}
    assert codes(warehouse=central.pk) == {"DL-1001", "ELSE-1"}
    assert old.pk


def test_below_minimum_uses_the_warehouse_override_and_the_part_default(client_for, central, station):
    low = PartFactory(code="LOW-1", min_stock=5, max_stock=10)
    fine = PartFactory(code="FINE-1", min_stock=5, max_stock=10)
    stock_in(low, central, 4)
    stock_in(fine, central, 9)
    stock_in(fine, station, 1)
    StockLevel.objects.filter(part=fine, warehouse=station).update(min_stock=0)
    client = client_for(roles.PURCHASING)
    page = catalogue(client, below_min="on").content.decode()
    assert "LOW-1" in page and "FINE-1" not in page
    page = catalogue(client, below_min="on", warehouse=station.pk).content.decode()
    assert "LOW-1" not in page and "FINE-1" not in page


def test_each_row_shows_on_hand_reserved_and_available_per_warehouse(client_for, breaker, central, station):
    stock.reserve([(breaker.pk, central.pk, 5)])
    page = catalogue(client_for(roles.AFTERSALES_ENGINEER)).content.decode()
    assert "CK01</span> 12 / 5 / <strong>7</strong>" in page
    assert "ZD-SZ</span> 3 / 0 / <strong>3</strong>" in page
    page = catalogue(client_for(roles.AFTERSALES_ENGINEER), warehouse=station.pk).content.decode()
    assert "ZD-SZ</span> 3 / 0" in page and "CK01</span>" not in page


def test_the_catalogue_reads_a_constant_number_of_queries(client_for, central, station, django_assert_max_num_queries):
    client = client_for(roles.AFTERSALES_ENGINEER)
    first = PartFactory(code="A-0001")
    stock_in(first, central, 2)
    with django_assert_max_num_queries(12) as one:
        catalogue(client)
    model = ProductModelFactory()
    for n in range(2, 61):
        part = PartFactory(code=f"A-{n:04d}")
        part.fits.add(model)
        stock_in(part, central, n)
        stock_in(part, station, 1)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = catalogue(client)
    assert response.context["page"].has_next


def test_the_catalogue_pages_by_keyset_on_the_code(client_for):
    for n in range(1, 56):
        PartFactory(code=f"P-{n:04d}")
    client = client_for(roles.MANAGEMENT)
    first = catalogue(client).context["page"]
    assert first.has_next and len(first) == 50
    second = client.get(reverse("parts:catalogue") + "?" + first.next_query).context["page"]
    assert [p.code for p in second] == [f"P-{n:04d}" for n in range(51, 56)]


def test_the_catalogue_answers_htmx_with_the_table_only(client_for, breaker):
    response = client_for(roles.AFTERSALES_ENGINEER).get(reverse("parts:catalogue"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'data-testid="catalogue-table"' in body and "<html" not in body


def test_the_catalogue_export_has_one_row_per_part_and_warehouse_with_the_filter(client_for, breaker, central, station):
    PartFactory(code="NONE-1", name="未入库配件")
    response = client_for(roles.PURCHASING).get(reverse("parts:catalogue_export"))
    rows = read_xlsx(response)
    assert len(rows) == 1 + 2 + 1
    by_key = {(r[0], r[10]): r for r in rows[1:]}
    assert by_key[("DL-1001", "CK01")][12:15] == (12, 0, 12)
    assert by_key[("DL-1001", "ZD-SZ")][12] == 3
    assert ("NONE-1", None) in by_key
    rows = read_xlsx(client_for(roles.PURCHASING).get(reverse("parts:catalogue_export"), {"warehouse": station.pk}))
    assert [(r[0], r[10]) for r in rows[1:]] == [("DL-1001", "ZD-SZ")]


# --- the part's page ------------------------------------------------------------------------------


def test_the_part_page_shows_master_data_fits_and_balances_with_settings(client_for, breaker, central):
    StockLevel.objects.filter(part=breaker, warehouse=central).update(bin_location="A-01-03", min_stock=20)
    page = client_for(roles.AFTERSALES_MANAGER).get(breaker.get_absolute_url()).content.decode()
    for text in ("真空断路器操作机构", "VS1-12", "1250A 31.5kA", "KYN28A-12", "A-01-03"):
        assert text in page
    assert 'class="table-danger"' in page  # 12 available under the warehouse's minimum of 20


def test_the_photo_is_served_to_the_parts_roles_from_private_storage(client_for, breaker, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    breaker.photo.save("mechanism.png", ContentFile(b"\x89PNG\r\n\x1a\nfake"), save=True)
    response = client_for(roles.AFTERSALES_ENGINEER).get(reverse("parts:part_photo", args=[breaker.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).endswith(b"fake")
    page = client_for(roles.AFTERSALES_ENGINEER).get(breaker.get_absolute_url()).content.decode()
    assert 'data-testid="photo"' in page


def test_a_part_without_photo_has_none_to_serve(client_for, breaker):
    assert client_for(roles.AFTERSALES_ENGINEER).get(reverse("parts:part_photo", args=[breaker.pk])).status_code == 404


def test_a_photo_that_is_not_a_picture_comes_as_a_download(client_for, breaker, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    breaker.photo.save("page.html", ContentFile(b"<script>alert(1)</script>"), save=True)
    response = client_for(roles.AFTERSALES_ENGINEER).get(reverse("parts:part_photo", args=[breaker.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def _issue(part, warehouse, quantity, actor, **extra):
    return stock.post([stock.Move(StockMove.Kind.ISSUE, part.pk, warehouse.pk, -quantity, **extra)], actor=actor)


def test_the_ledger_filters_by_warehouse_kind_and_period(client_for, breaker, central, station, role_user):
    keeper = role_user(roles.WAREHOUSE_KEEPER)
    _issue(breaker, station, 2, keeper, reference="LY-209912-0001")
    client = client_for(keeper)
    url = breaker.get_absolute_url()

    def rows(**query):
        return [(m.kind, m.warehouse.code) for m in client.get(url, query).context["page"]]

    assert rows() == [("issue", "ZD-SZ"), ("receipt", "ZD-SZ"), ("receipt", "CK01")]
    assert rows(warehouse=station.pk) == [("issue", "ZD-SZ"), ("receipt", "ZD-SZ")]
    assert rows(kind="issue") == [("issue", "ZD-SZ")]
    today = timezone.localdate()
    assert len(rows(date_from=today, date_to=today)) == 3
    assert rows(date_to=today - datetime.timedelta(days=1)) == []


def test_the_ledger_refuses_a_reversed_or_future_period_with_its_reason(client_for, breaker):
    client = client_for(roles.AFTERSALES_ENGINEER)
    today = timezone.localdate()
    with translation.override("zh-hans"):
        reversed_period = _("The end of the period is before its start.")
        future = today + datetime.timedelta(days=1)
        in_future = _("This date (%(date)s) is in the future.") % {"date": future.isoformat()}
    response = client.get(breaker.get_absolute_url(), {"date_from": today, "date_to": today - datetime.timedelta(1)})
    assert reversed_period in response.content.decode()
    assert list(response.context["page"]) == []
    response = client.get(breaker.get_absolute_url(), {"date_to": future}, HTTP_HX_REQUEST="true")
    assert in_future in response.content.decode()
    export = client.get(reverse("parts:ledger_export", args=[breaker.pk]), {"date_to": future})
    assert export.status_code == 400


def test_the_ledger_pages_by_keyset_on_the_id(client_for, central, role_user):
    part = PartFactory()
    keeper = role_user(roles.WAREHOUSE_KEEPER)
    for _n in range(55):
        stock_in(part, central, 1, actor=keeper)
    client = client_for(keeper)
    first = client.get(part.get_absolute_url()).context["page"]
    second = client.get(part.get_absolute_url() + "?" + first.next_query).context["page"]
    assert len(first) == 50 and len(second) == 5
    assert second[0].pk < first[-1].pk


def test_the_part_page_reads_a_constant_number_of_queries(
    client_for, central, station, role_user, django_assert_max_num_queries
):
    part = PartFactory()
    keeper = role_user(roles.WAREHOUSE_KEEPER)
    stock_in(part, central, 100, actor=keeper)
    client = client_for(keeper)
    with django_assert_max_num_queries(20) as one:
        client.get(part.get_absolute_url())
    complaints = ComplaintFactory.create_batch(5)
    for n in range(60):
        _issue(part, central, 1, keeper, complaint_id=complaints[n % 5].pk, reference=f"LY-1-{n}")
    stock_in(part, station, 4, actor=keeper)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(part.get_absolute_url())
    assert response.context["page"].has_next


def test_the_ledger_export_streams_the_filtered_moves(client_for, breaker, station, role_user):
    keeper = role_user(roles.WAREHOUSE_KEEPER)
    _issue(breaker, station, 2, keeper, reference="LY-209912-0002", reason="=HYPERLINK(1)")
    response = client_for(keeper).get(reverse("parts:ledger_export", args=[breaker.pk]), {"warehouse": station.pk})
    rows = read_xlsx(response)
    assert [(r[3], r[4]) for r in rows[1:]] == [(-2, 1), (3, 3)]
    assert rows[1][7] == "LY-209912-0002" and rows[1][10] == "=HYPERLINK(1)"


def test_where_used_links_only_the_complaints_the_user_may_see(client_for, breaker, central, role_user, make_user):
    keeper = role_user(roles.WAREHOUSE_KEEPER)
    seller = make_user(roles.SALES, username="seller")
    complaint = ComplaintFactory(customer=CustomerFactory(salesperson=seller))
    _issue(breaker, central, 3, keeper, complaint_id=complaint.pk)
    stock.post([stock.Move(StockMove.Kind.RETURN, breaker.pk, central.pk, 1, complaint_id=complaint.pk)], actor=keeper)
    link = f'href="{complaint.get_absolute_url()}"'
    engineer_page = client_for(roles.AFTERSALES_ENGINEER).get(breaker.get_absolute_url()).content.decode()
    assert link in engineer_page
    used = client_for(roles.AFTERSALES_ENGINEER).get(breaker.get_absolute_url()).context["used"]
    assert used["complaints"][0]["issued"] == 2
    assert used["complaints"][0]["cost"] == 2 * breaker.standard_cost
    # The keeper reads the ledger but not complaints: the number shows, unlinked.
    keeper_page = client_for(keeper).get(breaker.get_absolute_url()).content.decode()
    assert link not in keeper_page and complaint.number in keeper_page


def test_where_used_links_a_visit_only_for_those_who_see_visits(client_for, breaker, central, role_user):
    keeper = role_user(roles.WAREHOUSE_KEEPER)
    visit = ServiceVisitFactory()
    _issue(breaker, central, 1, keeper, visit_id=visit.pk)
    link = f'href="{reverse("servicing:visit_detail", args=[visit.pk])}"'
    assert link in client_for(roles.AFTERSALES_ENGINEER).get(breaker.get_absolute_url()).content.decode()
    assert link not in client_for(roles.PURCHASING).get(breaker.get_absolute_url()).content.decode()
