import datetime

import factory

from customers.models import Contact, Customer, CustomerTier, Delivery, Interaction, ProductModel


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    tier = factory.LazyFunction(lambda: CustomerTier.objects.get(code="B"))
    industry = Customer.Industry.POWER
    region = "江苏"
    address = "南京市江宁区"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class ProductModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"KX-{n:03d}")
    name = "开关柜"
    warranty_months = 12


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    customer = factory.SubFactory(CustomerFactory)
    product_model = factory.SubFactory(ProductModelFactory)
    quantity = 1
    batch_number = "B2026-01"
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    delivery_date = datetime.date(2026, 1, 15)


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    customer = factory.SubFactory(CustomerFactory)
    summary = "询问设备保养周期"
    handled_by = factory.SubFactory("aftersales.tests.factories.UserFactory")
