from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import roles
from .storage import private_storage


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
        """Return the codes of the roles this user holds (cached on the instance and between requests)."""
        if not hasattr(self, "_role_codes"):
            from .access import user_access

            self._role_codes = set(user_access(self)["groups"]) & set(roles.ALL)
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


class StoredFile(models.Model):
    """Base of an uploaded file kept in private storage: its name, type, size and uploader.

    Each record's files (complaint attachments, a sheet's evidence, photos of customer
    property) add the ``file`` field with their own place under ``PRIVATE_MEDIA_ROOT``.
    """

    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    def download(self):
        """Return the file as an attachment under its original name; 404 if it is gone from storage.

        The caller has already decided that the user may see it.
        """
        from django.http import FileResponse, Http404

        try:
            handle = self.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        return FileResponse(handle, as_attachment=True, filename=self.original_name, content_type=self.content_type)


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


def spreadsheet_path(job, filename):
    """Where a job's files live: by month, under a random name that keeps the extension."""
    import os
    import uuid

    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"spreadsheets/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class SpreadsheetJob(models.Model):
    """One import or export run in the background, kept as the record of who did what.

    An import is checked first (every row, problems stored), then written on the user's
    confirmation, all rows or none. An export writes its file and offers it for download.
    The files are in private storage and served only to the user who ran the job.
    """

    class Direction(models.TextChoices):
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, waiting for confirmation")
        INVALID = "invalid", _("Problems found")
        WRITING = "writing", _("Writing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    #: States in which a worker still has something to do.
    RUNNING = (Status.QUEUED, Status.CHECKING, Status.WRITING)

    direction = models.CharField(pgettext_lazy("spreadsheet job", "direction"), max_length=6, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last progress at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("file"), upload_to=spreadsheet_path, storage=private_storage, max_length=300, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    sheet_name = models.CharField(_("sheet"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), null=True, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("added"), default=0)
    updated_count = models.PositiveIntegerField(_("changed"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    problem_rows = models.PositiveIntegerField(_("rows with problems"), default=0)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    report = models.FileField(
        _("report"), upload_to=spreadsheet_path, storage=private_storage, max_length=300, blank=True
    )
    failure = models.TextField(_("why it failed"), blank=True)

    class Meta:
        verbose_name = _("spreadsheet job")
        verbose_name_plural = _("spreadsheet jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="spreadsheetjob_user"),
            models.Index(fields=["status", "updated_at"], name="spreadsheetjob_status"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.CHECKED, self.Status.INVALID):
            return 100
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def kind_title(self) -> str:
        """What was imported or exported, as the import's or export's title ("Customers")."""
        from . import exporting, importing

        try:
            if self.direction == self.Direction.IMPORT:
                return str(importing.importer_for(self.kind).title)
            return str(exporting.get_export(self.kind).title)
        except (LookupError, KeyError):
            return self.kind


class SpreadsheetProblem(models.Model):
    """One problem found in an import file: the row and column it is in and what is wrong."""

    job = models.ForeignKey(SpreadsheetJob, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("row"), null=True, blank=True)
    column = models.CharField(_("column"), max_length=100, blank=True)
    value = models.CharField(_("value"), max_length=200, blank=True)
    message = models.TextField(_("problem"))

    class Meta:
        verbose_name = _("import problem")
        verbose_name_plural = _("import problems")
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "row", "id"], name="spreadsheetproblem_job_row")]

    def __str__(self):
        return f"{self.row}: {self.message}"
