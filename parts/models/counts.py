"""Stock counts (盘点): a count sheet per warehouse with the system quantity snapshotted at its start."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import TimelineEvent

from .catalogue import Part, PartCategory, Warehouse

OPEN_STATES = ("counting", "submitted", "approved")


def is_keeper(user, warehouse) -> bool:
    """A keeper who may move stock in ``warehouse`` (or a superuser)."""
    if user.is_superuser:
        return True
    return user.has_perm("parts.move_stock") and warehouse.keepers.filter(pk=user.pk).exists()


def can_keep(count, user) -> bool:
    """Key in, submit, post and cancel a count: a keeper of its warehouse."""
    return is_keeper(user, count.warehouse)


def can_approve(count, user) -> bool:
    """Approve or send back the variances: the after-sales manager."""
    return user.has_perm("parts.approve_stockcount")


class StockCountQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Counts are read by those who may view them (keepers, the manager, management)."""
        if user.is_active and user.has_perm("parts.view_stockcount"):
            return self
        return self.none()


class StockCount(ConcurrentTransitionMixin, models.Model):
    """One count sheet of one warehouse: counting → submitted → approved → posted (or cancelled)."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly cycle count")
        YEAR_END = "year_end", _("Year-end full count")
        OPENING = "opening", _("Opening count")

    class State(models.TextChoices):
        COUNTING = "counting", _("Counting")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved, to post")
        POSTED = "posted", _("Posted")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="counts", verbose_name=_("warehouse")
    )
    kind = models.CharField(_("type of count"), max_length=10, choices=Kind.choices, default=Kind.MONTHLY)
    key_parts_only = models.BooleanField(_("key parts only"), default=False)
    category = models.ForeignKey(
        PartCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("category")
    )
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.COUNTING, protected=True)
    note = models.TextField(_("note"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    started_at = models.DateTimeField(_("started at (snapshot)"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    objects = StockCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-started_at", "-id"]
        permissions = [("approve_stockcount", _("Can approve the variances of a stock count"))]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse"], condition=Q(state__in=OPEN_STATES), name="stock_count_one_open_per_warehouse"
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("parts:count_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @transition(field=state, source=State.COUNTING, target=State.SUBMITTED, permission=can_keep)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.APPROVED, permission=can_approve)
    def approve(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.COUNTING, permission=can_approve)
    def send_back(self):
        pass

    @transition(field=state, source=State.APPROVED, target=State.POSTED, permission=can_keep)
    def post(self):
        pass

    @transition(field=state, source=list(OPEN_STATES), target=State.CANCELLED, permission=can_keep)
    def cancel(self):
        pass


class StockCountLine(models.Model):
    """One part on a count sheet: the system quantity when the count started and what was counted."""

    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines", verbose_name=_("count"))
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+", verbose_name=_("part"))
    bin_location = models.CharField(_("bin location"), max_length=30, blank=True)
    snapshot = models.IntegerField(_("system quantity"))
    counted = models.PositiveIntegerField(_("counted quantity"), null=True, blank=True)
    reason = models.CharField(_("reason for the variance"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("count line")
        verbose_name_plural = _("count lines")
        ordering = ["count", "bin_location", "part__code"]
        constraints = [
            models.UniqueConstraint(fields=["count", "part"], name="stock_count_line_once"),
            models.CheckConstraint(condition=Q(snapshot__gte=0), name="stock_count_snapshot_not_negative"),
        ]

    def __str__(self):
        return f"{self.count.number} {self.part.code}"

    @property
    def variance(self):
        return None if self.counted is None else self.counted - self.snapshot


class StockCountEvent(TimelineEvent):
    class Action(models.TextChoices):
        STARTED = "started", _("Started")
        COUNTED = "counted", _("Counted quantities entered")
        IMPORTED = "imported", _("Counted quantities imported")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        SENT_BACK = "sent_back", _("Sent back")
        POSTED = "posted", _("Posted")
        CANCELLED = "cancelled", _("Cancelled")

    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="events", verbose_name=_("count"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("count event")
        verbose_name_plural = _("count events")
