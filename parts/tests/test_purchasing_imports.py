"""Imports of parts and suppliers: all rows or none, a report per row, never a stock move."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aftersales import roles
from aftersales.importing import import_confirm, import_start, run_check, run_write
from aftersales.models import SpreadsheetJob
from parts.models import Part, StockLevel, StockMove, Supplier

from .factories import PartCategoryFactory, PartFactory

pytestmark = pytest.mark.django_db


def run(user, kind, text):
    upload = SimpleUploadedFile("file.csv", text.encode("utf-8"), content_type="text/csv")
    job = import_start(user=user, kind=kind, upload=upload)
    run_check(job.pk)
    job.refresh_from_db()
    if job.status == SpreadsheetJob.Status.CHECKED:
        import_confirm(user=user, job=job)
        run_write(job.pk)
        job.refresh_from_db()
    return job


@pytest.fixture
def private(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)


def test_a_parts_file_with_one_bad_row_writes_nothing_and_says_which_row(role_user, private):
    PartCategoryFactory(code="C01")
    existing = PartFactory(code="PJ-1", name="旧名称")
    text = (
        "配件编码,配件名称,类别,标准成本,安全库存,最低库存,最高库存\n"
        "PJ-1,新名称,C01,12.50,2,5,10\n"
        "PJ-2,接触器,C01,8,1,2,4\n"
        "PJ-3,熔断器,C99,-1,9,2,4\n"
    )
    job = run(role_user(roles.PURCHASING), "parts.part", text)
    assert job.status == SpreadsheetJob.Status.INVALID
    assert {p.row for p in job.problems.all()} == {4}
    assert not Part.objects.filter(code="PJ-2").exists()
    assert Part.objects.get(pk=existing.pk).name == "旧名称"


def test_a_good_parts_file_creates_and_updates_parts_without_touching_stock(role_user, private):
    PartCategoryFactory(code="C01")
    PartFactory(code="PJ-1", name="旧名称")
    text = (
        "配件编码,配件名称,类别,标准成本,安全库存,最低库存,最高库存\n"
        "PJ-1,新名称,C01,12.50,2,5,10\n"
        "PJ-2,接触器,C01,8,1,2,4\n"
    )
    job = run(role_user(roles.PURCHASING), "parts.part", text)
    assert job.status == SpreadsheetJob.Status.DONE, list(job.problems.values_list("message", flat=True))
    assert (job.created_count, job.updated_count) == (1, 1)
    assert Part.objects.get(code="PJ-1").min_stock == 5 and str(Part.objects.get(code="PJ-2").standard_cost) == "8.00"
    assert not StockMove.objects.exists() and not StockLevel.objects.exists()


def test_suppliers_import_all_or_nothing(role_user, private):
    buyer = role_user(roles.PURCHASING)
    bad = "供应商编码,供应商名称,邮箱\nGYS001,温州电器,a@b.cn\nGYS002,上海开关,not-an-address\n"
    assert run(buyer, "parts.supplier", bad).status == SpreadsheetJob.Status.INVALID
    assert not Supplier.objects.exists()
    good = "供应商编码,供应商名称,邮箱\nGYS001,温州电器,a@b.cn\nGYS002,上海开关,c@d.cn\n"
    assert run(buyer, "parts.supplier", good).status == SpreadsheetJob.Status.DONE
    assert Supplier.objects.count() == 2


def test_only_purchasing_imports_suppliers(role_user, private):
    from django.core.exceptions import PermissionDenied

    for role in (roles.WAREHOUSE_KEEPER, roles.AFTERSALES_MANAGER, roles.MANAGEMENT):
        with pytest.raises(PermissionDenied):
            run(role_user(role), "parts.supplier", "供应商编码,供应商名称\nGYS1,x\n")


def test_the_supplier_admin_shows_its_inlines_and_import_button(admin_client):
    from django.urls import reverse

    from .purchasing_factories import SupplierDocumentFactory

    document = SupplierDocumentFactory()
    page = admin_client.get(reverse("admin:parts_supplier_change", args=[document.supplier.pk])).content.decode()
    assert document.number in page and "supplierpart" in page.lower()
    assert admin_client.get(reverse("admin:parts_supplier_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:parts_purchaseplan_changelist")).status_code == 200
