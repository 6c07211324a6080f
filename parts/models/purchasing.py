"""Purchase plans (采购计划), their lines, and the receipts recorded against them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import TimelineEvent

from .catalogue import Part, Warehouse
from .suppliers import Supplier

OPEN_LINE_STATES = ("open", "ordered", "partly_received")


def can_plan(plan, user) -> bool:
    """Purchasing plans, submits and closes."""
    return user.has_perm("parts.change_purchaseplan")


def can_approve(plan, user) -> bool:
    """The after-sales manager approves or sends back."""
    return user.has_perm("parts.approve_purchaseplan")


class PurchasePlan(ConcurrentTransitionMixin, models.Model):
    """The month's purchase plan: draft → submitted → approved (or sent back) → closed.

    Reorder proposals go on the month's plan while it is a draft or sent back; once it is
    submitted, a further plan of the same month takes them (one open draft per month).
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        RETURNED = "returned", _("Sent back")
        APPROVED = "approved", _("Approved")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    month = models.DateField(_("month"), help_text=_("The first day of the plan's month."))
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, protected=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("purchase plan")
        verbose_name_plural = _("purchase plans")
        ordering = ["-month", "-id"]
        permissions = [("approve_purchaseplan", _("Can approve or send back a purchase plan"))]
        constraints = [
            models.UniqueConstraint(
                fields=["month"], condition=Q(state__in=["draft", "returned"]), name="purchase_plan_one_draft_per_month"
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("parts:plan_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)

    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.SUBMITTED, permission=can_plan)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED, permission=can_approve)
    def approve(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.RETURNED, permission=can_approve)
    def send_back(self):
        pass

    @transition(field=state, source=State.APPROVED, target=State.CLOSED, permission=can_plan)
    def close(self):
        pass


class PurchasePlanLine(ConcurrentTransitionMixin, models.Model):
    """One part for one warehouse: open → ordered → received (partly) / cancelled."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ORDERED = "ordered", _("Ordered")
        PARTLY = "partly_received", _("Partly received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        AUTO = "auto", _("Below minimum")
        MANUAL = "manual", _("Added by purchasing")

    plan = models.ForeignKey(PurchasePlan, on_delete=models.PROTECT, related_name="lines", verbose_name=_("plan"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="plan_lines", verbose_name=_("part"))
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="plan_lines", verbose_name=_("warehouse")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    needed_by = models.DateField(_("needed by"))
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_lines",
        verbose_name=_("supplier"),
    )
    unit_price = models.DecimalField(_("unit price (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("source"), max_length=6, choices=Source.choices, default=Source.AUTO)
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.OPEN, protected=True)
    order_reference = models.CharField(_("order reference"), max_length=40, blank=True)
    promised_date = models.DateField(_("promised date"), null=True, blank=True)
    ordered_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    received_quantity = models.PositiveIntegerField(_("received (accepted)"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase plan line")
        verbose_name_plural = _("purchase plan lines")
        ordering = ["plan", "part__code", "warehouse__code"]
        permissions = [("receive_purchase", _("Can record a receipt against a purchase plan line"))]
        constraints = [
            # One open line per (part, warehouse): reorder proposes once, even under concurrent moves.
            models.UniqueConstraint(
                fields=["part", "warehouse"], condition=Q(state__in=OPEN_LINE_STATES), name="plan_line_one_open"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="plan_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(state="open") | Q(state="cancelled") | ~Q(order_reference=""),
                name="plan_line_ordered_with_reference",
            ),
        ]
        indexes = [models.Index(fields=["state", "plan"], name="plan_line_state")]

    def __str__(self):
        return f"{self.plan.number} {self.part.code} × {self.quantity}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_LINE_STATES

    @property
    def outstanding(self) -> int:
        return max(self.quantity - self.received_quantity, 0)

    @transition(field=state, source=State.OPEN, target=State.ORDERED)
    def order(self):
        pass

    @transition(field=state, source=[State.ORDERED, State.PARTLY], target=State.PARTLY)
    def receive_part(self):
        pass

    @transition(field=state, source=[State.ORDERED, State.PARTLY], target=State.RECEIVED)
    def receive_all(self):
        pass

    @transition(field=state, source=[State.OPEN, State.ORDERED, State.PARTLY], target=State.CANCELLED)
    def cancel(self):
        pass


class PurchaseReceipt(models.Model):
    """Goods received against a plan line; the accepted quantity is posted as a receipt move."""

    line = models.ForeignKey(
        PurchasePlanLine, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("line")
    )
    quantity_received = models.PositiveIntegerField(_("quantity received"))
    quantity_rejected = models.PositiveIntegerField(_("quantity rejected"), default=0)
    unit_cost = models.DecimalField(_("actual unit cost (CNY)"), max_digits=12, decimal_places=2)
    received_date = models.DateField(_("received on"))
    promised_date = models.DateField(_("promised date"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("purchase receipt")
        verbose_name_plural = _("purchase receipts")
        ordering = ["-received_date", "-id"]
        indexes = [models.Index(fields=["received_date"], name="purchase_receipt_date")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_received__gt=0), name="receipt_quantity_positive"),
            models.CheckConstraint(
                condition=Q(quantity_rejected__lte=F("quantity_received")), name="receipt_rejected_within_received"
            ),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="receipt_cost_not_negative"),
        ]

    def __str__(self):
        return f"{self.line.plan.number} {self.line.part.code} +{self.accepted}"

    @property
    def accepted(self) -> int:
        return self.quantity_received - self.quantity_rejected

    @property
    def on_time(self) -> bool:
        return self.promised_date is None or self.received_date <= self.promised_date


class PlanEvent(TimelineEvent):
    """Who did what to a purchase plan, and why."""

    plan = models.ForeignKey(PurchasePlan, on_delete=models.CASCADE, related_name="events", verbose_name=_("plan"))
    action = models.CharField(_("action"), max_length=40)

    ACTIONS = {
        "submitted": _("Submitted for approval"),
        "approved": _("Approved"),
        "sent_back": _("Sent back"),
        "closed": _("Closed"),
        "line_added": _("Line added"),
        "ordered": _("Ordered"),
        "line_cancelled": _("Line cancelled"),
        "received": _("Goods received"),
    }

    class Meta(TimelineEvent.Meta):
        verbose_name = _("purchase plan event")
        verbose_name_plural = _("purchase plan events")

    def get_action_label(self) -> str:
        return self.ACTIONS.get(self.action, self.action)
