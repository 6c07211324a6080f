"""Background imports of the ledger: customers (with their primary contact), contacts, deliveries.

Each importer reads the office's own headers (Chinese or English, see ``synonyms``),
converts cells with ``aftersales.cells``, looks up a whole batch of rows with a few
queries, and writes with the bulk services in ``customers.services``. Sales staff
import into their own customers only, as on the pages.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales import cells
from aftersales.importing import Column, Importer, register
from aftersales.spreadsheets import in_every_language

from . import services
from .models import Contact, Customer, CustomerTier, Delivery, ProductModel
from .permissions import can_edit

EARLIEST = datetime.date(1900, 1, 1)
YES_NO = lambda: [_("Yes"), _("No")]  # noqa: E731


def _label(model, name):
    return model._meta.get_field(name).verbose_name


def _text(max_length, multiline=False):
    return lambda value: cells.text(value, max_length=max_length, multiline=multiline)


def _code(max_length):
    return lambda value: cells.code(value, max_length=max_length)


def _customer_column() -> Column:
    """The customer a contact or delivery row belongs to, named by its code."""
    return Column(
        "customer",
        gettext_lazy("customer code"),
        _code(30),
        required=True,
        synonyms=("客户编码", "客户编号", "客户代码", "编码", "customer", "code"),
        help=gettext_lazy("The code of one of your customers."),
        example="KH0001",
    )


def _phone_column(label, *, example: str, more: tuple[str, ...] = ()) -> Column:
    return Column(
        "phone",
        label,
        cells.phone,
        synonyms=("电话", "联系电话", "手机", "手机号", "手机号码", "电话号码", "telephone", "tel", "mobile", *more),
        help=gettext_lazy(
            "A mobile (13912345678) or landline with area code (025-84561234, extension 025-84561234-801). "
            "Format the column as text so Excel keeps the leading 0."
        ),
        example=example,
    )


class _Users:
    """Active users named by user name or full name, loaded once per pass."""

    def __init__(self):
        self.by_name = {}
        ambiguous = set()
        for user in get_user_model().objects.filter(is_active=True).only("pk", "username", "first_name", "last_name"):
            self.by_name[user.username.casefold()] = user
            for full in {user.get_full_name(), f"{user.last_name}{user.first_name}"}:
                key = full.strip().casefold()
                if not key or key == user.username.casefold():
                    continue
                if key in self.by_name and self.by_name[key].pk != user.pk:
                    ambiguous.add(key)
                self.by_name.setdefault(key, user)
        for key in ambiguous:
            self.by_name.pop(key, None)

    def get(self, text):
        return self.by_name.get(text.strip().casefold())


class _CustomerLookup:
    """Customers named by code in a batch, limited to those the user may change."""

    def __init__(self, user, perm):
        self.user = user
        self.perm = perm

    def resolve(self, records, key="customer"):
        codes = {record.data[key] for record in records if record.data.get(key)}
        found = {customer.code: customer for customer in Customer.objects.filter(code__in=codes)}
        for record in records:
            code = record.data.get(key)
            customer = found.get(code)
            if customer is None or not can_edit(self.user, customer, self.perm):
                # A customer of another salesperson is reported as unknown, not named.
                record.problem(key, _("No customer of yours has the code “%(code)s”.") % {"code": code})
            else:
                record.extra["customer"] = customer


@register
class CustomerImporter(Importer):
    kind = "customers.customer"
    title = gettext_lazy("Customers")
    permission = "customers.import_customer"
    unique_in_file = ("code",)

    def get_columns(self):
        tiers = list(CustomerTier.objects.order_by("code").values_list("code", "name"))
        self.tier_choice = cells.Choice(tiers, show_codes=True)
        return [
            Column(
                "code",
                _label(Customer, "code"),
                _code(30),
                required=True,
                synonyms=(
                    "客户编码",
                    "客户编号",
                    "客户代码",
                    "编码",
                    "编号",
                    "代码",
                    "code",
                    "customer no",
                    "customer no.",
                ),
                help=gettext_lazy(
                    "Letters and digits, at most 30; full-width characters are converted. "
                    "An existing code updates that customer."
                ),
                example="KH0001",
            ),
            Column(
                "name",
                gettext_lazy("customer name"),
                _text(200),
                required=True,
                synonyms=(
                    *in_every_language(_label(Customer, "name")),  # the admin export's header
                    "客户名称",
                    "客户",
                    "客户全称",
                    "单位名称",
                    "公司名称",
                    "名称",
                    "customer name",
                    "customer",
                    "company",
                ),
                help=gettext_lazy("At most 200 characters."),
                example="南京某某电力设备有限公司",
                width=30,
            ),
            Column(
                "tier",
                _label(Customer, "tier"),
                self.tier_choice,
                synonyms=("等级", "客户等级", "级别", "客户级别", "分类", "grade", "level"),
                help=gettext_lazy("A tier code or name; empty keeps the current tier (C for a new customer)."),
                choices=lambda: [code for code, _name in tiers],
                example=tiers[0][0] if tiers else "A",
                width=8,
            ),
            Column(
                "industry",
                _label(Customer, "industry"),
                cells.Choice(Customer.Industry.choices),
                synonyms=("行业", "所属行业", "sector"),
                help=gettext_lazy("One of the listed industries."),
                choices=lambda: [label for _code, label in Customer.Industry.choices],
            ),
            Column(
                "region",
                _label(Customer, "region"),
                _text(50),
                synonyms=("地区", "区域", "省份", "所在地区", "所在地", "area", "province"),
                help=gettext_lazy("At most 50 characters."),
                example="江苏",
            ),
            Column(
                "address",
                _label(Customer, "address"),
                _text(300),
                synonyms=("地址", "详细地址", "通讯地址", "单位地址"),
                help=gettext_lazy("At most 300 characters."),
                width=30,
            ),
            Column(
                "salesperson",
                _label(Customer, "salesperson"),
                _text(150),
                synonyms=(
                    "业务员",
                    "销售员",
                    "销售",
                    "负责人",
                    "客户经理",
                    "销售人员",
                    "sales",
                    "salesperson",
                    "account manager",
                ),
                help=gettext_lazy("The user name or full name of a user; sales staff may only name themselves."),
            ),
            Column(
                "relationship",
                _label(Customer, "relationship"),
                cells.Choice(Customer.Relationship.choices),
                synonyms=("关系级别", "客户关系", "关系", "relationship"),
                help=gettext_lazy(
                    "One of the listed levels; empty keeps the current level (Regular for a new customer)."
                ),
                choices=lambda: [label for _code, label in Customer.Relationship.choices],
            ),
            Column(
                "contact",
                gettext_lazy("primary contact"),
                _text(50),
                synonyms=("联系人", "联系人姓名", "主要联系人", "contact", "contact person"),
                help=gettext_lazy("The customer's primary contact; a new name is added as the primary contact."),
                example="张伟",
            ),
            _phone_column(gettext_lazy("contact phone"), example="025-84561234", more=("phone",)),
            Column(
                "notes",
                _label(Customer, "notes"),
                _text(5000, multiline=True),
                synonyms=("备注", "说明", "remarks", "remark"),
                help=gettext_lazy("Free text."),
                width=30,
            ),
            Column(
                "is_active",
                _label(Customer, "is_active"),
                cells.boolean,
                synonyms=("有效", "是否有效", "启用", "状态", "active", "enabled"),
                help=gettext_lazy("Yes or no (是/否, 1/0); empty keeps the current value (yes for a new customer)."),
                choices=YES_NO,
                width=8,
            ),
        ]

    def setup(self):
        self.users = _Users()
        self.all_customers = self.user.has_perm("customers.view_all_customers")
        self.may_add = self.user.has_perm("customers.add_customer")
        self.may_change = self.user.has_perm("customers.change_customer")
        self.may_contact = self.user.has_perm("customers.add_contact") and self.user.has_perm(
            "customers.change_contact"
        )

    def check_batch(self, records):
        codes = [record.data["code"] for record in records]
        existing = {customer.code: customer for customer in Customer.objects.filter(code__in=codes)}
        contacts = {}
        with_contact = [
            existing[r.data["code"]].pk for r in records if "contact" in r.present and r.data["code"] in existing
        ]
        for contact in Contact.objects.filter(customer_id__in=with_contact):
            contacts.setdefault(contact.customer_id, []).append(contact)
        for record in records:
            data, present = record.data, record.present
            customer = existing.get(data["code"])
            values = {"name": data["name"]}
            for key in ("industry", "region", "address", "notes"):
                if key in record.raw:
                    values[key] = data.get(key, "")
            for key in ("relationship", "is_active"):
                if key in present:
                    values[key] = data[key]
            if "tier" in present:
                values["tier_id"] = data["tier"]
            if "salesperson" in present:
                salesperson = self.users.get(data["salesperson"])
                if salesperson is None:
                    record.problem(
                        "salesperson", _("No active user is called “%(name)s”.") % {"name": data["salesperson"]}
                    )
                    continue
                if not self.all_customers and salesperson.pk != self.user.pk:
                    record.problem("salesperson", _("You can import only your own customers; leave this column empty."))
                    continue
                values["salesperson_id"] = salesperson.pk
            elif customer is None and not self.all_customers:
                values["salesperson_id"] = self.user.pk
            if customer is None:
                if not self.may_add:
                    record.problem("code", _("You may not add customers."))
                    continue
                # Written as a plain row (services.customers_import): no model instance per row.
                values["code"] = data["code"]
                record.extra["values"] = values
                record.action = "create"
            else:
                if not (self.may_change and can_edit(self.user, customer)):
                    record.problem(
                        "code", _("Customer “%(code)s” exists and is not yours to change.") % {"code": customer.code}
                    )
                    continue
                record.update(customer, values)
            if "contact" in present or "phone" in present:
                self._check_contact(record, contacts.get(getattr(customer, "pk", None), []))

    def _check_contact(self, record, existing):
        if not self.may_contact:
            record.problem("contact", _("You may not add or change contacts."))
            return
        name = record.data.get("contact", "")
        phone = record.data.get("phone", "")
        if not name:
            record.problem("contact", _("Name the contact whose phone this is."), "")
            return
        contact = next((c for c in existing if c.name == name), None)
        if record.action == "create":
            record.extra["new_contact"] = (name, phone)
            return
        if contact is None:
            record.extra["contact"] = Contact(name=name, phone=phone, is_primary=True)
            record.extra["contact_changed"] = ["name", "phone", "is_primary"]
        else:
            changed = []
            if "phone" in record.present and contact.phone != phone:
                contact.phone = phone
                changed.append("phone")
            if not contact.is_primary:
                contact.is_primary = True
                changed.append("is_primary")
            record.extra["contact"] = contact
            record.extra["contact_changed"] = changed
        if record.extra["contact_changed"] and record.action == "unchanged":
            record.action = "update"

    def write_batch(self, records, log):
        services.customers_import(actor=self.user, records=records, log=log, now=timezone.now())


@register
class ContactImporter(Importer):
    kind = "customers.contact"
    title = gettext_lazy("Contacts")
    permission = "customers.import_contact"
    unique_in_file = ("customer", "name")

    def get_columns(self):
        latest = timezone.localdate()
        return [
            _customer_column(),
            Column(
                "name",
                _label(Contact, "name"),
                _text(50),
                required=True,
                synonyms=("联系人", "姓名", "联系人姓名", "contact", "contact name"),
                help=gettext_lazy("At most 50 characters; an existing name of that customer updates that contact."),
                example="张伟",
            ),
            _phone_column(_label(Contact, "phone"), example="13912345678"),
            Column(
                "email",
                _label(Contact, "email"),
                _email,
                synonyms=("邮箱", "电子邮箱", "电子邮件", "email", "mail"),
                help=gettext_lazy("An e-mail address."),
            ),
            Column(
                "gender",
                _label(Contact, "gender"),
                cells.Choice(Contact.Gender.choices),
                synonyms=("性别", "sex"),
                choices=lambda: [label for _code, label in Contact.Gender.choices],
                width=8,
            ),
            Column(
                "birthday",
                _label(Contact, "birthday"),
                lambda value: cells.date(value, earliest=EARLIEST, latest=latest),
                synonyms=("生日", "出生日期", "date of birth", "birth date"),
                help=gettext_lazy("A date such as 1980-03-05, 1980/3/5 or 1980年3月5日, not in the future."),
            ),
            Column(
                "role",
                _label(Contact, "role"),
                _text(50),
                synonyms=("职务", "职位", "岗位", "title", "role"),
            ),
            Column(
                "is_primary",
                _label(Contact, "is_primary"),
                cells.boolean,
                synonyms=("主要联系人", "是否主要联系人", "primary"),
                help=gettext_lazy(
                    "Yes for the customer's primary contact (one per customer); empty keeps the current value."
                ),
                choices=YES_NO,
                width=8,
            ),
        ]

    def setup(self):
        self.customers = _CustomerLookup(self.user, "customers.change_customer")
        self.primary_row = {}

    def check_batch(self, records):
        self.customers.resolve(records)
        records = [record for record in records if not record.problems]
        ids = {record.extra["customer"].pk for record in records}
        existing = {(c.customer_id, c.name): c for c in Contact.objects.filter(customer_id__in=ids)}
        may_add = self.user.has_perm("customers.add_contact")
        may_change = self.user.has_perm("customers.change_contact")
        for record in records:
            customer = record.extra["customer"]
            data = record.data
            if data.get("is_primary"):
                first = self.primary_row.setdefault(customer.pk, record.row)
                if first != record.row:
                    record.problem(
                        "is_primary",
                        _("Row %(row)s of this file already names the primary contact of customer %(customer)s.")
                        % {"row": first, "customer": customer.code},
                    )
                    continue
            values = {key: data.get(key, "") for key in ("phone", "email", "gender", "role") if key in record.raw}
            if "birthday" in record.raw:
                values["birthday"] = data.get("birthday")
            if "is_primary" in record.present:
                values["is_primary"] = data["is_primary"]
            contact = existing.get((customer.pk, data["name"]))
            if contact is None:
                if not may_add:
                    record.problem("name", _("You may not add contacts."))
                    continue
                record.instance = Contact(customer=customer, name=data["name"], **values)
                record.action = "create"
                record.extra["changed"] = ["name", *values]
            else:
                if record.update(contact, values) and not may_change:
                    record.problem("name", _("You may not change contacts."))

    def write_batch(self, records, log):
        services.contacts_import(actor=self.user, records=records, log=log)


def _email(value):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    text = cells.text(value, max_length=254)
    try:
        validate_email(text)
    except ValidationError:
        raise cells.CellError(_("“%(value)s” is not an e-mail address.") % {"value": text}) from None
    return text


@register
class DeliveryImporter(Importer):
    kind = "customers.delivery"
    title = gettext_lazy("Deliveries")
    permission = "customers.import_delivery"
    unique_in_file = ("serial_number",)

    def get_columns(self):
        latest = timezone.localdate() + datetime.timedelta(days=366)
        return [
            _customer_column(),
            Column(
                "product_model",
                _label(Delivery, "product_model"),
                _code(50),
                required=True,
                synonyms=("型号", "产品型号", "规格型号", "model", "product model"),
                help=gettext_lazy("The code of a product model in the ledger."),
            ),
            Column(
                "quantity",
                _label(Delivery, "quantity"),
                lambda value: cells.integer(value, minimum=1, maximum=1_000_000),
                synonyms=("数量", "台数", "qty", "quantity"),
                help=gettext_lazy("A whole number, at least 1; empty means 1."),
                width=8,
            ),
            Column(
                "batch_number",
                _label(Delivery, "batch_number"),
                _code(50),
                synonyms=("批号", "批次", "批次号", "batch", "lot"),
            ),
            Column(
                "serial_number",
                _label(Delivery, "serial_number"),
                _code(50),
                synonyms=("序列号", "出厂编号", "产品编号", "机号", "serial", "serial no", "sn"),
                help=gettext_lazy(
                    "The unit's serial number; an existing one updates that delivery. Format the column as text: "
                    "Excel shows long numbers as 2.03E+14 and loses their digits."
                ),
            ),
            Column(
                "certificate_number",
                _label(Delivery, "certificate_number"),
                _code(50),
                synonyms=("合格证号", "合格证编号", "certificate"),
            ),
            Column(
                "delivery_date",
                _label(Delivery, "delivery_date"),
                lambda value: cells.date(value, earliest=datetime.date(1990, 1, 1), latest=latest),
                required=True,
                synonyms=("交付日期", "发货日期", "交货日期", "出厂日期", "date", "delivered"),
                help=gettext_lazy("A date such as 2026-03-05, 2026/3/5 or 2026年3月5日, from 1990 to a year ahead."),
            ),
            Column(
                "receiving_unit",
                _label(Delivery, "receiving_unit"),
                _text(200),
                synonyms=("收货单位", "使用单位", "consignee"),
                width=24,
            ),
        ]

    def setup(self):
        self.customers = _CustomerLookup(self.user, "customers.add_delivery")
        self.models = {model.code.upper(): model for model in ProductModel.objects.all()}

    def check_batch(self, records):
        self.customers.resolve(records)
        records = [record for record in records if not record.problems]
        serials = {record.data["serial_number"] for record in records if record.data.get("serial_number")}
        existing = {
            d.serial_number: d for d in Delivery.objects.filter(serial_number__in=serials).select_related("customer")
        }
        may_change = self.user.has_perm("customers.change_delivery")
        for record in records:
            data = record.data
            customer = record.extra["customer"]
            model = self.models.get(data["product_model"])
            if model is None:
                record.problem(
                    "product_model", _("No product model has the code “%(code)s”.") % {"code": data["product_model"]}
                )
                continue
            values = {
                "product_model": model,
                "quantity": data.get("quantity") or 1,
                "delivery_date": data["delivery_date"],
            }
            for key in ("batch_number", "serial_number", "certificate_number", "receiving_unit"):
                if key in record.raw:
                    values[key] = data.get(key, "")
            delivery = existing.get(data.get("serial_number")) if data.get("serial_number") else None
            if delivery is None:
                record.instance = Delivery(customer=customer, **values)
                record.action = "create"
                record.extra["changed"] = list(values)
            else:
                if delivery.customer_id != customer.pk:
                    record.problem(
                        "serial_number",
                        _("Serial number %(serial)s is already recorded for another customer.")
                        % {"serial": delivery.serial_number},
                    )
                    continue
                if record.update(delivery, values) and not may_change:
                    record.problem("serial_number", _("You may not change deliveries."))
                    continue
            record.instance.warranty_end = record.instance.compute_warranty_end()

    def write_batch(self, records, log):
        services.deliveries_import(actor=self.user, records=records, log=log)
