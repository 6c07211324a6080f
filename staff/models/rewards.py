"""Rewards and penalties (奖惩) entered by hand; quality sheets' assessments join them on the lists."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RewardPenalty(models.Model):
    """One reward or penalty of one person (seed 002, 第十一条); voided with a reason, never deleted."""

    class Kind(models.TextChoices):
        REWARD = "reward", _("Reward")
        PENALTY = "penalty", _("Penalty")

    class Category(models.TextChoices):
        COMMENDATION = "commendation", _("Commendation")
        BONUS = "bonus", _("Bonus")
        WARNING = "warning", _("Warning")
        FINE = "fine", _("Fine")
        POINTS = "points", _("Assessment points")
        DISMISSAL = "dismissal", _("Dismissal")

    class Measure(models.TextChoices):
        POINTS = "points", _("Points")
        AMOUNT = "amount", _("Amount (CNY)")
        NONE = "none", _("No figure")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rewards_penalties", verbose_name=_("person")
    )
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=15, choices=Category.choices)
    measure = models.CharField(_("measured in"), max_length=8, choices=Measure.choices, default=Measure.AMOUNT)
    value = models.DecimalField(_("points or amount"), max_digits=10, decimal_places=2, default=0)
    occurred_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    class Meta:
        verbose_name = _("reward or penalty")
        verbose_name_plural = _("rewards and penalties")
        ordering = ["-occurred_on", "-id"]
        permissions = [("export_rewardpenalty", _("Can export rewards and penalties"))]
        indexes = [models.Index(fields=["person", "occurred_on"], name="reward_person_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="reward_value_not_negative",
                violation_error_message=_("Enter the points or amount as a positive figure; the type says which way."),
            ),
            models.CheckConstraint(condition=~Q(measure="none") | Q(value=0), name="reward_no_figure_is_zero"),
        ]

    def __str__(self):
        return f"{self.number} {self.person} {self.get_kind_display()}"
