"""The stock ledger: one row per change of a balance, never edited, never deleted."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from servicing.models import ServiceVisit

from .catalogue import Part, Warehouse


class StockMove(models.Model):
    """A signed change of one part's balance in one warehouse, with the balance it left.

    Rows are written only by :mod:`parts.stock`; on PostgreSQL a trigger refuses UPDATE and
    DELETE on the table (migration 0002), so the ledger is the proof of every balance.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ISSUE = "issue", _("Issue")
        RETURN = "return", _("Return to stock")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        COUNT = "count", _("Count adjustment")
        SCRAP = "scrap", _("Scrap")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # The ledger is the hottest table to write: each foreign key is covered by one of the
    # composite or partial indexes below, so none gets an index of its own.
    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="moves", verbose_name=_("part"), db_index=False
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="moves", verbose_name=_("warehouse"), db_index=False
    )
    quantity = models.IntegerField(_("quantity"))
    balance_after = models.IntegerField(_("balance after"))
    unit_cost = models.DecimalField(_("unit cost (CNY)"), max_digits=12, decimal_places=2)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    document_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
        db_index=False,
    )
    document_id = models.PositiveBigIntegerField(_("document id"), null=True, blank=True)
    document = GenericForeignKey("document_type", "document_id")
    reference = models.CharField(_("document number"), max_length=30, blank=True)
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_moves",
        verbose_name=_("complaint"),
        db_index=False,
    )
    visit = models.ForeignKey(
        ServiceVisit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_moves",
        verbose_name=_("service visit"),
        db_index=False,
    )

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock ledger")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["part", "-id"], name="move_part"),
            models.Index(fields=["warehouse", "part", "-id"], name="move_warehouse_part"),
            models.Index(fields=["document_type", "document_id"], name="move_document"),
            models.Index(fields=["complaint"], condition=Q(complaint__isnull=False), name="move_complaint"),
            models.Index(fields=["visit"], condition=Q(visit__isnull=False), name="move_visit"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="move_quantity_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="move_balance_not_negative"),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["receipt", "return", "transfer_in"], quantity__gt=0)
                    | Q(kind__in=["issue", "transfer_out", "scrap"], quantity__lt=0)
                    | Q(kind="count")
                ),
                name="move_sign_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.part.code} {self.quantity:+d} @ {self.warehouse.code}"

    @property
    def value(self):
        return self.quantity * self.unit_cost

    def set_document(self, document) -> None:
        if document is not None:
            self.document_type = ContentType.objects.get_for_model(document)
            self.document_id = document.pk
