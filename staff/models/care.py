"""Customer care (客户关怀): the company's festivals and the greetings due to contacts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Festival(models.Model):
    """A day on which salespeople greet their customers' contacts (春节, 中秋节, the company's anniversary …)."""

    name = models.CharField(_("name"), max_length=50)
    date = models.DateField(_("date"))
    greet_days_before = models.PositiveSmallIntegerField(
        _("greet from (days before)"), default=3, help_text=_("The greeting is listed from this many days before.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("festival")
        verbose_name_plural = _("festivals")
        ordering = ["date", "name"]
        constraints = [models.UniqueConstraint(fields=["date", "name"], name="festival_once_a_day")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"


class Greeting(models.Model):
    """A greeting due to a contact on an occasion: listed once in the daily e-mail, then sent or skipped."""

    class Occasion(models.TextChoices):
        BIRTHDAY = "birthday", _("Birthday")
        FESTIVAL = "festival", _("Festival")

    class Outcome(models.TextChoices):
        DUE = "due", _("Due")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")

    class Channel(models.TextChoices):
        CALL = "call", _("Phone call")
        MESSAGE = "message", _("Text or messaging app")
        LETTER = "letter", _("Letter or card")
        EMAIL = "email", _("E-mail")
        GIFT = "gift", _("Gift")

    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.CASCADE, related_name="greetings", verbose_name=_("contact")
    )
    occasion = models.CharField(_("occasion"), max_length=10, choices=Occasion.choices)
    festival = models.ForeignKey(
        Festival, on_delete=models.PROTECT, null=True, blank=True, related_name="greetings", verbose_name=_("festival")
    )
    occasion_date = models.DateField(_("occasion date"))
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="greetings", verbose_name=_("salesperson")
    )
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.DUE)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    listed_at = models.DateTimeField(_("listed at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("greeting")
        verbose_name_plural = _("greetings")
        ordering = ["occasion_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "occasion", "occasion_date"], name="greeting_once_per_occasion"),
            models.CheckConstraint(
                condition=Q(occasion="birthday", festival__isnull=True)
                | Q(occasion="festival", festival__isnull=False),
                name="greeting_festival_named",
            ),
        ]
        indexes = [
            models.Index(
                fields=["salesperson", "occasion_date"], name="greeting_due_by_person", condition=Q(outcome="due")
            )
        ]

    def __str__(self):
        return f"{self.occasion_date:%Y-%m-%d} {self.contact} {self.get_occasion_display()}"
