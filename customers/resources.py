"""Spreadsheet import and export of the customer ledger (customers, contacts, deliveries).

Columns are headed by the translated field names, so a Chinese user exports and
imports Chinese headers; an import accepts the headers of any of our languages. Each
row is written through the ledger's services, so an import checks the same rights and
leaves the same audit entries as the pages do.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
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

from . import services
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
    # An empty tier, relationship or "active" cell keeps the current value (the default for a new customer).
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

    required_columns = ("code", "name")
    unique_in_file = ("code",)

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

    def save_record(self, instance, is_create):
        data = self.record_data(instance)
        if is_create:
            return services.customer_create(actor=self.actor, **data)
        return services.customer_update(actor=self.actor, customer=instance, **data)


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

    required_columns = ("customer", "name")
    unique_in_file = ("customer", "name")
    # contact_save() hands the primary role over from the previous primary contact, as
    # the pages do; two primaries for one customer in the same file are refused below.
    check_constraints = False

    class Meta:
        model = Contact
        name = _("Contacts")
        fields = ("customer", "customer_name", "name", "phone", "email", "gender", "birthday", "role", "is_primary")
        import_id_fields = ("customer", "name")

    def get_queryset(self):
        return Contact.objects.select_related("customer")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.primary_row_of_customer = {}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        code = self.cell_text("customer", row)
        if not code or not self.names_primary(row):
            return
        number = kwargs["row_number"] + 1
        first = self.primary_row_of_customer.setdefault(code, number)
        if first != number:
            message = _("Row %(row)s of this file already names the primary contact of customer %(customer)s.")
            raise ValidationError({"is_primary": message % {"row": first, "customer": code}})

    def names_primary(self, row) -> bool:
        field = self.fields["is_primary"]
        try:
            return field.column_name in row and bool(field.widget.clean(row[field.column_name]))
        except ValueError:
            return False  # import_instance() reports the bad cell

    def save_record(self, instance, is_create):
        return services.contact_save(
            actor=self.actor,
            customer=instance.customer,
            contact=None if is_create else instance,
            **self.record_data(instance, exclude=("customer",)),
        )


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

    # The serial number column must be there, as it names the unit to update; its cells
    # may be empty for a lot delivered without serial numbers, which is always added.
    required_columns = ("customer", "product_model", "serial_number", "delivery_date")
    unique_in_file = ("serial_number",)
    derived_fields = ("warranty_end",)

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

    def get_instance(self, instance_loader, row):
        if not self.cell_text("serial_number", row):
            return None
        return super().get_instance(instance_loader, row)

    def after_init_instance(self, instance, new, row, **kwargs):
        code = self.cell_text("customer", row)
        if not new and code and code != instance.customer.code:
            raise ValidationError(
                {
                    "serial_number": _("Serial number %(serial)s is already recorded for %(customer)s.")
                    % {"serial": instance.serial_number, "customer": instance.customer}
                }
            )

    def save_record(self, instance, is_create):
        return services.delivery_save(
            actor=self.actor,
            customer=instance.customer,
            delivery=None if is_create else instance,
            **self.record_data(instance, exclude=("customer",)),
        )
