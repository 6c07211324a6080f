"""Complaint tickets (顾客投诉 / 顾客意见处理单) and their service clock."""

import functools
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMFieldMixin, transition

from aftersales import roles
from aftersales.models import StoredFile, TimelineEvent
from aftersales.storage import private_storage
from aftersales.waiting import Owed, related
from customers.models import Contact, Customer, Delivery, ProductModel

from .. import rules
from ..managers import ComplaintQuerySet


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")
    MAJOR = "major", _("Major")


class SlaPolicy(models.Model):
    """Service levels for one severity: 24 h first response and 48 h resolution by default."""

    class Mode(models.TextChoices):
        CALENDAR = "calendar", _("Calendar hours")
        WORKING = "working", _("Working time on the company calendar")

    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, unique=True)
    first_response_hours = models.PositiveSmallIntegerField(_("first response within (hours)"), default=24)
    resolution_hours = models.PositiveSmallIntegerField(_("resolution within (hours)"), default=48)
    mode = models.CharField(_("clock"), max_length=10, choices=Mode.choices, default=Mode.CALENDAR)
    workday_start = models.TimeField(_("working day starts"), default="08:30")
    workday_end = models.TimeField(_("working day ends"), default="17:30")
    at_risk_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("at risk after (% of time used)"),
        default=75,
    )

    class Meta:
        verbose_name = _("service-level policy")
        verbose_name_plural = _("service-level policies")
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(condition=Q(first_response_hours__gt=0), name="sla_response_hours_positive"),
            models.CheckConstraint(condition=Q(resolution_hours__gt=0), name="sla_resolution_hours_positive"),
            models.CheckConstraint(
                condition=Q(at_risk_percent__gt=0) & Q(at_risk_percent__lt=100), name="sla_at_risk_percent_range"
            ),
            models.CheckConstraint(condition=Q(workday_end__gt=models.F("workday_start")), name="sla_workday_order"),
        ]

    def __str__(self):
        return f"{self.get_severity_display()}: {self.first_response_hours} h / {self.resolution_hours} h"


# The stages of an open complaint. Complaint.OPEN_STATES is built from these; Complaint.Meta
# needs them by value for the sweeper's partial indexes, before the class (and State) exists.
OPEN_STATE_VALUES = ("received", "analysing", "awaiting_approval", "rectifying")
# The step of a company-caused complaint that the quality app describes (complaints.waiting).
QUALITY_APPROVAL = "quality_approval"
# The step the quality app names when such a complaint has no sheet yet.
RAISE_SHEET = "raise_sheet"


@functools.cache
def fsm_fields(model) -> tuple:
    """The state-machine fields of ``model``, found once.

    ``ConcurrentTransitionMixin`` looks them up by filtering every field of the model each
    time an instance is built (to remember the state it was read in): a 50-row list did it
    fifty times over some sixty fields.
    """
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))


# A complaint on a unit the same customer complained about this recently is a repeat complaint.
REPEAT_WINDOW = timedelta(days=90)


