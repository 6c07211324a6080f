"""Spreadsheet export of the customer ledger (customers, contacts, deliveries) from the admin.

Columns are headed by the translated field names, so a Chinese user exports Chinese
headers, and the import (``customers.importers``) reads them back in either language.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from import_export.fields import Field

from aftersales.spreadsheets import (
    BooleanWidget,
    ChoicesWidget,
    CodeWidget,
    DateWidget,
    IntegerWidget,
    LookupWidget,
    SpreadsheetResource,
    TextWidget,
)

from .models import Contact, Customer, CustomerTier, Delivery, ProductModel


def column(model, name, widget=None, **kwargs) -> Field:
    """Return a resource field headed by the model field's translated name."""
    label = model._meta.get_field(name).verbose_name
    return Field(attribute=name, column_name=label, widget=widget or TextWidget(), **kwargs)


def customer_by_code() -> Field:
    return Field(
        attribute="customer",
        column_name=_("customer code"),
        widget=LookupWidget(Customer, "code", normalise=str.upper),
    )


def customer_name() -> Field:
    return Field(attribute="customer__name", column_name=_("customer name"), readonly=True)


class CustomerResource(SpreadsheetResource):
    code = column(Customer, "code", CodeWidget())
    name = column(Customer, "name")
    tier = column(Customer, "tier", LookupWidget(CustomerTier, "code", normalise=str.upper), saves_null_values=False)
    industry = column(Customer, "industry", ChoicesWidget(Customer.Industry.choices))
    region = column(Customer, "region")
    address = column(Customer, "address")
    salesperson = column(Customer, "salesperson", LookupWidget(get_user_model(), "username"))
    relationship = column(
        Customer,
        "relationship",
        ChoicesWidget(Customer.Relationship.choices, empty_value=None),
        saves_null_values=False,
    )
    notes = column(Customer, "notes")
    is_active = column(Customer, "is_active", BooleanWidget(), saves_null_values=False)

    class Meta:
        model = Customer
        name = _("Customers")
        fields = (
            "code",
            "name",
            "tier",
            "industry",
            "region",
            "address",
            "salesperson",
            "relationship",
            "notes",
            "is_active",
        )
        import_id_fields = ("code",)

    def get_queryset(self):
        return Customer.objects.for_list()


class ContactResource(SpreadsheetResource):
    customer = customer_by_code()
    customer_name = customer_name()
    name = column(Contact, "name")
    phone = column(Contact, "phone")
    email = column(Contact, "email")
    gender = column(Contact, "gender", ChoicesWidget(Contact.Gender.choices))
    birthday = column(Contact, "birthday", DateWidget())
    role = column(Contact, "role")
    is_primary = column(Contact, "is_primary", BooleanWidget(), saves_null_values=False)
    relationship = column(Contact, "relationship", ChoicesWidget(Customer.Relationship.choices))
    interests = column(Contact, "interests")

    class Meta:
        model = Contact
        name = _("Contacts")
        fields = (
            "customer",
            "customer_name",
            "name",
            "phone",
            "email",
            "gender",
            "birthday",
            "role",
            "is_primary",
            "relationship",
            "interests",
        )
        import_id_fields = ("customer", "name")

    def get_queryset(self):
        return Contact.objects.select_related("customer")


class DeliveryResource(SpreadsheetResource):
    customer = customer_by_code()
    customer_name = customer_name()
    product_model = Field(
        attribute="product_model",
        column_name=Delivery._meta.get_field("product_model").verbose_name,
        widget=LookupWidget(ProductModel, "code"),
    )
    quantity = column(Delivery, "quantity", IntegerWidget(), saves_null_values=False)
    batch_number = column(Delivery, "batch_number", CodeWidget())
    serial_number = column(Delivery, "serial_number", CodeWidget())
    certificate_number = column(Delivery, "certificate_number")
    delivery_date = column(Delivery, "delivery_date", DateWidget())
    receiving_unit = column(Delivery, "receiving_unit")
    warranty_end = column(Delivery, "warranty_end", DateWidget(), readonly=True)

    class Meta:
        model = Delivery
        name = _("Deliveries")
        fields = (
            "customer",
            "customer_name",
            "product_model",
            "quantity",
            "batch_number",
            "serial_number",
            "certificate_number",
            "delivery_date",
            "receiving_unit",
            "warranty_end",
        )
        import_id_fields = ("serial_number",)

    def get_queryset(self):
        return Delivery.objects.for_list()
