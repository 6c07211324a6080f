"""URL patterns of purchasing for the project-wide scope test (see aftersales/tests/scope_registry).

Suppliers and purchase plans belong to no salesperson: each side's records get a set of
their own, built the first time a pattern asks for it (sales may open none of these pages).
"""

import itertools
from types import SimpleNamespace

from django.core.files.base import ContentFile

from aftersales.tests.factories import UserFactory
from aftersales.tests.scope_registry import Fill, register

_serial = itertools.count(1)


def purchasing_records(records) -> SimpleNamespace:
    """Return (building once per side) a supplier with a document and a plan with an ordered line."""
    found = getattr(records, "purchasing", None)
    if found is not None:
        return found
    from ..models import PurchasePlan
    from .purchasing_factories import PurchasePlanFactory, PurchasePlanLineFactory, SupplierDocumentFactory

    n = next(_serial)
    document = SupplierDocumentFactory(supplier__code=f"SCOPE-GYS-{n}", supplier__name=f"范围供应商{n}")
    document.file.save("iso.pdf", ContentFile(b"%PDF-1.4\n1 0 obj\n%%EOF"), save=False)
    document.original_name, document.content_type = "iso.pdf", "application/pdf"
    document.save()
    plan = PurchasePlanFactory(number=f"CG-209912-{n:02d}", state=PurchasePlan.State.APPROVED)
    line = PurchasePlanLineFactory(
        plan=plan,
        supplier=document.supplier,
        state="ordered",
        order_reference=f"PO-SCOPE-{n}",
        part__code=f"SCOPE-PJ-{n}",
        warehouse__code=f"SCOPE-WH-{n}",
    )
    line.warehouse.keepers.add(UserFactory(username=f"scope_keeper_{n}"))
    records.purchasing = SimpleNamespace(supplier=document.supplier, document=document, plan=plan, line=line)
    return records.purchasing


def _fill(**names):
    def build(records):
        found = purchasing_records(records)
        return {param: getattr(found, record).pk for param, record in names.items()}

    return Fill(build)


register("parts:plan_list")
register("parts:plan_detail", _fill(pk="plan"))
register(
    "parts:plan_step",
    Fill(lambda r: {"pk": purchasing_records(r).plan.pk, "step": "approve"}, notes="POST only"),
)
register("parts:plan_line_add")
for name in ("plan_line_order", "plan_line_receive", "plan_line_cancel"):
    register(f"parts:{name}", _fill(pk="line"))
register("parts:stock_alerts")
register("parts:supplier_list")
register("parts:supplier_detail", _fill(pk="supplier"))
register("parts:supplier_document", _fill(pk="supplier", document_pk="document"))
register("parts:supplier_rate", _fill(pk="supplier"))
register("parts:supplier_rate_prefill", _fill(pk="supplier"))