class Complaint(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        ANALYSING = "analysing", _("Analysing")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        RECTIFYING = "rectifying", _("Rectifying")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        ONLINE = "online", _("Online form")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Visit")

    class Category(models.TextChoices):
        QUALITY = "quality", _("Product quality")
        FUNCTION = "function", _("Function or performance")
        DELIVERY = "delivery", _("Delivery or transport")
        INSTALLATION = "installation", _("Installation or commissioning")
        SERVICE = "service", _("Service attitude or timeliness")
        DOCUMENTS = "documents", _("Documents or certificates")
        OTHER = "other", _("Other")

    class Responsibility(models.TextChoices):
        UNDETERMINED = "undetermined", _("Undetermined")
        CUSTOMER = "customer", _("Customer-caused")
        COMPANY = "company", _("Company-caused")

    class Disposal(models.TextChoices):
        REPAIR = "repair", _("Repair")
        REPLACE = "replace", _("Replace")
        RETURN = "return", _("Return")
        REFUND = "refund", _("Refund")
        GUIDANCE = "guidance", _("Technical guidance")

    class Warranty(models.TextChoices):
        UNKNOWN = "unknown", _("Unknown")
        IN = "in", _("In warranty")
        OUT = "out", _("Out of warranty")

    OPEN_STATES = tuple(map(State, OPEN_STATE_VALUES))

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    state = FSMField(_("state"), max_length=20, choices=State.choices, default=State.RECEIVED, protected=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.PHONE)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("customer")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact")
    )
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("delivered unit"),
    )
    product_model = models.ForeignKey(
        ProductModel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("product model")
    )
    batch_number = models.CharField(_("batch number"), max_length=50, blank=True, db_index=True)
    serial_number = models.CharField(_("serial number"), max_length=50, blank=True, db_index=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.QUALITY)
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_complaints",
        verbose_name=_("assignee"),
    )

    responsibility = models.CharField(
        _("responsibility"), max_length=15, choices=Responsibility.choices, default=Responsibility.UNDETERMINED
    )
    responsibility_reason = models.TextField(_("reasoning"), blank=True)
    disposal = models.CharField(_("disposal"), max_length=10, choices=Disposal.choices, blank=True)
    disposal_plan = models.TextField(_("disposal plan"), blank=True)
    warranty_status = models.CharField(_("warranty"), max_length=10, choices=Warranty.choices, default=Warranty.UNKNOWN)

    # Approval signatures. A company-caused complaint is approved through its quality
    # information sheet, which stamps quality_approved_at.
    manager_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by (manager)"),
    )
    manager_approved_at = models.DateTimeField(_("manager approved at"), null=True, blank=True)
    gm_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by (general manager)"),
    )
    gm_approved_at = models.DateTimeField(_("general manager approved at"), null=True, blank=True)
    quality_approved_at = models.DateTimeField(_("quality sheet approved at"), null=True, blank=True)

    # Closing: the customer's acceptance (服务验收) and the reply stating handling and result.
    acceptance_name = models.CharField(_("accepted by (customer)"), max_length=50, blank=True)
    acceptance_date = models.DateField(_("acceptance date"), null=True, blank=True)
    acceptance_remarks = models.TextField(_("acceptance remarks"), blank=True)
    reply_to_customer = models.TextField(_("reply to the customer"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    # The latest complaint of the same customer on the same unit (serial number) received in the
    # REPEAT_WINDOW before this one and not cancelled, found when this one is received.
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="repeats",
        verbose_name=_("repeat of"),
    )
    # Working time from receipt to closing, less the working time it stood paused for the
    # customer; set when the complaint closes, cleared when it reopens (the scorecards average it).
    # A complaint closed after its resolution deadline says why (asked of its handler at closing;
    # the after-sales manager may correct it). The monthly report lists these reasons.
    overdue_reason = models.TextField(_("reason for being overdue"), blank=True)
    overdue_reason_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overdue reason given by"),
    )
    overdue_reason_at = models.DateTimeField(_("overdue reason given at"), null=True, blank=True)
    resolution_working_minutes = models.PositiveIntegerField(
        _("resolution time (working minutes)"), null=True, blank=True, editable=False
    )

    # Service clock. Deadlines and the at-risk points are columns so the sweeper finds
    # due rows with an index; paused time moves them later.
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_risk_at = models.DateTimeField(null=True, blank=True, editable=False)
    first_responded_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_risk_at = models.DateTimeField(null=True, blank=True, editable=False)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    pause_reason = models.CharField(_("reason for pausing"), max_length=200, blank=True)
    paused_total = models.DurationField(_("total paused time"), default=timedelta(0))
    promised_timetable = models.TextField(_("timetable promised to the customer"), blank=True)
    promised_resolution_date = models.DateField(_("promised resolution date"), null=True, blank=True)
    # When the sweeper last claimed each alert (the claim itself is a ServiceLevelAlert row).
    # In no index, so writing them is a HOT update that leaves the complaint's indexes alone.
    response_risk_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    response_breach_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_risk_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_breach_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("view_all_complaints", _("Can see every complaint, not only their customers'")),
            ("handle_complaint", _("Can receive, analyse and rectify complaints")),
            ("approve_complaint", _("Can approve a complaint's disposal")),
            ("approve_major_complaint", _("Can approve a major complaint (general manager)")),
            ("cancel_complaint", _("Can cancel a complaint")),
            ("close_complaint", _("Can close a complaint with the customer's acceptance")),
            ("export_complaint", _("Can export complaints")),
        ]
        indexes = [
            # The list's sort key ends in the id, so keyset pages read straight off the index
            # (``received_at < x OR (received_at = x AND id < y)``) with no sort on top.
            models.Index(fields=["state", "-received_at", "-id"], name="complaint_state_received_id"),
            models.Index(fields=["assignee", "state"], name="complaint_assignee_state"),
            models.Index(fields=["customer", "-received_at", "-id"], name="complaint_customer_recv_id"),
            models.Index(fields=["severity", "-received_at", "-id"], name="complaint_severity_recv_id"),
            models.Index(fields=["-received_at", "-id"], name="complaint_received_id"),
            # The scorecards count complaints received and closed in a month or quarter: the team's
            # by date, one person's (their card and its trend) by assignee and date.
            models.Index(fields=["closed_at"], name="complaint_closed_at", condition=Q(closed_at__isnull=False)),
            models.Index(fields=["assignee", "received_at"], name="complaint_assignee_received"),
            models.Index(
                fields=["assignee", "closed_at"], name="complaint_assignee_closed", condition=Q(closed_at__isnull=False)
            ),
            # Queues read in their own order, so a page of them costs the same however long the
            # queue is: my work by resolution deadline, the company-caused complaints the quality
            # workbench offers to raise a sheet for (oldest first) and those a manager follows
            # while the quality department acts (by deadline).
            models.Index(
                fields=["resolution_due_at", "id"],
                name="complaint_open_resolution_due",
                condition=Q(state__in=OPEN_STATE_VALUES),
            ),
            # The counts of my work: an open complaint by its resolution deadline, carrying every
            # column the queue and its counts test, so each count reads the index alone (up to
            # its cap) and "at risk" (not yet due) only the few complaints not yet due.
            models.Index(
                fields=["resolution_due_at"],
                name="complaint_open_due_counts",
                include=[
                    "state",
                    "assignee",
                    "responsibility",
                    "severity",
                    "manager_approved_at",
                    "gm_approved_at",
                    "first_responded_at",
                    "first_response_due_at",
                    "first_response_risk_at",
                    "resolution_risk_at",
                    "paused_since",
                ],
                condition=Q(state__in=OPEN_STATE_VALUES),
            ),
            # The complaints awaiting a signature on the customer's side, with what the queue
            # and the signers' counts test: "awaiting my signature" reads this index alone.
            models.Index(
                fields=["manager_approved_at"],
                name="complaint_awaiting_signature",
                include=["state", "assignee", "responsibility", "severity", "gm_approved_at", "paused_since"],
                condition=Q(state="awaiting_approval", responsibility="customer"),
            ),
            models.Index(
                fields=["received_at", "id"],
                name="complaint_company_open_recv",
                condition=Q(state__in=OPEN_STATE_VALUES, responsibility="company"),
            ),
            models.Index(
                fields=["resolution_due_at", "id"],
                name="complaint_company_approval_due",
                condition=Q(state="awaiting_approval", responsibility="company"),
            ),
            # The sweeper's partial indexes: open, running clocks by deadline. The alert flags are
            # not in them (a claim must not touch the complaint's indexes); the sweeper reads only
            # the deadlines past its watermark. The state belongs in the condition: a complaint
            # cancelled before its deadlines would otherwise stay in these indexes for ever.
            models.Index(
                fields=["first_response_risk_at"],
                name="complaint_response_risk_run",
                condition=Q(state__in=OPEN_STATE_VALUES, first_responded_at__isnull=True, paused_since__isnull=True),
            ),
            models.Index(
                fields=["first_response_due_at"],
                name="complaint_response_due_run",
                condition=Q(state__in=OPEN_STATE_VALUES, first_responded_at__isnull=True, paused_since__isnull=True),
            ),
            models.Index(
                fields=["resolution_risk_at"],
                name="complaint_resolution_risk_run",
                condition=Q(state__in=OPEN_STATE_VALUES, closed_at__isnull=True, paused_since__isnull=True),
            ),
            models.Index(
                fields=["resolution_due_at"],
                name="complaint_resolution_due_run",
                condition=Q(state__in=OPEN_STATE_VALUES, closed_at__isnull=True, paused_since__isnull=True),
            ),
            # Running clocks changed lately (created back-dated, reopened, resumed): the sweeper
            # looks here for deadlines that were already past when the change was saved.
            models.Index(
                fields=["updated_at"],
                name="complaint_changed_run",
                condition=Q(state__in=OPEN_STATE_VALUES, paused_since__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("complaints:detail", args=[self.number])

    @property
    def state_fields(self):
        """The state-machine fields, for ConcurrentTransitionMixin (see :func:`fsm_fields`)."""
        return fsm_fields(type(self))

    # --- per-row values -------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def needs_gm_approval(self) -> bool:
        return self.severity == Severity.MAJOR

    def approvals_complete(self) -> bool:
        """Return whether every signature the disposal needs is present."""
        if self.responsibility == self.Responsibility.COMPANY:
            return self.quality_approved_at is not None
        if self.responsibility != self.Responsibility.CUSTOMER:
            return False
        if self.manager_approved_at is None:
            return False
        return not self.needs_gm_approval or self.gm_approved_at is not None

    def waiting_on(self) -> list[Owed]:
        """Return what the complaint waits for now and on whom (empty once closed or cancelled).

        A company-caused complaint waits in the quality chain; ``complaints.waiting`` asks the
        quality app which step of its sheet that is. Reads only this row and its foreign keys' ids.
        """
        if not self.is_open:
            return []
        owed = []
        salesperson = (related(self.customer, "salesperson"),) if self.customer.salesperson_id else ()
        if self.first_responded_at is None and salesperson:
            owed.append(Owed(gettext("give the customer the first response"), roles.SALES, salesperson))
        owed += self._stage_waiting_on(salesperson)
        return owed

    def _stage_waiting_on(self, salesperson: tuple) -> list[Owed]:
        S = self.State
        handler = (self.assignee,) if self.assignee_id else ()
        if self.state in (S.RECEIVED, S.ANALYSING) and not handler:
            return [Owed(gettext("assign an after-sales engineer"), roles.AFTERSALES_MANAGER)]
        if self.state == S.RECEIVED:
            return [Owed(gettext("start the analysis"), people=handler)]
        if self.state == S.ANALYSING:
            return [Owed(gettext("record the analysis and submit it for approval"), people=handler)]
        if self.state == S.AWAITING_APPROVAL and self.responsibility == self.Responsibility.COMPANY:
            return [
                Owed(
                    gettext("approve the disposal through the quality information sheet"),
                    roles.QUALITY_LEADER,
                    code=QUALITY_APPROVAL,
                )
            ]
        if self.state == S.AWAITING_APPROVAL:
            owed = []
            if self.manager_approved_at is None:
                owed.append(Owed(gettext("sign the approval of the disposal"), roles.AFTERSALES_MANAGER))
            if self.needs_gm_approval and self.gm_approved_at is None:
                owed.append(Owed(gettext("sign the approval of the disposal"), roles.GENERAL_MANAGER))
            return owed
        # Rectifying: the handler carries out the disposal; sales close it with the customer.
        owed = [
            Owed(gettext("carry out the approved disposal"), people=handler)
            if handler
            else Owed(gettext("assign an after-sales engineer"), roles.AFTERSALES_MANAGER)
        ]
        if salesperson:
            owed.append(
                Owed(gettext("close it with the customer's acceptance and the reply"), roles.SALES, salesperson)
            )
        return owed

    def response_status(self, now=None) -> str:
        if self.state == self.State.CANCELLED and self.first_responded_at is None:
            return SlaStatus.NONE
        return _clock_status(
            self.first_responded_at, self.first_response_due_at, self.first_response_risk_at, self.paused_since, now
        )

    def resolution_status(self, now=None) -> str:
        if self.state == self.State.CANCELLED:
            return SlaStatus.NONE
        return _clock_status(self.closed_at, self.resolution_due_at, self.resolution_risk_at, self.paused_since, now)

    def sla_status(self, now=None) -> str:
        """Return the worse of the two clocks, for lists."""
        return worse_status(self.response_status(now), self.resolution_status(now))

    def time_left(self, now=None) -> timedelta | None:
        """Return the time left before the next unmet deadline (negative when overdue)."""
        if not self.is_open:
            return None
        now = now or timezone.now()
        if self.paused_since:
            now = self.paused_since
        if self.first_responded_at is None and self.first_response_due_at:
            return self.first_response_due_at - now
        if self.closed_at is None and self.resolution_due_at:
            return self.resolution_due_at - now
        return None

    # --- transitions: declare the move only; services do the rest ---------------

    @transition(field=state, source=State.RECEIVED, target=State.ANALYSING, permission=rules.can_handle)
    def start_analysis(self):
        pass

    @transition(
        field=state,
        source=State.ANALYSING,
        target=State.AWAITING_APPROVAL,
        permission=rules.can_handle,
        conditions=[rules.analysis_complete],
    )
    def submit_for_approval(self):
        pass

    @transition(
        field=state,
        source=State.AWAITING_APPROVAL,
        target=State.RECTIFYING,
        permission=rules.can_sign_approval,
        conditions=[rules.approvals_complete],
    )
    def approve(self):
        pass

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.ANALYSING, permission=rules.can_send_back)
    def send_back(self):
        self.manager_approved_by = self.manager_approved_at = None
        self.gm_approved_by = self.gm_approved_at = None

    @transition(
        field=state,
        source=State.RECTIFYING,
        target=State.CLOSED,
        permission=rules.can_close,
        conditions=[rules.acceptance_recorded],
    )
    def close(self):
        self.closed_at = timezone.now()
        # The closing reply answers the customer when no first response was logged before.
        if self.first_responded_at is None:
            self.first_responded_at = self.closed_at

    @transition(
        field=state,
        source=[State.RECEIVED, State.ANALYSING, State.AWAITING_APPROVAL],
        target=State.CANCELLED,
        permission=rules.can_cancel,
    )
    def cancel(self):
        pass

    @transition(field=state, source=State.CLOSED, target=State.ANALYSING, permission=rules.can_reopen)
    def reopen(self):
        self.closed_at = None
        self.reopen_count += 1
        self.manager_approved_by = self.manager_approved_at = None
        self.gm_approved_by = self.gm_approved_at = None
        self.quality_approved_at = None  # a new disposal needs a new quality sheet approval
        self.acceptance_name, self.acceptance_date, self.acceptance_remarks = "", None, ""


class SlaStatus:
    NONE = "none"
    MET = "met"
    RUNNING = "running"
    PAUSED = "paused"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    LABELS = {
        NONE: _("—"),
        MET: _("Met"),
        RUNNING: _("On track"),
        PAUSED: _("Paused"),
        AT_RISK: _("At risk"),
        BREACHED: _("Breached"),
    }
    COLOURS = {
        NONE: "secondary",
        MET: "success",
        RUNNING: "primary",
        PAUSED: "secondary",
        AT_RISK: "warning",
        BREACHED: "danger",
    }


# Worst first: a list shows the worse of a complaint's two clocks.
SLA_ORDER = [
    SlaStatus.BREACHED,
    SlaStatus.AT_RISK,
    SlaStatus.PAUSED,
    SlaStatus.RUNNING,
    SlaStatus.MET,
    SlaStatus.NONE,
]


def worse_status(*statuses: str) -> str:
    """Return the worst of the service-level statuses (a list shows the worse of two clocks)."""
    return min(statuses, key=SLA_ORDER.index)


def _clock_status(done_at, due_at, risk_at, paused_since, now=None) -> str:
    if due_at is None:
        return SlaStatus.NONE
    if done_at is not None:
        return SlaStatus.MET if done_at <= due_at else SlaStatus.BREACHED
    now = now or timezone.now()
    if paused_since is not None:
        return SlaStatus.BREACHED if paused_since > due_at else SlaStatus.PAUSED
    if now > due_at:
        return SlaStatus.BREACHED
    if risk_at is not None and now >= risk_at:
        return SlaStatus.AT_RISK
    return SlaStatus.RUNNING


def attachment_path(instance, filename):
    return f"complaints/{instance.complaint.number}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class Attachment(StoredFile):
    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("complaint")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, storage=private_storage, max_length=300)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]


