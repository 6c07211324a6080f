"""The parts catalogue (配件), the warehouses and the stock balance of each part in each."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.storage import private_storage
from aftersales.validators import NoControlCharacters
from customers.models import ProductModel


class PartCategory(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("part category")
        verbose_name_plural = _("part categories")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


def part_photo_path(instance, filename):
    return f"parts/{instance.code}/{filename}"


class Part(models.Model):
    """A spare part: what it is, what it fits, what it costs and how much of it to keep."""

    code = models.CharField(_("part code"), max_length=40, unique=True, validators=[NoControlCharacters()])
    name = models.CharField(_("name"), max_length=100, validators=[NoControlCharacters()])
    model_no = models.CharField(_("model"), max_length=60, blank=True, validators=[NoControlCharacters()])
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="个")
    category = models.ForeignKey(
        PartCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="parts", verbose_name=_("category")
    )
    is_key = models.BooleanField(_("key part"), default=False, help_text=_("Counted every month."))
    fits = models.ManyToManyField(ProductModel, blank=True, related_name="parts", verbose_name=_("fits product models"))
    standard_cost = models.DecimalField(
        _("standard unit cost (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    safety_stock = models.PositiveIntegerField(_("safety stock"), default=0)
    min_stock = models.PositiveIntegerField(_("minimum stock"), default=0)
    max_stock = models.PositiveIntegerField(_("maximum stock"), default=0)
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Clear when the part is obsolete."))
    photo = models.FileField(_("photo"), upload_to=part_photo_path, storage=private_storage, max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["name"], name="part_name"),
            models.Index(fields=["model_no"], name="part_model_no"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(standard_cost__gte=0), name="part_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(safety_stock__lte=F("min_stock")) | Q(min_stock=0), name="part_safety_within_min"
            ),
            models.CheckConstraint(
                condition=Q(min_stock__lte=F("max_stock")) | Q(max_stock=0), name="part_min_within_max"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("parts:part_detail", args=[self.pk])


class Warehouse(models.Model):
    """A place that holds stock: the central store, a service station or an engineer's van."""

    class Kind(models.TextChoices):
        CENTRAL = "central", _("Central store")
        STATION = "station", _("Service station")
        VAN = "van", _("Engineer's van")

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[NoControlCharacters()])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CENTRAL)
    keepers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="kept_warehouses",
        verbose_name=_("keepers"),
        help_text=_("Who issues, receives and counts here; for a van, its engineer."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class StockLevel(models.Model):
    """The balance of one part in one warehouse, changed only by the stock service.

    ``on_hand`` follows from the ledger (``manage.py parts_check`` proves it); ``reserved`` is
    what approved requisitions hold until it is issued. Safety, minimum and maximum default to
    the part's and may be set per warehouse.
    """

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="levels", verbose_name=_("part"))
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="levels", verbose_name=_("warehouse")
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    safety_stock = models.PositiveIntegerField(_("safety stock"), null=True, blank=True)
    min_stock = models.PositiveIntegerField(_("minimum stock"), null=True, blank=True)
    max_stock = models.PositiveIntegerField(_("maximum stock"), null=True, blank=True)
    bin_location = models.CharField(_("bin location"), max_length=30, blank=True)
    below_safety_since = models.DateTimeField(
        _("below safety stock since"),
        null=True,
        blank=True,
        help_text=_("Set when the alert was sent; cleared when restocked, which re-arms it."),
    )
    updated_at = models.DateTimeField(_("last move"), auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["part__code", "warehouse__code"]
        permissions = [("move_stock", _("Can move stock: issue, receive, transfer, count and scrap"))]
        constraints = [
            models.UniqueConstraint(fields=["part", "warehouse"], name="stock_level_once"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_not_negative"),
        ]
        indexes = [models.Index(fields=["warehouse", "part"], name="stock_level_warehouse")]

    def __str__(self):
        return f"{self.part.code} @ {self.warehouse.code}: {self.on_hand}"

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)

    @property
    def effective_safety(self) -> int:
        return self.part.safety_stock if self.safety_stock is None else self.safety_stock

    @property
    def effective_min(self) -> int:
        return self.part.min_stock if self.min_stock is None else self.min_stock

    @property
    def effective_max(self) -> int:
        return self.part.max_stock if self.max_stock is None else self.max_stock
