"""Factories of suppliers and purchase plans."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from ..models import PurchasePlan, PurchasePlanLine, Supplier, SupplierDocument, SupplierPart
from .factories import PartFactory, WarehouseFactory


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    code = factory.Sequence(lambda n: f"GYS{n:03d}")
    name = factory.Sequence(lambda n: f"温州电器配件厂{n}")
    phone = "0577-8888 6666"
    email = factory.LazyAttribute(lambda s: f"{s.code.lower()}@supplier.example.com")


class SupplierPartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierPart

    supplier = factory.SubFactory(SupplierFactory)
    part = factory.SubFactory(PartFactory)
    price = Decimal("30.00")
    lead_time_days = 14


class SupplierDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierDocument

    supplier = factory.SubFactory(SupplierFactory)
    kind = SupplierDocument.Kind.ISO9001
    number = factory.Sequence(lambda n: f"ISO-{n:05d}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=700))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class PurchasePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchasePlan

    number = factory.Sequence(lambda n: f"CG-209901-{n:02d}")
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))


class PurchasePlanLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchasePlanLine

    plan = factory.SubFactory(PurchasePlanFactory, state=PurchasePlan.State.APPROVED)
    part = factory.SubFactory(PartFactory)
    warehouse = factory.SubFactory(WarehouseFactory)
    quantity = 10
    needed_by = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    supplier = factory.SubFactory(SupplierFactory)
    unit_price = Decimal("30.00")
