"""Repair quotes outside warranty (维修报价) and the actual cost of each claim."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from complaints.models import Complaint

CENT = Decimal("0.01")
DEFAULT_TAX_RATE = Decimal("13.00")


def money(value) -> Decimal:
    """Round ``value`` to the fen, half up, as invoices do."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def can_prepare(quote, user) -> bool:
    """After-sales staff prepare, revise and send quotes."""
    return user.has_perm("servicing.change_quote")


def can_answer(quote, user) -> bool:
    """Record the customer's answer: after-sales staff, or the customer's own salesperson."""
    if not user.has_perm("servicing.answer_quote"):
        return False
    return user.has_perm("complaints.view_all_complaints") or quote.complaint.customer.salesperson_id == user.pk


class Quote(ConcurrentTransitionMixin, models.Model):
    """A numbered repair quote for an out-of-warranty complaint: draft → sent → accepted / refused."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent, awaiting the customer")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")
        SUPERSEDED = "superseded", _("Superseded")

    class Via(models.TextChoices):
        EMAIL = "email", _("E-mail")
        FAX = "fax", _("Fax")
        HANDED = "handed", _("Handed over")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("complaint")
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    state = FSMField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT, protected=True)
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2, default=DEFAULT_TAX_RATE)
    subtotal = models.DecimalField(_("amount before tax (CNY)"), max_digits=14, decimal_places=2, default=0)
    tax_amount = models.DecimalField(_("tax (CNY)"), max_digits=14, decimal_places=2, default=0)
    total = models.DecimalField(_("total with tax (CNY)"), max_digits=14, decimal_places=2, default=0)
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("terms and notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("prepared by")
    )
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_via = models.CharField(_("sent by way of"), max_length=10, choices=Via.choices, blank=True)
    answer_name = models.CharField(_("answered by (customer)"), max_length=50, blank=True)
    answer_date = models.DateField(_("answer date"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer recorded by"),
    )
    answer_recorded_at = models.DateTimeField(_("answer recorded at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("repair quote")
        verbose_name_plural = _("repair quotes")
        ordering = ["-created_at", "-id"]
        permissions = [("answer_quote", _("Can record the customer's answer to a repair quote"))]
        indexes = [models.Index(fields=["complaint", "-revision"], name="quote_complaint_revision")]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "revision"], name="quote_revision_once"),
            models.UniqueConstraint(
                fields=["complaint"], condition=Q(state="accepted"), name="quote_one_accepted_per_complaint"
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0) & Q(tax_amount__gte=0) & Q(total__gte=0),
                name="quote_amounts_not_negative",
            ),
            models.CheckConstraint(condition=Q(tax_rate__gte=0) & Q(tax_rate__lte=100), name="quote_tax_rate_range"),
            models.CheckConstraint(condition=Q(state="draft") | Q(sent_at__isnull=False), name="quote_sent_when"),
            models.CheckConstraint(
                condition=~Q(state__in=["accepted", "refused"]) | Q(answer_date__isnull=False),
                name="quote_answer_dated",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("servicing:quote_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.SENT)

    def compute_totals(self, lines) -> None:
        """Set the amount before tax, the tax and the total from ``lines`` (rounded to the fen)."""
        self.subtotal = money(sum((line.amount for line in lines), Decimal(0)))
        self.tax_amount = money(self.subtotal * self.tax_rate / 100)
        self.total = self.subtotal + self.tax_amount

    # --- transitions: declare the move only; services do the rest ---------------

    @transition(field=state, source=State.DRAFT, target=State.SENT, permission=can_prepare)
    def send(self):
        pass

    @transition(field=state, source=State.SENT, target=State.ACCEPTED, permission=can_answer)
    def accept(self):
        self.refusal_reason = ""

    @transition(field=state, source=State.SENT, target=State.REFUSED, permission=can_answer)
    def refuse(self):
        pass

    @transition(field=state, source=[State.SENT, State.REFUSED], target=State.SUPERSEDED, permission=can_prepare)
    def supersede(self):
        pass


class QuoteLine(models.Model):
    class Kind(models.TextChoices):
        PARTS = "parts", _("Parts")
        TRAVEL = "travel", _("Travel")
        LABOUR = "labour", _("Labour")
        OTHER = "other", _("Other")

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines", verbose_name=_("quote"))
    position = models.PositiveSmallIntegerField(_("line"), default=1)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PARTS)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=1)
    unit_price = models.DecimalField(_("unit price (CNY)"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2, editable=False)

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quote_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="quote_line_price_not_negative"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="quote_line_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.description}"

    def save(self, *args, **kwargs):
        self.amount = money(self.quantity * self.unit_price)
        super().save(*args, **kwargs)


class ClaimCost(models.Model):
    """What a claim actually cost the company (parts, labour, travel, other), in or out of warranty."""

    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="claim_cost", verbose_name=_("complaint")
    )
    parts = models.DecimalField(_("parts (CNY)"), max_digits=12, decimal_places=2, default=0)
    labour_hours = models.DecimalField(_("labour hours"), max_digits=8, decimal_places=2, default=0)
    hourly_rate = models.DecimalField(_("hourly rate (CNY)"), max_digits=10, decimal_places=2, default=0)
    labour = models.DecimalField(_("labour (CNY)"), max_digits=14, decimal_places=2, default=0, editable=False)
    travel = models.DecimalField(_("travel (CNY)"), max_digits=12, decimal_places=2, default=0)
    other = models.DecimalField(_("other (CNY)"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total (CNY)"), max_digits=14, decimal_places=2, default=0, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("last changed by")
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("claim cost")
        verbose_name_plural = _("claim costs")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("change_closed_claimcost", _("Can correct the cost of a closed claim")),
            ("export_claimcost", _("Can export claim costs")),
        ]
        indexes = [models.Index(fields=["-created_at", "-id"], name="claim_cost_created")]
        constraints = [
            models.CheckConstraint(
                condition=Q(parts__gte=0)
                & Q(labour_hours__gte=0)
                & Q(hourly_rate__gte=0)
                & Q(labour__gte=0)
                & Q(travel__gte=0)
                & Q(other__gte=0)
                & Q(total__gte=0),
                name="claim_cost_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.total}"

    def save(self, *args, **kwargs):
        self.labour = money(self.labour_hours * self.hourly_rate)
        self.total = money(self.parts + self.labour + self.travel + self.other)
        super().save(*args, **kwargs)
