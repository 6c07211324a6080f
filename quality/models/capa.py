"""Corrective and preventive actions (纠正/预防措施) and rectification notices (整改通知单)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales import roles
from aftersales.models import TimelineEvent
from aftersales.waiting import Owed, related

from .. import rules
from ..managers import CapaActionQuerySet
from .sheet import QualitySheet


class CapaSource(models.TextChoices):
    QUALITY_SHEET = "quality_sheet", _("Quality information sheet")
    SURVEY = "survey", _("Survey finding")
    SUPERVISION = "supervision", _("Supervision check")
    RETURN_TREND = "return_trend", _("Return trend")
    AUDIT = "audit", _("Audit")
    OTHER = "other", _("Other")


class CapaAction(ConcurrentTransitionMixin, models.Model):
    class Kind(models.TextChoices):
        CORRECTIVE = "corrective", _("Corrective")
        PREVENTIVE = "preventive", _("Preventive")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Awaiting verification")
        CLOSED = "closed", _("Verified effective")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    state = FSMField(_("state"), max_length=12, choices=State.choices, default=State.OPEN, protected=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.CORRECTIVE)
    source = models.CharField(_("source"), max_length=15, choices=CapaSource.choices)
    sheet = models.ForeignKey(
        QualitySheet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="capa_actions",
        verbose_name=_("quality sheet"),
    )
    source_reference = models.CharField(
        _("source record"),
        max_length=100,
        blank=True,
        help_text=_("Number or title of the survey, check, audit or trend."),
    )
    problem = models.TextField(_("problem"))
    planned_action = models.TextField(_("planned action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="capa_actions", verbose_name=_("owner")
    )
    department = models.CharField(_("department"), max_length=100)
    due_date = models.DateField(_("due date"), db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completion_note = models.TextField(_("what was done"), blank=True)
    verification_days = models.PositiveSmallIntegerField(_("verify after (days)"), default=30)
    verification_due = models.DateField(_("verification due"), null=True, blank=True, db_index=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification"), blank=True)
    verified_early = models.BooleanField(
        _("verified before the due date"),
        default=False,
        help_text=_("The effectiveness was verified before the verification was due, for the reason given."),
    )
    early_verification_reason = models.TextField(_("reason for verifying early"), blank=True)
    times_reopened = models.PositiveSmallIntegerField(_("times found not effective"), default=0)

    # Rectification notice (整改通知单) from a monthly service-quality check.
    notice_unit = models.CharField(_("unit to rectify"), max_length=100, blank=True)
    notice_findings = models.TextField(_("findings of the check"), blank=True)
    reply_deadline = models.DateField(_("written reply due"), null=True, blank=True)
    reply_received_at = models.DateField(_("written reply received"), null=True, blank=True)
    reply_text = models.TextField(_("written reply"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CapaActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("corrective/preventive action")
        verbose_name_plural = _("corrective/preventive actions")
        ordering = ["due_date", "id"]
        permissions = [
            ("verify_capaaction", _("Can verify the effectiveness of an action (quality group)")),
            ("import_capaaction", _("Can import corrective/preventive actions")),
            ("export_capaaction", _("Can export corrective/preventive actions")),
        ]
        indexes = [
            models.Index(fields=["state", "due_date", "id"], name="capa_state_due_id"),
            models.Index(fields=["owner", "state"], name="capa_owner_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="quality_sheet") | Q(sheet__isnull=False),
                name="capa_sheet_source_has_sheet",
                violation_error_message=_("An action from a quality sheet must name the sheet."),
            ),
            models.CheckConstraint(condition=Q(verification_days__gte=1), name="capa_verification_days_positive"),
        ]

    def __str__(self):
        return f"{self.number} {self.problem[:40]}"

    def get_absolute_url(self):
        return reverse("quality:capa_detail", args=[self.number])

    @property
    def is_notice(self) -> bool:
        return self.source == CapaSource.SUPERVISION

    def is_overdue(self, today=None) -> bool:
        return self.state == self.State.OPEN and self.due_date < (today or timezone.localdate())

    def verification_is_due(self, today=None) -> bool:
        return (
            self.state == self.State.COMPLETED
            and self.verification_due is not None
            and self.verification_due <= (today or timezone.localdate())
        )

    def waiting_on(self) -> list[Owed]:
        """Return what the action waits for: its owner while open, the quality group's verification once done."""
        owner = (related(self, "owner"),)
        owed = []
        if self.is_notice and self.state in (self.State.OPEN, self.State.COMPLETED) and not self.reply_received_at:
            step = gettext("obtain the written reply of %(unit)s by %(date)s") % {
                "unit": self.notice_unit,
                "date": f"{self.reply_deadline:%Y-%m-%d}" if self.reply_deadline else "—",
            }
            owed.append(Owed(step, people=owner))
        if self.state == self.State.OPEN:
            step = gettext("carry out the action by %(date)s") % {"date": f"{self.due_date:%Y-%m-%d}"}
            owed.append(Owed(step, people=owner))
        elif self.state == self.State.COMPLETED:
            due = f"{self.verification_due:%Y-%m-%d}" if self.verification_due else "—"
            step = gettext("verify the effectiveness (due %(date)s)") % {"date": due}
            owed.append(Owed(step, roles.QUALITY_LEADER))
        return owed

    @transition(field=state, source=State.OPEN, target=State.COMPLETED, permission=rules.capa_owner_or_leader)
    def complete(self):
        self.completed_at = timezone.now()
        self.verification_due = timezone.localdate(self.completed_at) + timedelta(days=self.verification_days)

    @transition(field=state, source=State.COMPLETED, target=State.CLOSED, permission=rules.can_verify)
    def verify_effective(self):
        self.verified_at = timezone.now()

    @transition(field=state, source=State.COMPLETED, target=State.OPEN, permission=rules.can_verify)
    def verify_not_effective(self):
        self.verified_at = timezone.now()
        self.times_reopened += 1
        self.completed_at = None
        self.verification_due = None

    @transition(field=state, source=State.OPEN, target=State.CANCELLED, permission=rules.can_verify)
    def cancel(self):
        pass


class CapaCheck(models.Model):
    """A tracking check (跟踪检查) of an action's progress."""

    action = models.ForeignKey(CapaAction, on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField(_("date"))
    finding = models.TextField(_("finding"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checked by")
    )

    class Meta:
        verbose_name = _("tracking check")
        verbose_name_plural = _("tracking checks")
        ordering = ["checked_on", "id"]

    def __str__(self):
        return f"{self.checked_on} {self.finding[:30]}"


class CapaEvent(TimelineEvent):
    """History of an action: every stage change and every replaced plan is kept."""

    action = models.ForeignKey(CapaAction, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("from"), max_length=12, choices=CapaAction.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=12, choices=CapaAction.State.choices, blank=True)
    previous_plan = models.TextField(_("previous plan"), blank=True)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("action event")
        verbose_name_plural = _("action events")

    def __str__(self):
        return f"{self.action_id} {self.from_state}→{self.to_state}"


class ReminderLog(models.Model):
    """One reminder sent: the unique row is claimed before sending, so a rerun sends nothing."""

    kind = models.CharField(max_length=30)
    object_id = models.PositiveBigIntegerField()
    sent_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "sent_on"], name="reminder_once_per_day")]

    def __str__(self):
        return f"{self.kind} {self.object_id} {self.sent_on}"
