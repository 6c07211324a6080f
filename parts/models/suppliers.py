"""Suppliers (供应商): contacts, qualification documents, the parts they supply and their rating."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.storage import private_storage
from aftersales.validators import NoControlCharacters

from .catalogue import Part

# The grade a weighted score earns: A from 90, B from 75, C from 60, D below (QP purchasing procedure).
GRADE_FLOORS = ((Decimal(90), "A"), (Decimal(75), "B"), (Decimal(60), "C"))
SCORE_NAMES = ("qualification", "reputation", "quality", "price", "lead_time")


def grade_for(score: Decimal) -> str:
    """Return the grade of a weighted score (0–100)."""
    for floor, grade in GRADE_FLOORS:
        if score >= floor:
            return grade
    return "D"


class Supplier(models.Model):
    class Grade(models.TextChoices):
        A = "A", _("A (90 and above)")
        B = "B", _("B (75 to 89)")
        C = "C", _("C (60 to 74)")
        D = "D", _("D (below 60)")

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[NoControlCharacters()])
    name = models.CharField(_("name"), max_length=100, validators=[NoControlCharacters()])
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    grade = models.CharField(
        _("current grade"), max_length=1, choices=Grade.choices, blank=True, help_text=_("From the latest rating.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]
        permissions = [
            ("import_supplier", _("Can import suppliers from a spreadsheet")),
            ("export_supplier", _("Can export suppliers to a spreadsheet")),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("parts:supplier_detail", args=[self.pk])


class SupplierContact(models.Model):
    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("supplier")
    )
    name = models.CharField(_("name"), max_length=50, validators=[NoControlCharacters()])
    title = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("supplier contact")
        verbose_name_plural = _("supplier contacts")
        ordering = ["supplier", "id"]

    def __str__(self):
        return self.name


def document_path(instance, filename):
    return f"suppliers/{instance.supplier_id}/{filename}"


class SupplierDocument(models.Model):
    """A qualification document with its validity; a reminder goes out before it lapses."""

    class Kind(models.TextChoices):
        LICENCE = "licence", _("Business licence")
        ISO9001 = "iso9001", _("ISO 9001 certificate")
        PRODUCT = "product", _("Product certificate")
        OTHER = "other", _("Other")

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="documents", verbose_name=_("supplier")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("licence or certificate number"), max_length=60, validators=[NoControlCharacters()])
    file = models.FileField(_("file"), upload_to=document_path, storage=private_storage, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    # The expiry date the reminder was sent for: a renewed document (new date) is reminded again.
    reminded_for = models.DateField(_("reminded for expiry on"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")
        ordering = ["valid_until", "id"]
        indexes = [models.Index(fields=["valid_until"], name="supplier_document_until")]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="document_valid_range")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"


class SupplierPart(models.Model):
    """A part a supplier supplies, at a price and lead time; one preferred supplier per part."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="parts", verbose_name=_("supplier"))
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="supplied_by", verbose_name=_("part"))
    price = models.DecimalField(
        _("price (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=14)
    is_preferred = models.BooleanField(_("preferred"), default=False)

    class Meta:
        verbose_name = _("part supplied")
        verbose_name_plural = _("parts supplied")
        ordering = ["part", "-is_preferred", "price"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "part"], name="supplier_part_once"),
            models.UniqueConstraint(
                fields=["part"], condition=Q(is_preferred=True), name="supplier_part_one_preferred"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="supplier_part_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.supplier.code} · {self.part.code}"


def _score(label):
    return models.PositiveSmallIntegerField(label, validators=[MaxValueValidator(100)])


class SupplierRating(models.Model):
    """One rating of a supplier for a quarter (2026-Q3) or a year (2026); the history is kept."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("supplier"))
    period = models.CharField(
        _("period"), max_length=7, help_text=_("A quarter such as 2026-Q3, or a year such as 2026.")
    )
    qualification = _score(_("qualification"))
    reputation = _score(_("reputation"))
    quality = _score(_("quality"))
    price = _score(_("price"))
    lead_time = _score(_("lead time"))
    weights = models.JSONField(_("weights (%)"), default=dict)
    score = models.DecimalField(_("weighted score"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=1, choices=Supplier.Grade.choices)
    notes = models.TextField(_("notes"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("rated by")
    )
    rated_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier rating")
        verbose_name_plural = _("supplier ratings")
        ordering = ["supplier", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "period"], name="supplier_rating_once_per_period"),
            models.CheckConstraint(
                condition=Q(qualification__lte=100)
                & Q(reputation__lte=100)
                & Q(quality__lte=100)
                & Q(price__lte=100)
                & Q(lead_time__lte=100),
                name="supplier_rating_scores_within_100",
            ),
        ]

    def __str__(self):
        return f"{self.supplier.code} {self.period}: {self.score} {self.grade}"
