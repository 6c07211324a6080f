"""Background imports of master data: spare parts and suppliers, checked row by row, written all or nothing.

A parts import sets what a part is and how much of it to keep; it never touches stock
(balances change only by moves: opening balances come from a count).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales import cells
from aftersales.importing import Column, Importer, register

from .models import Part, PartCategory, Supplier

YES_NO = lambda: [_("Yes"), _("No")]  # noqa: E731


def _label(model, name):
    return model._meta.get_field(name).verbose_name


def _text(max_length):
    return lambda value: cells.text(value, max_length=max_length)


def _code(max_length):
    return lambda value: cells.code(value, max_length=max_length)


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise cells.CellError(
            _("“%(value)s” is not an amount; write digits such as 35.50.") % {"value": value}
        ) from None
    if amount < 0:
        raise cells.CellError(_("An amount cannot be negative."))
    return amount


def _count(value):
    return cells.integer(value, minimum=0)


def _email(value):
    from django.core.validators import validate_email

    text = cells.text(value, max_length=254)
    try:
        validate_email(text)
    except ValidationError:
        raise cells.CellError(_("“%(value)s” is not an e-mail address.") % {"value": text}) from None
    return text


class _MasterImporter(Importer):
    """Create or update one model's rows by code; every row checked with the model's own rules."""

    model = None
    fields: tuple[str, ...] = ()

    def values(self, record) -> dict:
        return {key: record.data.get(key, "") for key in self.fields if key in record.raw}

    def check_batch(self, records):
        codes = [record.data["code"] for record in records]
        existing = self.model.objects.in_bulk(codes, field_name="code")
        for record in records:
            values = self.values(record)
            if record.problems:
                continue
            instance = existing.get(record.data["code"])
            if instance is None:
                instance = self.model(code=record.data["code"], **values)
                record.instance, record.action = instance, "create"
            else:
                record.update(instance, values)
            try:
                instance.full_clean(validate_unique=False, exclude=["photo"])
            except ValidationError as error:
                self.refused(record, error)

    def write_batch(self, records, log):
        created = [r.instance for r in records if r.action == "create"]
        updated = [r for r in records if r.action == "update"]
        self.model.objects.bulk_create(created)
        for record in updated:
            record.instance.save(update_fields=record.extra["changed"])
            log.add(record.instance, added=False, fields=record.extra["changed"])
        for instance in created:
            log.add(instance, added=True)


@register
class PartImporter(_MasterImporter):
    kind = "parts.part"
    title = gettext_lazy("Spare parts")
    permission = "parts.add_part"
    unique_in_file = ("code",)
    model = Part
    fields = (
        "name",
        "model_no",
        "specification",
        "unit",
        "standard_cost",
        "safety_stock",
        "min_stock",
        "max_stock",
        "is_key",
        "is_active",
    )

    def get_columns(self):
        return [
            Column(
                "code",
                _label(Part, "code"),
                _code(40),
                required=True,
                synonyms=("配件编码", "编码", "code"),
                help=gettext_lazy("An existing code updates that part."),
                example="PJ-00001",
            ),
            Column(
                "name",
                _label(Part, "name"),
                _text(100),
                required=True,
                synonyms=("配件名称", "名称", "name"),
                example="真空断路器触头",
            ),
            Column("model_no", _label(Part, "model_no"), _text(60), synonyms=("型号", "model")),
            Column("specification", _label(Part, "specification"), _text(200), synonyms=("规格", "规格型号")),
            Column("unit", _label(Part, "unit"), _text(10), synonyms=("单位",), example="个"),
            Column(
                "category",
                _label(Part, "category"),
                _code(20),
                synonyms=("类别", "分类", "类别编码"),
                help=gettext_lazy("The code of a part category."),
            ),
            Column(
                "standard_cost",
                _label(Part, "standard_cost"),
                _money,
                synonyms=("标准成本", "单价", "cost"),
                example="35.50",
            ),
            Column("safety_stock", _label(Part, "safety_stock"), _count, synonyms=("安全库存",)),
            Column("min_stock", _label(Part, "min_stock"), _count, synonyms=("最低库存", "最小库存")),
            Column("max_stock", _label(Part, "max_stock"), _count, synonyms=("最高库存", "最大库存")),
            Column("is_key", _label(Part, "is_key"), cells.boolean, synonyms=("关键件",), choices=YES_NO),
            Column("is_active", _label(Part, "is_active"), cells.boolean, synonyms=("有效", "启用"), choices=YES_NO),
        ]

    def setup(self):
        self.categories = dict(PartCategory.objects.values_list("code", "pk"))

    def values(self, record):
        values = {key: record.data[key] for key in self.fields if key in record.present}
        for key in ("model_no", "specification"):
            if key in record.raw:
                values[key] = record.data.get(key, "")
        if "category" in record.present:
            category = self.categories.get(record.data["category"])
            if category is None:
                record.problem(
                    "category", _("No part category has the code “%(code)s”.") % {"code": record.data["category"]}
                )
            values["category_id"] = category
        return values

    def check_batch(self, records):
        super().check_batch(records)
        for record in records:
            part = record.instance
            if part is None or record.problems:
                continue
            if part.min_stock and part.safety_stock > part.min_stock:
                record.problem("safety_stock", _("The safety stock cannot be above the minimum stock."))
            if part.max_stock and part.min_stock > part.max_stock:
                record.problem("min_stock", _("The minimum stock cannot be above the maximum stock."))


@register
class SupplierImporter(_MasterImporter):
    kind = "parts.supplier"
    title = gettext_lazy("Suppliers")
    permission = "parts.import_supplier"
    unique_in_file = ("code",)
    model = Supplier
    fields = ("name", "address", "phone", "email", "is_active")

    def get_columns(self):
        return [
            Column(
                "code",
                _label(Supplier, "code"),
                _code(20),
                required=True,
                synonyms=("供应商编码", "编码", "code"),
                help=gettext_lazy("An existing code updates that supplier."),
                example="GYS001",
            ),
            Column(
                "name",
                _label(Supplier, "name"),
                _text(100),
                required=True,
                synonyms=("供应商名称", "名称", "name"),
                example="温州电器配件厂",
            ),
            Column("address", _label(Supplier, "address"), _text(200), synonyms=("地址",)),
            Column("phone", _label(Supplier, "phone"), _text(40), synonyms=("电话", "联系电话")),
            Column("email", _label(Supplier, "email"), _email, synonyms=("邮箱", "电子邮件", "email")),
            Column(
                "is_active", _label(Supplier, "is_active"), cells.boolean, synonyms=("有效", "启用"), choices=YES_NO
            ),
        ]

    def values(self, record):
        values = super().values(record)
        if "is_active" not in record.present:
            values.pop("is_active", None)
        return values
