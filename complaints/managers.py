from django.db import models
from django.db.models import Q

from aftersales.rows import fast_rows


class ComplaintQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=self.model.OPEN_STATES)

    def visible_to(self, user):
        """Scope to what the user may see: sales staff see their own customers' complaints."""
        if not user.is_authenticated or not user.has_perm("complaints.view_complaint"):
            return self.none()
        if user.has_perm("complaints.view_all_complaints"):
            return self
        return self.filter(customer__salesperson=user)

    def for_list(self):
        """The rows of a list, with what a list row shows, built without ``Model.__init__`` (aftersales.rows)."""
        return fast_rows(self.select_related("customer", "assignee", "product_model"))

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        upper = text.upper()
        return self.filter(
            Q(number__startswith=upper)
            | Q(serial_number__startswith=upper)
            | Q(customer__code__startswith=upper)
            | Q(customer__name__icontains=text)
        )

    def responding_breached(self, now):
        return self.open().filter(
            first_responded_at__isnull=True, paused_since__isnull=True, first_response_due_at__lt=now
        )

    def resolution_breached(self, now):
        return self.filter(closed_at__isnull=True, paused_since__isnull=True, resolution_due_at__lt=now).open()

    def breaching(self, now):
        """Open complaints past either deadline."""
        return self.open().filter(
            Q(first_responded_at__isnull=True, first_response_due_at__lt=now) | Q(resolution_due_at__lt=now)
        )

    def at_risk(self, now):
        return self.open().filter(
            Q(first_responded_at__isnull=True, first_response_risk_at__lte=now, first_response_due_at__gte=now)
            | Q(resolution_risk_at__lte=now, resolution_due_at__gte=now)
        )

    def with_sla(self, status: str, now):
        """Filter by the clock status shown in lists: at_risk, breached, met or running."""
        if status == "breached":
            return self.filter(
                Q(
                    first_responded_at__isnull=True,
                    first_response_due_at__lt=now,
                    paused_since__isnull=True,
                    state__in=self.model.OPEN_STATES,
                )
                | Q(first_responded_at__gt=models.F("first_response_due_at"))
                | Q(
                    closed_at__isnull=True,
                    resolution_due_at__lt=now,
                    paused_since__isnull=True,
                    state__in=self.model.OPEN_STATES,
                )
                | Q(closed_at__gt=models.F("resolution_due_at"))
            )
        if status == "at_risk":
            return (
                self.at_risk(now)
                .filter(paused_since__isnull=True)
                .exclude(
                    Q(first_responded_at__isnull=True, first_response_due_at__lt=now) | Q(resolution_due_at__lt=now)
                )
            )
        if status == "met":
            return self.filter(closed_at__isnull=False, closed_at__lte=models.F("resolution_due_at")).filter(
                first_responded_at__lte=models.F("first_response_due_at")
            )
        if status == "paused":
            return self.filter(paused_since__isnull=False)
        return self
