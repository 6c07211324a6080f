"""Spare-parts requisitions (配件领用申请表): an engineer asks, the manager approves, the keeper issues."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import TimelineEvent
from complaints.models import Complaint
from complaints.models.complaint import fsm_fields
from servicing.models import ServiceVisit

from .catalogue import Part, Warehouse


def can_request(requisition, user) -> bool:
    """The engineer who asked submits and edits their own requisition."""
    return user.has_perm("parts.add_requisition") and requisition.requester_id == user.pk


def can_approve(requisition, user) -> bool:
    return user.has_perm("parts.approve_requisition")


def can_issue(requisition, user) -> bool:
    """Keepers move the stock; that they keep each line's warehouse is checked per line."""
    return user.has_perm("parts.move_stock")


def can_cancel(requisition, user) -> bool:
    return can_request(requisition, user) or can_approve(requisition, user)


def can_close(requisition, user) -> bool:
    return can_cancel(requisition, user) or can_issue(requisition, user)


class RequisitionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Engineers see their own requisitions; managers, keepers and management all; sales none."""
        if user.has_perm("parts.view_all_requisitions"):
            return self
        if user.has_perm("parts.view_requisition"):
            return self.filter(requester=user)
        return self.none()


class Requisition(ConcurrentTransitionMixin, models.Model):
    """One request for parts, for a complaint, a service visit or to restock a van."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting approval")
        APPROVED = "approved", _("Approved, awaiting issue")
        REJECTED = "rejected", _("Rejected")
        PARTLY_ISSUED = "partly_issued", _("Partly issued")
        ISSUED = "issued", _("Issued")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Purpose(models.TextChoices):
        COMPLAINT = "complaint", _("For a complaint")
        VISIT = "visit", _("For a service visit")
        RESTOCK = "restock", _("To restock a van")

    OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.APPROVED, State.PARTLY_ISSUED)

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.COMPLAINT)
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requisitions",
        verbose_name=_("complaint"),
    )
    visit = models.ForeignKey(
        ServiceVisit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requisitions",
        verbose_name=_("service visit"),
    )
    target_warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restock_requisitions",
        verbose_name=_("van to restock"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    reason = models.TextField(_("reason"))
    notes = models.TextField(_("notes"), blank=True)
    state = FSMField(_("state"), max_length=14, choices=State.choices, default=State.DRAFT, protected=True)
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
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)
    finished_at = models.DateTimeField(_("closed or cancelled at"), null=True, blank=True)

    objects = RequisitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")
        ordering = ["-id"]
        permissions = [
            ("approve_requisition", _("Can approve or reject a parts requisition")),
            ("view_all_requisitions", _("Can see every parts requisition")),
        ]
        indexes = [
            models.Index(fields=["requester", "-id"], name="requisition_requester"),
            models.Index(fields=["state", "-id"], name="requisition_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="complaint", complaint__isnull=False, target_warehouse__isnull=True)
                | Q(purpose="visit", visit__isnull=False, target_warehouse__isnull=True)
                | Q(purpose="restock", target_warehouse__isnull=False, complaint__isnull=True, visit__isnull=True),
                name="requisition_purpose_target",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(rejection_reason=""), name="requisition_rejection_reason"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "cancelled"]) | Q(submitted_at__isnull=False),
                name="requisition_submitted_when",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("parts:requisition_detail", args=[self.pk])

    @property
    def state_fields(self):
        return fsm_fields(type(self))

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    # --- transitions: declare the move only; services do the rest ---------------

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED, permission=can_request)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED, permission=can_approve)
    def approve(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.REJECTED, permission=can_approve)
    def reject(self):
        pass

    @transition(
        field=state,
        source=[State.APPROVED, State.PARTLY_ISSUED],
        target=RETURN_VALUE(State.PARTLY_ISSUED, State.ISSUED),
        permission=can_issue,
    )
    def issue(self, *, complete: bool):
        return self.State.ISSUED if complete else self.State.PARTLY_ISSUED

    @transition(field=state, source=[State.PARTLY_ISSUED, State.ISSUED], target=State.CLOSED, permission=can_close)
    def close(self):
        pass

    @transition(
        field=state,
        source=[State.DRAFT, State.SUBMITTED, State.APPROVED, State.PARTLY_ISSUED],
        target=State.CANCELLED,
        permission=can_cancel,
    )
    def cancel(self):
        pass


class RequisitionLine(models.Model):
    """One part asked for, from one warehouse, and what became of it."""

    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="lines", verbose_name=_("requisition")
    )
    position = models.PositiveSmallIntegerField(_("line"), default=1)
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name=_("taken from"))
    quantity_requested = models.PositiveIntegerField(_("quantity requested"))
    quantity_approved = models.PositiveIntegerField(_("quantity approved"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    returned = models.PositiveIntegerField(_("returned"), default=0)
    unit_cost = models.DecimalField(_("unit cost at issue (CNY)"), max_digits=12, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("requisition line")
        verbose_name_plural = _("requisition lines")
        ordering = ["requisition", "position", "id"]
        indexes = [models.Index(fields=["warehouse", "requisition"], name="requisition_line_warehouse")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity_requested__gt=0), name="requisition_line_requested_positive"),
            models.CheckConstraint(
                condition=Q(quantity_approved__lte=F("quantity_requested")), name="requisition_line_approved_le_asked"
            ),
            models.CheckConstraint(
                condition=Q(issued__lte=F("quantity_approved")), name="requisition_line_issued_le_approved"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("quantity_approved") - F("issued")),
                name="requisition_line_reserved_le_outstanding",
            ),
            models.CheckConstraint(condition=Q(returned__lte=F("issued")), name="requisition_line_returned_le_issued"),
        ]

    def __str__(self):
        return f"{self.requisition_id}/{self.position} {self.part_id}"

    @property
    def outstanding(self) -> int:
        """Approved but not yet issued."""
        return self.quantity_approved - self.issued

    @property
    def returnable(self) -> int:
        return self.issued - self.returned

    @property
    def used(self) -> int:
        return self.issued - self.returned


class RequisitionEvent(TimelineEvent):
    """One step of a requisition's life: who did what, when and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Changed")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        ISSUED = "issued", _("Issued")
        RETURNED = "returned", _("Returned to stock")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    requisition = models.ForeignKey(
        Requisition, on_delete=models.CASCADE, related_name="events", verbose_name=_("requisition")
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("requisition event")
        verbose_name_plural = _("requisition events")
