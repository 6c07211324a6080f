"""Installation and commissioning (安装调试): checklists per product model and the reports of visits.

A report copies its checklist from the model's template when it is created, so editing the
template later never changes a report the engineer has signed or the customer has accepted.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.validators import no_control_characters
from complaints.models.complaint import fsm_fields
from customers.models import ProductModel

from .visits import ServiceVisit


class ItemKind(models.TextChoices):
    CHECK = "check", _("Check (pass/fail)")
    MEASURED = "measured", _("Measured value")


class Outcome(models.TextChoices):
    PENDING = "", _("Not answered")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")


def _limits_in_order() -> Q:
    return Q(min_value__isnull=True) | Q(max_value__isnull=True) | Q(max_value__gte=F("min_value"))


class ChecklistItemFields(models.Model):
    """What a checklist line says: shared by the template's items and the report's copies."""

    position = models.PositiveSmallIntegerField(_("no."))
    text = models.CharField(_("item"), max_length=200, validators=[no_control_characters])
    kind = models.CharField(_("type"), max_length=10, choices=ItemKind.choices, default=ItemKind.CHECK)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=3, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=3, null=True, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        abstract = True

    @property
    def is_measured(self) -> bool:
        return self.kind == ItemKind.MEASURED

    def limits_display(self) -> str:
        low, high = self.min_value, self.max_value
        unit = f" {self.unit}" if self.unit else ""
        if low is not None and high is not None:
            return f"{low.normalize():f} – {high.normalize():f}{unit}"
        if low is not None:
            return f"≥ {low.normalize():f}{unit}"
        if high is not None:
            return f"≤ {high.normalize():f}{unit}"
        return ""

    def within_limits(self, value: Decimal) -> bool:
        above_min = self.min_value is None or value >= self.min_value
        return above_min and (self.max_value is None or value <= self.max_value)


class CommissioningChecklist(models.Model):
    """The commissioning checklist of a product model, kept by the after-sales manager."""

    product_model = models.OneToOneField(
        ProductModel, on_delete=models.PROTECT, related_name="commissioning_checklist", verbose_name=_("product model")
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("updated by")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("commissioning checklist")
        verbose_name_plural = _("commissioning checklists")
        ordering = ["product_model__code"]

    def __str__(self):
        return str(self.product_model)


class ChecklistItem(ChecklistItemFields):
    checklist = models.ForeignKey(
        CommissioningChecklist, on_delete=models.CASCADE, related_name="items", verbose_name=_("checklist")
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["checklist", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "position"], name="checklist_item_position_unique"),
            models.CheckConstraint(condition=_limits_in_order(), name="checklist_item_limits_order"),
        ]

    def __str__(self):
        return f"{self.position}. {self.text}"


class CommissioningReport(ConcurrentTransitionMixin, models.Model):
    """The commissioning report of one commissioning visit: draft → completed (signed) → accepted."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed, awaiting the customer's acceptance")
        ACCEPTED = "accepted", _("Accepted by the customer")

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    visit = models.OneToOneField(
        ServiceVisit, on_delete=models.PROTECT, related_name="commissioning_report", verbose_name=_("visit")
    )
    state = FSMField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, protected=True)
    result = models.CharField(_("overall result"), max_length=10, choices=Result.choices, default=Result.PENDING)
    remarks = models.TextField(_("remarks"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by (engineer)"),
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    customer_acceptance_name = models.CharField(
        _("accepted by (customer)"), max_length=50, blank=True, validators=[no_control_characters]
    )
    customer_acceptance_date = models.DateField(_("customer acceptance date"), null=True, blank=True)
    acceptance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptance recorded by"),
    )

    class Meta:
        verbose_name = _("commissioning report")
        verbose_name_plural = _("commissioning reports")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("dispatch_commissioning", _("Can dispatch a commissioning visit")),
            ("accept_commissioningreport", _("Can record the customer's acceptance of a commissioning")),
        ]
        indexes = [models.Index(fields=["-created_at", "-id"], name="commissioning_created_id")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="accepted")
                | (Q(customer_acceptance_date__isnull=False) & ~Q(customer_acceptance_name="")),
                name="commissioning_accepted_has_acceptance",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(signed_at__isnull=False), name="commissioning_signed_when_completed"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.visit.customer.name}"

    def get_absolute_url(self):
        return reverse("servicing:visit_detail", args=[self.visit_id]) + "#commissioning"

    @property
    def state_fields(self):
        return fsm_fields(type(self))

    @property
    def number(self) -> str:
        return f"AT-{self.pk:06d}" if self.pk else ""

    # --- transitions: declare the move only; services do the rest -------------------------

    @transition(field=state, source=State.DRAFT, target=State.COMPLETED)
    def complete(self, *, by, at, result):
        self.signed_by, self.signed_at, self.result = by, at, result

    @transition(field=state, source=State.COMPLETED, target=State.DRAFT)
    def reopen(self):
        self.signed_by, self.signed_at, self.result = None, None, self.Result.PENDING

    @transition(field=state, source=State.COMPLETED, target=State.ACCEPTED)
    def accept(self, *, name, date, by):
        self.customer_acceptance_name, self.customer_acceptance_date, self.acceptance_recorded_by = name, date, by


class CommissioningLine(ChecklistItemFields):
    """One checklist line of a report, copied from the template, with what was found."""

    report = models.ForeignKey(
        CommissioningReport,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=pgettext_lazy("commissioning line", "report"),
    )
    checked = models.BooleanField(_("check passed"), null=True, blank=True)
    measured_value = models.DecimalField(_("measured value"), max_digits=12, decimal_places=3, null=True, blank=True)
    outcome = models.CharField(_("result"), max_length=4, choices=Outcome.choices, blank=True, default=Outcome.PENDING)
    remark = models.CharField(_("remark"), max_length=200, blank=True, validators=[no_control_characters])

    class Meta:
        verbose_name = _("commissioning line")
        verbose_name_plural = _("commissioning lines")
        ordering = ["report", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="commissioning_line_position_unique"),
            models.CheckConstraint(condition=_limits_in_order(), name="commissioning_line_limits_order"),
        ]

    def __str__(self):
        return f"{self.position}. {self.text}"

    def compute_outcome(self) -> str:
        """Return pass/fail from the answer: a measured value is judged against the limits."""
        if self.is_measured:
            if self.measured_value is None:
                return Outcome.PENDING
            return Outcome.PASS if self.within_limits(self.measured_value) else Outcome.FAIL
        if self.checked is None:
            return Outcome.PENDING
        return Outcome.PASS if self.checked else Outcome.FAIL
