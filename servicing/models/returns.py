"""The returns list (退货清单)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.validators import no_control_characters_multiline
from complaints.models import Complaint
from customers.models import Customer, ProductModel


class ReturnRecord(models.Model):
    """One line of the returns list (退货清单, record KYJL/XS/06)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Return accepted")
        REJECTED = "rejected", _("Return refused")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not yet decided")
        SCRAP = "scrap", _("Scrap")
        REWORK = "rework", _("Rework")
        RESTOCK = "restock", _("Restock")

    class TestResult(models.TextChoices):
        NOT_TESTED = "not_tested", _("Not tested yet")
        FAULT_CONFIRMED = "fault_confirmed", _("Fault confirmed")
        NO_TROUBLE_FOUND = "ntf", _("No trouble found")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="returns", verbose_name=_("complaint")
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="returns", verbose_name=_("customer"))
    product_model = models.ForeignKey(ProductModel, on_delete=models.PROTECT, verbose_name=_("product model"))
    serial_number = models.CharField(_("serial number"), max_length=50, blank=True)
    batch_number = models.CharField(_("batch number"), max_length=50, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    reason = models.TextField(_("reason"), validators=[no_control_characters_multiline])
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    outcome = models.CharField(
        _("what became of the goods"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    requested_on = models.DateField(_("requested on"))
    received_on = models.DateField(_("goods received on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    test_result = models.CharField(
        _("test result"),
        max_length=20,
        choices=TestResult.choices,
        default=TestResult.NOT_TESTED,
        help_text=_("What testing the returned goods found (field failure test analysis)."),
    )
    tested_on = models.DateField(_("tested on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-requested_on", "-id"]
        permissions = [("export_returnrecord", _("Can export the returns list"))]
        indexes = [models.Index(fields=["-requested_on", "-id"], name="return_requested_id")]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="return_quantity_positive")]

    def __str__(self):
        return f"{self.customer.name} {self.product_model.code} ×{self.quantity}"
