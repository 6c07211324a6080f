"""Transfers between warehouses (调拨): both moves posted in one transaction."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .catalogue import Part, Warehouse


class TransferQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.is_active and user.has_perm("parts.view_transfer"):
            return self
        return self.none()


class Transfer(models.Model):
    """Parts moved from one warehouse to another, posted when recorded."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    source = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("from warehouse"))
    destination = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("to warehouse")
    )
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    objects = TransferQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(source=F("destination")), name="transfer_between_two_warehouses")
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("parts:transfer_detail", args=[self.pk])


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines", verbose_name=_("transfer"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        ordering = ["transfer", "id"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "part"], name="transfer_line_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transfer_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.part.code} × {self.quantity}"
