"""What happens around a complaint: field visits, returns, follow-up calls, case summaries."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.validators import no_control_characters_multiline
from customers.models import Customer, ProductModel

from .complaint import Complaint


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

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="visits", verbose_name=_("complaint")
    )
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="visits", verbose_name=_("customer"))
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits", verbose_name=_("engineer")
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.ONSITE)
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
        ]

    def __str__(self):
        return f"{self.customer.name} {self.planned_start:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("complaints:visit_detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.internal_accepted_at is not None


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


class FollowUp(models.Model):
    """The follow-up call (回访) after closing: an unsatisfied customer reopens the case."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("complaint")
    )
    called_at = models.DateTimeField(_("called at"))
    contact_name = models.CharField(_("spoke with"), max_length=50, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        choices=[(i, str(i)) for i in range(1, 6)],
    )
    remarks = models.TextField(_("remarks"), blank=True)
    reopened = models.BooleanField(_("reopened the complaint"), default=False)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("called by")
    )

    UNSATISFIED_BELOW = 3  # 1 and 2 mean dissatisfied; 3 is neutral

    class Meta:
        verbose_name = _("follow-up call")
        verbose_name_plural = _("follow-up calls")
        ordering = ["-called_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5), name="follow_up_satisfaction_1_5"
            )
        ]

    def __str__(self):
        return f"{self.complaint.number} {self.satisfaction}/5"

    @property
    def is_unsatisfied(self) -> bool:
        return self.satisfaction < self.UNSATISFIED_BELOW


class CaseSummary(models.Model):
    """A knowledge-base entry written when a complaint closes."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="case_summary", verbose_name=_("complaint")
    )
    product_model = models.ForeignKey(
        ProductModel, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("product model")
    )
    category = models.CharField(_("category"), max_length=20, choices=Complaint.Category.choices)
    problem = models.TextField(_("problem"))
    cause = models.TextField(_("cause"))
    solution = models.TextField(_("solution"))
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True, help_text=_("Separate keywords with spaces or commas.")
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    written_at = models.DateTimeField(_("written at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case summary")
        verbose_name_plural = _("knowledge base")
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["product_model", "category"], name="case_model_category")]

    def __str__(self):
        return f"{self.complaint.number} {self.problem[:40]}"

    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", ",").replace(",", " ").split() if k]
