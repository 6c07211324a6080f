"""Who belongs to the service staff, and whose team they are in."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class StaffProfile(models.Model):
    """A member of the service staff: rated, carded and trained; their supervisor sees their team's records."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    employee_number = models.CharField(_("employee number"), max_length=30, blank=True)
    position = models.CharField(_("position"), max_length=50, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_profiles",
        verbose_name=_("supervisor"),
        help_text=_("The manager who rates this person and reads their scorecard."),
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    is_rated = models.BooleanField(
        _("service staff"),
        default=True,
        help_text=_("Rated on the six hearts and listed on the team scorecard."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(supervisor__isnull=True) | ~Q(supervisor=F("user")),
                name="staff_profile_not_own_supervisor",
                violation_error_message=_("Nobody is their own supervisor."),
            )
        ]

    def __str__(self):
        return str(self.user)
