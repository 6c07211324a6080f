"""The six-hearts service rating (“六心”服务评定) of one person for one month or quarter."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..hearts import CUSTOMER_WEIGHT, HEART_FIELDS, HEARTS, MANAGER_WEIGHT


class SixHeartsRating(models.Model):
    """Signed and dated by the rating manager; corrected only with a reason (:class:`RatingCorrection`)."""

    class PeriodKind(models.TextChoices):
        MONTH = "month", _("Month")
        QUARTER = "quarter", _("Quarter")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="six_hearts_ratings", verbose_name=_("rated")
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period starts"))

    confidence = models.PositiveSmallIntegerField(_("Confidence (信心)"), choices=[(i, str(i)) for i in range(1, 6)])
    warmth = models.PositiveSmallIntegerField(_("Warmth (热心)"), choices=[(i, str(i)) for i in range(1, 6)])
    dedication = models.PositiveSmallIntegerField(_("Dedication (用心)"), choices=[(i, str(i)) for i in range(1, 6)])
    patience = models.PositiveSmallIntegerField(_("Patience (耐心)"), choices=[(i, str(i)) for i in range(1, 6)])
    sincerity = models.PositiveSmallIntegerField(_("Sincerity (诚心)"), choices=[(i, str(i)) for i in range(1, 6)])
    carefulness = models.PositiveSmallIntegerField(_("Carefulness (细心)"), choices=[(i, str(i)) for i in range(1, 6)])
    remarks = models.TextField(_("remarks"), blank=True)

    # The customer's view: the follow-up calls' service-attitude scores on the person's
    # complaints in the period, taken when the rating is signed (and again when corrected).
    customer_attitude = models.DecimalField(
        _("customer's view (follow-up attitude)"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    customer_attitude_calls = models.PositiveSmallIntegerField(_("follow-up calls counted"), default=0)
    hearts_mean = models.DecimalField(_("six-hearts mean"), max_digits=3, decimal_places=2)
    score = models.DecimalField(_("overall score"), max_digits=3, decimal_places=2)

    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    rated_at = models.DateTimeField(_("signed at"), default=timezone.now)
    corrections_count = models.PositiveSmallIntegerField(_("times corrected"), default=0)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement = models.TextField(_("comment of the rated person"), blank=True)

    class Meta:
        verbose_name = _("six-hearts rating")
        verbose_name_plural = _("six-hearts ratings")
        ordering = ["-period_start", "person_id"]
        permissions = [
            ("rate_staff", _("Can rate the service staff of their team (six hearts)")),
            ("view_all_staff", _("Can see every staff member's ratings, scorecard and records")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "period_kind", "period_start"],
                name="rating_one_per_person_period",
                violation_error_message=_("This person already has a rating for this period; correct it instead."),
            ),
            *[
                models.CheckConstraint(condition=Q(**{f"{f}__gte": 1, f"{f}__lte": 5}), name=f"rating_{f}_1_5")
                for f in HEART_FIELDS
            ],
            models.CheckConstraint(
                condition=~Q(person=models.F("rated_by")),
                name="rating_not_self",
                violation_error_message=_("Nobody rates themselves."),
            ),
        ]
        indexes = [models.Index(fields=["period_kind", "period_start"], name="rating_period")]

    def __str__(self):
        return f"{self.person} {self.period_start:%Y-%m} {self.score}"

    def hearts(self) -> list[tuple[str, str, str, int]]:
        """Return (field, heart, meaning, score) for each of the six hearts."""
        return [(field, label, meaning, getattr(self, field)) for field, label, meaning in HEARTS]

    def compute_scores(self) -> None:
        """Set the six-hearts mean and the overall score from the hearts and the customer's view."""
        total = sum(Decimal(getattr(self, field)) for field in HEART_FIELDS)
        self.hearts_mean = (total / len(HEART_FIELDS)).quantize(Decimal("0.01"))
        if self.customer_attitude is None:
            self.score = self.hearts_mean
        else:
            blended = self.hearts_mean * Decimal(str(MANAGER_WEIGHT)) + self.customer_attitude * Decimal(
                str(CUSTOMER_WEIGHT)
            )
            self.score = blended.quantize(Decimal("0.01"))


class RatingCorrection(models.Model):
    """A correction of a signed rating: the values before it, who corrected it, when and why."""

    rating = models.ForeignKey(
        SixHeartsRating, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("rating")
    )
    previous = models.JSONField(_("values before"))  # {field: old value} for the hearts, remarks and scores
    reason = models.TextField(_("reason for the correction"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("corrected by")
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating correction")
        verbose_name_plural = _("rating corrections")
        ordering = ["corrected_at", "id"]

    def __str__(self):
        return f"{self.rating} {self.corrected_at:%Y-%m-%d}"
