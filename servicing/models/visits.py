"""Field service visits (现场实施维护记录表)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from customers.models import Customer, Delivery


class ServiceVisit(models.Model):
    """A field service visit (现场实施维护记录表)."""

    class Kind(models.TextChoices):
        ONSITE = "onsite", _("On site")
        REMOTE = "remote", _("Remote")

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        RESOLVED = "resolved", _("Resolved")
        PARTLY = "partly", _("Partly resolved")
        UNRESOLVED = "unresolved", _("Not resolved")

    class Purpose(models.TextChoices):
        REPAIR = "repair", _("Repair")
        INSPECTION = "inspection", _("Inspection")
        MAINTENANCE = "maintenance", _("Maintenance")
        COMMISSIONING = "commissioning", _("Installation and commissioning")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="visits", verbose_name=_("complaint")
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="visits", verbose_name=_("customer"))
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits", verbose_name=_("engineer")
    )
    purpose = models.CharField(_("purpose"), max_length=15, choices=Purpose.choices, default=Purpose.REPAIR)
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("delivered unit"),
        help_text=_("The unit this visit installs and commissions."),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.ONSITE)
    purpose = models.CharField(_("purpose"), max_length=15, choices=Purpose.choices, default=Purpose.REPAIR)
    plan = models.ForeignKey(
        "servicing.ServicePlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("service plan"),
    )
    occurrence = models.DateField(_("plan date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    people = models.CharField(_("people present"), max_length=200, blank=True)
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    parts_used = models.TextField(_("parts used"), blank=True)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, default=Result.PENDING)
    customer_acceptance_name = models.CharField(_("accepted by (customer)"), max_length=50, blank=True)
    customer_acceptance_date = models.DateField(_("customer acceptance date"), null=True, blank=True)
    customer_remarks = models.TextField(_("customer remarks"), blank=True)
    internal_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("internal acceptance by"),
    )
    internal_accepted_at = models.DateTimeField(_("internal acceptance at"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dispatched by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service visit")
        verbose_name_plural = _("service visits")
        ordering = ["-planned_start", "-id"]
        permissions = [("accept_servicevisit", _("Can give the internal acceptance of a service visit"))]
        indexes = [
            models.Index(fields=["engineer", "-planned_start"], name="visit_engineer_start"),
            models.Index(fields=["customer", "-planned_start"], name="visit_customer_start"),
            # The daily chase reads the plan visits not yet done whose planned start has passed.
            models.Index(
                fields=["planned_start"],
                name="visit_plan_open_start",
                condition=Q(plan__isnull=False, actual_end__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=models.F("planned_start")),
                name="visit_planned_order",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_end__gte=models.F("actual_start")),
                name="visit_actual_order",
            ),
            # One visit per plan, customer and date: the daily generation may run twice at once.
            models.UniqueConstraint(fields=["plan", "customer", "occurrence"], name="visit_once_per_occurrence"),
            models.CheckConstraint(
                condition=Q(plan__isnull=True, occurrence__isnull=True)
                | Q(plan__isnull=False, occurrence__isnull=False),
                name="visit_plan_has_occurrence",
            ),
        ]

    def __str__(self):
        return f"{self.customer.name} {self.planned_start:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("servicing:visit_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        """A plan visit whose planned start has passed without an actual end."""
        return bool(self.plan_id) and self.actual_end is None and self.planned_start < timezone.now()

    @property
    def is_archived(self) -> bool:
        return self.internal_accepted_at is not None
