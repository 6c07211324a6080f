"""The market quality information sheet (市场质量信息单): a non-conformance record."""

from dataclasses import replace

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales import roles
from aftersales.models import StoredFile, TimelineEvent
from aftersales.storage import private_storage
from aftersales.waiting import Owed, related
from complaints.models import Complaint, Severity
from customers.models import Customer, ProductModel

from .. import rules
from ..managers import QualitySheetQuerySet


class RootCause(models.TextChoices):
    DESIGN = "design", _("Design defect")
    PRODUCTION = "production", _("Production quality")
    TRANSPORT = "transport", _("Transport damage")
    INSTALLATION = "installation", _("Installation")
    USE = "use", _("Use and maintenance")
    SUPPLIER = "supplier", _("Supplier")
    OTHER = "other", _("Other")


class QualitySheet(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        INVESTIGATING = "investigating", _("Investigating")
        UNDER_REVIEW = "under_review", _("Under review")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        DISTRIBUTED = "distributed", _("Distributed")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    class Source(models.TextChoices):
        COMPLAINT = "complaint", _("Customer complaint")
        FIELD = "field", _("Field data")

    OPEN_STATES = (
        State.DRAFT,
        State.INVESTIGATING,
        State.UNDER_REVIEW,
        State.AWAITING_APPROVAL,
        State.DISTRIBUTED,
        State.IN_PROGRESS,
    )

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    state = FSMField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, protected=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.COMPLAINT)
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.GENERAL)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quality_sheets",
        verbose_name=_("customer"),
    )
    product_model = models.ForeignKey(
        ProductModel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("product model")
    )
    batch_number = models.CharField(_("batch number"), max_length=50, blank=True, db_index=True)
    serial_number = models.CharField(_("serial number"), max_length=50, blank=True, db_index=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)

    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investigated_sheets",
        verbose_name=_("investigator"),
    )
    investigation_due = models.DateField(_("investigation due"), null=True, blank=True)
    root_cause = models.CharField(_("root-cause category"), max_length=15, choices=RootCause.choices, blank=True)
    analysis = models.TextField(_("root cause"), blank=True)
    five_whys = models.JSONField(_("five whys"), default=list, blank=True)
    fishbone = models.TextField(
        _("fishbone notes"), blank=True, help_text=_("Man, machine, material, method, measurement, environment.")
    )
    containment = models.TextField(_("containment actions"), blank=True)
    proposed_disposal = models.TextField(_("proposed disposal"), blank=True)
    scope_note = models.TextField(
        _("scope"), blank=True, help_text=_("Batches, serial numbers and customers that may be affected.")
    )

    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    gm_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by (general manager)"),
    )
    gm_approved_at = models.DateTimeField(_("general manager approved at"), null=True, blank=True)
    distributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("distributed by"),
    )
    distributed_at = models.DateTimeField(_("distributed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.TextField(
        _("outcome for the customer"), blank=True, help_text=_("What the sales department tells the customer.")
    )
    customer_informed_at = models.DateTimeField(_("customer informed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    complaints = models.ManyToManyField(
        Complaint, through="SheetComplaint", related_name="quality_sheets", verbose_name=_("complaints")
    )

    objects = QualitySheetQuerySet.as_manager()

    class Meta:
        verbose_name = _("quality information sheet")
        verbose_name_plural = _("quality information sheets")
        ordering = ["-raised_at", "-id"]
        permissions = [
            ("raise_qualitysheet", _("Can raise a quality information sheet")),
            ("lead_qualitysheet", _("Can assign, review and assess quality sheets (quality group leader)")),
            ("approve_qualitysheet", _("Can approve a quality sheet (quality deputy leader)")),
            ("approve_major_qualitysheet", _("Can approve a major quality sheet (general manager)")),
            ("distribute_qualitysheet", _("Can distribute an approved quality sheet (quality clerk)")),
            ("export_qualitysheet", _("Can export quality sheets and 8D reports")),
        ]
        indexes = [
            models.Index(fields=["state", "-raised_at", "-id"], name="sheet_state_raised_id"),
            models.Index(fields=["-raised_at", "-id"], name="sheet_raised_id"),
            models.Index(fields=["investigator", "state"], name="sheet_investigator_state"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("quality:sheet_detail", args=[self.number])

    @property
    def is_major(self) -> bool:
        return self.severity == Severity.MAJOR

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED

    def approvals_complete(self) -> bool:
        return self.approved_at is not None and (not self.is_major or self.gm_approved_at is not None)

    def blockers(self) -> list[str]:
        """Return why the sheet cannot close yet (empty when it can)."""
        reasons = []
        if self.tasks.filter(done_at__isnull=True).exists():
            reasons.append(_("a department task is not done"))
        if not self.assessments.exists():
            reasons.append(_("the responsibility assessment is not recorded"))
        actions = self.capa_actions.exclude(state="cancelled")
        if not actions.exists():
            reasons.append(_("no corrective action is linked"))
        elif actions.exclude(state="closed").exists():
            reasons.append(_("a corrective or preventive action is not verified effective"))
        return [str(r) for r in reasons]

    def waiting_on(self) -> list[Owed]:
        """Return what the sheet waits for now and on whom, from its tasks, assessments and actions.

        Those rows are read through ``tasks``, ``assessments`` and ``capa_actions``: prefetch
        them for a list.
        """
        S = self.State
        if self.state == S.DRAFT or (self.state == S.INVESTIGATING and not self.investigator_id):
            return [Owed(gettext("assign an investigator"), roles.QUALITY_LEADER)]
        if self.state == S.INVESTIGATING:
            step = gettext("record the root cause and submit the analysis")
            return [Owed(step, people=(related(self, "investigator"),))]
        if self.state == S.UNDER_REVIEW:
            return [Owed(gettext("review the analysis"), roles.QUALITY_LEADER)]
        if self.state == S.AWAITING_APPROVAL:
            return self._approval_waiting_on()
        if self.state == S.CLOSED:
            if self.customer_informed_at is not None:
                return []
            teller = self.customer.salesperson_id if self.customer_id and self.customer.salesperson_id else None
            return [Owed(gettext("tell the customer the outcome"), roles.SALES, (teller or self.raised_by_id,))]
        return self._work_waiting_on()

    def _approval_waiting_on(self) -> list[Owed]:
        owed = []
        if self.approved_at is None:
            owed.append(Owed(gettext("sign the approval"), roles.QUALITY_DEPUTY))
        if self.is_major and self.gm_approved_at is None:
            owed.append(Owed(gettext("sign the approval of a major problem"), roles.GENERAL_MANAGER))
        return owed or [Owed(gettext("distribute the sheet to the responsible departments"), roles.QUALITY_CLERK)]

    def _work_waiting_on(self) -> list[Owed]:
        owed = [item for task in self.tasks.all() for item in task.waiting_on()]
        if not self.assessments.all():
            owed.append(Owed(gettext("record the responsibility assessment"), roles.QUALITY_LEADER))
        actions = [a for a in self.capa_actions.all() if a.state != "cancelled"]
        if not actions:
            owed.append(Owed(gettext("open a corrective action"), roles.QUALITY_LEADER))
        for action in actions:
            owed += [replace(item, record=action.number) for item in action.waiting_on()]
        return owed or [Owed(gettext("close the sheet"), roles.QUALITY_LEADER)]

    # --- transitions ----------------------------------------------------------

    @transition(field=state, source=State.DRAFT, target=State.INVESTIGATING, permission=rules.is_leader)
    def assign(self):
        pass

    @transition(
        field=state,
        source=State.INVESTIGATING,
        target=State.UNDER_REVIEW,
        permission=rules.is_investigator,
        conditions=[rules.analysis_complete],
    )
    def submit_analysis(self):
        pass

    @transition(field=state, source=State.UNDER_REVIEW, target=State.AWAITING_APPROVAL, permission=rules.is_leader)
    def review(self):
        self.reviewed_at = timezone.now()

    @transition(field=state, source=State.UNDER_REVIEW, target=State.INVESTIGATING, permission=rules.is_leader)
    def send_back_from_review(self):
        self.reviewed_by, self.reviewed_at = None, None

    @transition(field=state, source=State.AWAITING_APPROVAL, target=State.INVESTIGATING, permission=rules.can_sign)
    def send_back_from_approval(self):
        self.reviewed_by = self.reviewed_at = None
        self.approved_by = self.approved_at = None
        self.gm_approved_by = self.gm_approved_at = None

    @transition(
        field=state,
        source=State.AWAITING_APPROVAL,
        target=State.DISTRIBUTED,
        permission=rules.is_clerk,
        conditions=[rules.approvals_complete],
    )
    def distribute(self):
        self.distributed_at = timezone.now()

    @transition(field=state, source=State.DISTRIBUTED, target=State.IN_PROGRESS)
    def start_work(self):
        pass

    @transition(
        field=state,
        source=[State.DISTRIBUTED, State.IN_PROGRESS],
        target=State.CLOSED,
        permission=rules.is_leader,
        conditions=[rules.can_close_sheet],
    )
    def close(self):
        self.closed_at = timezone.now()


class SheetComplaint(models.Model):
    """Links a complaint to its sheet; one sheet may answer several complaints of one problem."""

    sheet = models.ForeignKey(QualitySheet, on_delete=models.CASCADE, related_name="complaint_links")
    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, related_name="quality_link", verbose_name=_("complaint")
    )
    linked_at = models.DateTimeField(auto_now_add=True)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("linked complaint")
        verbose_name_plural = _("linked complaints")

    def __str__(self):
        return f"{self.sheet_id} ↔ {self.complaint_id}"


def sheet_file_path(instance, filename):
    return f"quality/{instance.sheet.number}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class SheetFile(StoredFile):
    """Evidence: photos, test reports, copies of the complaint's attachments."""

    sheet = models.ForeignKey(QualitySheet, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=sheet_file_path, storage=private_storage, max_length=300)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "id"]


class DepartmentTask(models.Model):
    """What one responsible department must do for a distributed sheet."""

    sheet = models.ForeignKey(
        QualitySheet, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("quality sheet")
    )
    department = models.CharField(_("department"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quality_tasks", verbose_name=_("owner")
    )
    requirement = models.TextField(_("what is required"))
    due_date = models.DateField(_("due date"))
    acknowledged_at = models.DateTimeField(_("received at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    last_chased_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("department task")
        verbose_name_plural = _("department tasks")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["due_date"], condition=Q(done_at__isnull=True), name="task_open_due")]

    def __str__(self):
        return f"{self.department}: {self.requirement[:30]}"

    def is_overdue(self, today=None) -> bool:
        return self.done_at is None and self.due_date < (today or timezone.localdate())

    def waiting_on(self) -> list[Owed]:
        """Return what the task waits for: its owner, until it is done."""
        if self.done_at is not None:
            return []
        step = gettext("carry out the task of %(department)s by %(date)s: %(requirement)s") % {
            "department": self.department,
            "date": f"{self.due_date:%Y-%m-%d}",
            "requirement": self.requirement if len(self.requirement) <= 60 else self.requirement[:59] + "…",
        }
        return [Owed(step, people=(related(self, "owner"),))]


class Assessment(models.Model):
    """Responsibility assessment (考核) under the staff reward-and-penalty rules."""

    class Kind(models.TextChoices):
        POINTS = "points", _("Points")
        AMOUNT = "amount", _("Amount (CNY)")

    sheet = models.ForeignKey(
        QualitySheet, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("quality sheet")
    )
    department = models.CharField(_("responsible department"), max_length=100)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    person_name = models.CharField(_("responsible person (name)"), max_length=50, blank=True)
    kind = models.CharField(_("assessed in"), max_length=10, choices=Kind.choices, default=Kind.POINTS)
    value = models.DecimalField(_("points or amount"), max_digits=10, decimal_places=2)
    remarks = models.TextField(_("remarks"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("responsibility assessment")
        verbose_name_plural = _("responsibility assessments")
        ordering = ["recorded_at"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="assessment_value_not_negative")]

    def __str__(self):
        return f"{self.department} {self.value}"


class SheetEvent(TimelineEvent):
    class Action(models.TextChoices):
        RAISED = "raised", _("Raised")
        TRANSITION = "transition", _("Stage changed")
        ASSIGNED = "assigned", _("Investigator assigned")
        ANALYSIS = "analysis", _("Analysis recorded")
        APPROVAL = "approval", _("Approval signed")
        TASK = "task", _("Department task")
        ASSESSMENT = "assessment", _("Assessment recorded")
        CAPA = "capa", _("Corrective action")
        FILE = "file", _("Evidence attached")
        COMPLAINT = "complaint", _("Complaint linked")
        OUTCOME = "outcome", _("Outcome for the customer")

    sheet = models.ForeignKey(QualitySheet, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=20, choices=QualitySheet.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=QualitySheet.State.choices, blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("quality sheet event")
        verbose_name_plural = _("quality sheet events")
        indexes = [models.Index(fields=["sheet", "at"], name="sheet_event_time")]

    def __str__(self):
        return f"{self.sheet_id} {self.action}"
