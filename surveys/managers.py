"""QuerySets of the survey records, scoped to what a user may see."""

from django.db import models


class ResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Scope to responses of customers the user may see: sales see only their own customers'."""
        if not user.is_authenticated or not user.has_perm("surveys.view_response"):
            return self.none()
        if user.has_perm("customers.view_all_customers"):
            return self
        return self.filter(customer__salesperson=user)

    def submitted(self):
        return self.filter(submitted_at__isnull=False)

    def pending(self):
        return self.filter(submitted_at__isnull=True)


class AnswerQuerySet(models.QuerySet):
    def visible_to(self, user):
        from .models import Response

        return self.filter(response__in=Response.objects.visible_to(user).values("pk"))
