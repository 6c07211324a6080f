"""Scrap requests (报废): obsolete, damaged or expired parts written off with approval."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import TimelineEvent

from .catalogue import Part, Warehouse
from .counts import is_keeper


def can_request(scrap, user) -> bool:
    """Submit or cancel a request: whoever asked for it, or a keeper of its warehouse."""
    return scrap.requested_by_id == user.pk or is_keeper(user, scrap.warehouse)


def can_decide(scrap, user) -> bool:
    """Approve or reject: the after-sales manager."""
    return user.has_perm("parts.approve_scraprequest")


def can_post(scrap, user) -> bool:
    """Write the parts off: a keeper of the warehouse."""
    return is_keeper(user, scrap.warehouse)


class ScrapRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Keepers, the manager and management read all; an engineer reads the requests they made."""
        if not user.is_active:
            return self.none()
        if user.has_perm("parts.view_scraprequest"):
            return self
        if user.has_perm("parts.add_scraprequest"):
            return self.filter(requested_by=user)
        return self.none()


class ScrapRequest(ConcurrentTransitionMixin, models.Model):
    """draft → submitted → approved / rejected; approved → posted; cancelled before posting."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved, to post")
        REJECTED = "rejected", _("Rejected")
        POSTED = "posted", _("Posted")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse"))
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, protected=True)
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    objects = ScrapRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("scrap request")
        verbose_name_plural = _("scrap requests")
        ordering = ["-created_at", "-id"]
        permissions = [("approve_scraprequest", _("Can approve or reject a scrap request"))]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("parts:scrap_detail", args=[self.pk])

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED, permission=can_request)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED, permission=can_decide)
    def approve(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED, permission=can_decide)
    def reject(self):
        pass

    @transition(field=state, source=State.APPROVED, target=State.POSTED, permission=can_post)
    def post(self):
        pass

    @transition(
        field=state,
        source=[State.DRAFT, State.SUBMITTED, State.APPROVED],
        target=State.CANCELLED,
        permission=can_request,
    )
    def cancel(self):
        pass


class ScrapLine(models.Model):
    class Reason(models.TextChoices):
        OBSOLETE = "obsolete", _("Obsolete")
        DAMAGED = "damaged", _("Damaged")
        EXPIRED = "expired", _("Expired")
        OTHER = "other", _("Other")

    request = models.ForeignKey(ScrapRequest, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    quantity = models.PositiveIntegerField(_("quantity"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("scrap line")
        verbose_name_plural = _("scrap lines")
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "part"], name="scrap_line_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="scrap_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.part.code} × {self.quantity}"


class ScrapEvent(TimelineEvent):
    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        POSTED = "posted", _("Posted")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.ForeignKey(
        ScrapRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("request")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("scrap event")
        verbose_name_plural = _("scrap events")
