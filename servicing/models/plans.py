"""Service plans (售后服务计划): periodic inspections (巡检) and maintenance, and what they find."""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, Severity
from customers.models import Customer, Delivery
from quality.models import QualitySheet


def add_months(anchor: datetime.date, months: int) -> datetime.date:
    """Return ``anchor`` moved by ``months``, its day clamped to the month's end (Jan 31 + 1 → Feb 28/29)."""
    month0 = anchor.month - 1 + months
    year, month = anchor.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


class ServicePlan(models.Model):
    """A recurring inspection or maintenance of one customer (or one unit of it), or of a region."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Inspection")
        MAINTENANCE = "maintenance", _("Maintenance")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUAL = "annual", _("Annual")

    MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.ANNUAL: 12}

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.INSPECTION)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_plans",
        verbose_name=_("customer"),
    )
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_plans",
        verbose_name=_("delivered unit"),
        help_text=_("Optional: the one unit of the customer this plan looks after."),
    )
    region = models.CharField(
        _("region"),
        max_length=50,
        blank=True,
        help_text=_("Instead of a customer: every customer of this region is visited."),
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    first_date = models.DateField(_("first date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_plans", verbose_name=_("engineer")
    )
    active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service plan")
        verbose_name_plural = _("service plans")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["active", "first_date"], name="plan_active_first")]
        constraints = [
            # One scope: a customer (optionally one of its units) or a region, never both nor neither.
            models.CheckConstraint(
                condition=(Q(customer__isnull=False) & Q(region=""))
                | (Q(customer__isnull=True) & Q(delivery__isnull=True) & ~Q(region="")),
                name="plan_one_scope",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("first_date")),
                name="plan_end_after_first",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("servicing:plan_detail", args=[self.pk])

    def status(self, today: datetime.date) -> tuple[str, str]:
        """Return the plan's status label and its Bootstrap badge class on ``today``."""
        if self.end_date and self.end_date < today:
            return _("Ended"), "text-bg-secondary"
        if not self.active:
            return _("Paused"), "text-bg-warning"
        return _("Active"), "text-bg-success"

    @property
    def scope_label(self) -> str:
        if self.delivery_id:
            return f"{self.customer.name} · {self.delivery.serial_number}"
        return self.customer.name if self.customer_id else self.region

    def occurrences(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """Return the plan's dates within [first, last], within its own first and end dates.

        Each date counts from the first date (n × the period), not from the one before, so a
        monthly plan from 31 January falls on 28/29 February and again on 31 March.
        """
        step, found, n = self.MONTHS[self.frequency], [], 0
        last = min(last, self.end_date) if self.end_date else last
        while (day := add_months(self.first_date, n * step)) <= last:
            if day >= first:
                found.append(day)
            n += 1
        return found


class VisitChase(models.Model):
    """One overdue reminder of a planned visit: claimed per (visit, day) before its message is written."""

    visit = models.ForeignKey("servicing.ServiceVisit", on_delete=models.CASCADE, related_name="chases")
    sent_on = models.DateField(_("sent on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("overdue visit reminder")
        verbose_name_plural = _("overdue visit reminders")
        constraints = [models.UniqueConstraint(fields=["visit", "sent_on"], name="visit_chase_once_a_day")]

    def __str__(self):
        return f"{self.visit_id} {self.sent_on}"


class Finding(models.Model):
    """A problem found on an inspection, and the complaint or quality sheet it opened."""

    class Opens(models.TextChoices):
        COMPLAINT = "complaint", _("a complaint")
        SHEET = "sheet", _("a quality information sheet")

    visit = models.ForeignKey(
        "servicing.ServiceVisit", on_delete=models.PROTECT, related_name="findings", verbose_name=_("service visit")
    )
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    serial_number = models.CharField(_("serial number"), max_length=50, blank=True, db_index=True)
    complaint = models.OneToOneField(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finding",
        verbose_name=_("complaint"),
    )
    sheet = models.OneToOneField(
        QualitySheet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finding",
        verbose_name=_("quality information sheet"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["visit", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(complaint__isnull=False, sheet__isnull=True)
                | Q(complaint__isnull=True, sheet__isnull=False),
                name="finding_opens_one_record",
            )
        ]

    def __str__(self):
        return self.description[:50]

    @property
    def opened(self):
        return self.complaint or self.sheet
