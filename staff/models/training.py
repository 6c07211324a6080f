"""Training (培训): the annual plan, its sessions, who attended and how they did in the exam."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import StoredFile, TimelineEvent
from aftersales.storage import private_storage


class Topic(models.TextChoices):
    """The training contents the after-sales rules name (seed 002, 第十八条)."""

    PRODUCT = "product", _("Products and service knowledge")
    PROCESS = "process", _("After-sales process and standards")
    COMMUNICATION = "communication", _("Customer communication")
    TECHNICAL = "technical", _("Technical support and troubleshooting")
    ASSESSMENT = "assessment", _("Assessment, rewards and penalties")
    QUALITY = "quality", _("Quality system")
    SAFETY = "safety", _("Safety")
    OTHER = "other", _("Other")


class TrainingPlan(models.Model):
    """The year's training plan (年度培训计划)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training plan")
        verbose_name_plural = _("training plans")
        ordering = ["-year"]
        permissions = [("manage_training", _("Can plan training, hold sessions and record attendance and exams"))]

    def __str__(self):
        return f"{self.year} {self.title}"


class TrainingPlanItem(models.Model):
    """A course planned for a month of the year, with its audience and hours."""

    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("course"), max_length=200)
    month = models.PositiveSmallIntegerField(_("planned month"), choices=[(m, str(m)) for m in range(1, 13)])
    planned_hours = models.DecimalField(_("planned hours"), max_digits=4, decimal_places=1)
    audience = models.CharField(_("audience"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("planned course")
        verbose_name_plural = _("planned courses")
        ordering = ["plan", "month", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_hours__gt=0), name="plan_item_hours_positive"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="plan_item_month_1_12"),
        ]

    def __str__(self):
        return self.title


class TrainingSession(ConcurrentTransitionMixin, models.Model):
    """One training held (or to be held): topic, trainer, time, hours, attendees, materials and exam."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.SCHEDULED, protected=True)
    plan_item = models.ForeignKey(
        TrainingPlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("planned course"),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=200)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trainer"),
    )
    trainer_name = models.CharField(
        _("trainer (external)"), max_length=100, blank=True, help_text=_("For a trainer from outside the company.")
    )
    starts_at = models.DateTimeField(_("starts at"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("contents"), blank=True)
    has_exam = models.BooleanField(_("with an exam"), default=True)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), default=60)
    held_note = models.TextField(_("summary of the session"), blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["-starts_at", "-id"], name="training_session_start_id"),
            models.Index(fields=["state", "starts_at"], name="training_session_state_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_session_hours_positive"),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0, pass_mark__lte=100), name="training_session_pass_mark_0_100"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("staff:training_session", args=[self.number])

    @property
    def trainer_display(self) -> str:
        return str(self.trainer) if self.trainer_id else self.trainer_name

    @transition(field=state, source=State.SCHEDULED, target=State.HELD)
    def hold(self):
        """Record the session held (staff.services.training.session_hold sets the attendance)."""

    @transition(field=state, source=State.SCHEDULED, target=State.CANCELLED)
    def cancel(self):
        """Cancel the session (staff.services.training.session_cancel keeps the reason)."""


class Attendance(models.Model):
    """A person invited to a session: whether they came, their exam score and whether they passed."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="training_attendances",
        verbose_name=_("person"),
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)  # None: not recorded yet
    exam_score = models.DecimalField(_("exam score"), max_digits=4, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    remarks = models.CharField(_("remarks"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["session", "person__username"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="attendance_once_per_session"),
            models.CheckConstraint(
                condition=Q(exam_score__isnull=True) | Q(exam_score__gte=0, exam_score__lte=100),
                name="attendance_score_0_100",
            ),
        ]
        indexes = [models.Index(fields=["person", "session"], name="attendance_person_session")]

    def __str__(self):
        return f"{self.session} {self.person}"


def material_path(instance, filename):
    return f"training/{instance.session.number}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class TrainingMaterial(StoredFile):
    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="materials", verbose_name=_("session")
    )
    file = models.FileField(_("file"), upload_to=material_path, storage=private_storage, max_length=300)

    class Meta(StoredFile.Meta):
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")


class TrainingEvent(TimelineEvent):
    """The session's timeline: scheduled, changed, attendees invited, held, exams recorded, cancelled."""

    class Action(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled the session")
        UPDATED = "updated", _("changed the session")
        INVITED = "invited", _("changed the attendees")
        MATERIAL = "material", _("added material")
        HELD = "held", _("recorded the session as held")
        RESULTS = "results", _("recorded attendance and exam results")
        CANCELLED = "cancelled", _("cancelled the session")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("training event")
        verbose_name_plural = _("training events")
