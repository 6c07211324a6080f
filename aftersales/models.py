from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles


class User(AbstractUser):
    """A member of staff; what they may do comes from their role groups."""

    department = models.CharField(_("department"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_department_head = models.BooleanField(
        _("department head"),
        default=False,
        help_text=_("Receives resolution breaches and major complaints at once."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        # Chinese names are written family name first, without a space.
        return f"{self.last_name}{self.first_name}".strip()

    def role_codes(self) -> set[str]:
        """Return the codes of the roles this user holds (cached on the instance)."""
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.filter(name__in=roles.ALL).values_list("name", flat=True))
        return self._role_codes

    def has_role(self, *codes: str) -> bool:
        return self.is_superuser or bool(self.role_codes() & set(codes))

    def role_labels(self) -> list[str]:
        return [str(roles.LABELS[c]) for c in roles.ALL if c in self.role_codes()]


class NumberSequence(models.Model):
    """A counter per key (e.g. "TS-202611"), handed out under a row lock."""

    key = models.CharField(max_length=40, primary_key=True)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.key}: {self.last_value}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a holiday or a make-up working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (no work)")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), primary_key=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class TimelineEvent(models.Model):
    """Base of every record's timeline: who did something, when, and the note they left."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    # Field names with old and new values (aftersales.audit.field_changes), never translated
    # text: the page renders them in the reader's language.
    changes = models.JSONField(_("changes"), default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @property
    def change_lines(self):
        from .audit import describe_changes

        return describe_changes(self.changes)


class Notification(models.Model):
    """One message of the outbox, written in the transaction of the change that causes it.

    The dispatcher (``aftersales.outbox``) sends pending rows and marks each sent only once
    the mail server has accepted it; a failure is retried with back-off and, after the last
    attempt, kept as dead for an administrator to resend. Recipients are resolved when the
    message is sent, so a reassignment in between reaches the new owner.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DEAD = "dead", _("Failed (needs attention)")

    key = models.CharField(
        _("key"),
        max_length=200,
        unique=True,
        help_text=_("Identifies the message, so that the same alert cannot be written twice."),
    )
    kind = models.CharField(_("kind"), max_length=80)
    object_id = models.BigIntegerField(_("record id"))
    extra = models.JSONField(_("details"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    due_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)
    claimed_until = models.DateTimeField(
        _("taken by a dispatcher until"),
        null=True,
        blank=True,
        help_text=_("A dispatcher that stopped without sending leaves the message to others after this."),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications (outbox)")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The dispatcher reads pending rows only, oldest due first.
            models.Index(
                fields=["due_at", "id"],
                name="notification_pending_due",
                condition=models.Q(state="pending"),
            ),
            models.Index(fields=["kind", "object_id"], name="notification_record"),
        ]
        permissions = [("resend_notification", _("Can resend failed notifications"))]

    def __str__(self):
        return f"{self.kind} #{self.object_id} ({self.get_state_display()})"
