"""Follow-up calls after a complaint is closed (回访)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint


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
    # Null on calls logged before the question was asked; the form requires it on new calls.
    attitude = models.PositiveSmallIntegerField(
        _("service attitude (1–5)"), choices=[(i, str(i)) for i in range(1, 6)], null=True, blank=True
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
            ),
            models.CheckConstraint(
                condition=Q(attitude__isnull=True) | (Q(attitude__gte=1) & Q(attitude__lte=5)),
                name="follow_up_attitude_1_5",
            ),
        ]

    def __str__(self):
        return f"{self.complaint.number} {self.satisfaction}/5"

    @property
    def is_unsatisfied(self) -> bool:
        return self.satisfaction < self.UNSATISFIED_BELOW