class ComplaintEvent(TimelineEvent):
    """One line of a complaint's timeline: who did what, when, and why."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("Received")
        ASSIGNED = "assigned", _("Assigned")
        RESPONDED = "responded", _("First response to the customer")
        TRANSITION = "transition", _("Stage changed")
        APPROVAL = "approval", _("Approval signed")
        PAUSED = "paused", _("Clock paused")
        RESUMED = "resumed", _("Clock resumed")
        TIMETABLE = "timetable", _("Timetable promised")
        UPDATED = "updated", _("Details updated")
        ATTACHMENT = "attachment", _("File attached")
        VISIT = "visit", _("Service visit")
        RETURN = "return", _("Return")
        FOLLOW_UP = "follow_up", _("Follow-up call")
        ALERT = "alert", _("Service-level alert")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=Complaint.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=Complaint.State.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        indexes = [models.Index(fields=["complaint", "at"], name="complaint_event_time")]

    def __str__(self):
        return f"{self.complaint_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def note_display(self) -> str:
        if self.action == self.Action.ALERT:
            return str(ALERT_LABELS.get(self.note, self.note))
        return self.note


ALERT_LABELS = {
    "response_at_risk": _("First response at risk"),
    "response_breached": _("First response deadline missed"),
    "resolution_at_risk": _("Resolution at risk"),
    "resolution_breached": _("Resolution deadline missed"),
}


class ServiceLevelAlert(models.Model):
    """One alert claimed by the sweeper: a complaint's deadline of one kind, announced once.

    The unique key is the claim: of two sweepers, or a rerun, only the one whose insert
    lands sends the alert. It names the deadline, so a deadline moved later is a new alert.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("alert"), max_length=20, choices=list(ALERT_LABELS.items()))
    deadline = models.DateTimeField(_("deadline"))
    claimed_at = models.DateTimeField(_("claimed at"))

    class Meta:
        verbose_name = _("service-level alert")
        verbose_name_plural = _("service-level alerts")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "kind", "deadline"], name="sla_alert_once_per_deadline"),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.kind} {self.deadline:%Y-%m-%d %H:%M}"


class ServiceLevelSweep(models.Model):
    """How far the sweeper has gone for one kind of alert: every deadline up to ``swept_to`` is claimed."""

    kind = models.CharField(max_length=20, primary_key=True)
    swept_to = models.DateTimeField()

    def __str__(self):
        return f"{self.kind} {self.swept_to:%Y-%m-%d %H:%M:%S}"


class PausePeriod(models.Model):
    """A stretch of time the clock stood still while waiting for the customer."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} – {self.ended_at or ''}"
