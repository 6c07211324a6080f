"""Service-quality supervision (服务质量监督检查, seed 001 §4–§5): monthly checks of each service unit,
the customer site surveys, their scored checklists and findings; a finding becomes a rectification
notice (a :class:`CapaAction` with source "supervision check") in one step."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import TimelineEvent

from .capa import CapaAction

SITE_SURVEYS_PER_YEAR = 3  # seed 001 §4.2.3: at least three units a year


class ServiceUnit(models.Model):
    """A unit or department the customer service centre checks: a service station, a regional office, a department."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        STATION = "station", _("Service station")
        OFFICE = "office", _("Regional office")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.STATION)
    region = models.CharField(_("region"), max_length=50, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person in charge"),
        help_text=_("Receives the unit's rectification notices and owns their actions."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service unit")
        verbose_name_plural = _("service units")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class CheckItem(models.Model):
    """An item of the service-quality checklist (《客服质量检查记录》), with the most it can score."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    text = models.CharField(_("item"), max_length=300)
    category = models.CharField(_("category"), max_length=50, blank=True)
    max_score = models.PositiveSmallIntegerField(_("maximum score"), default=10)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["order", "code"]
        constraints = [models.CheckConstraint(condition=Q(max_score__gte=1), name="check_item_max_score_positive")]

    def __str__(self):
        return f"{self.code} {self.text}"


class SupervisionCheck(ConcurrentTransitionMixin, models.Model):
    """One check of one unit: the monthly supervision check, a spot check or a customer site survey."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly supervision check")
        SPOT = "spot", _("Spot check")
        SITE_SURVEY = "site_survey", _("Customer site survey")

    class State(models.TextChoices):
        DRAFT = "draft", _("Being recorded")
        COMPLETED = "completed", _("Completed")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.MONTHLY)
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, protected=True)
    unit = models.ForeignKey(ServiceUnit, on_delete=models.PROTECT, related_name="checks", verbose_name=_("unit"))
    period = models.DateField(_("month checked"), help_text=_("The first day of the month the check is for."))
    checked_on = models.DateField(_("checked on"))
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("checker")
    )
    other_checkers = models.CharField(_("checked with"), max_length=200, blank=True)
    customers_met = models.TextField(
        _("customers met"), blank=True, help_text=_("For a site survey: who was met, face to face or at a forum.")
    )
    summary = models.TextField(_("summary"), blank=True)
    total_score = models.DecimalField(_("score"), max_digits=6, decimal_places=1, null=True, blank=True)
    max_score = models.DecimalField(_("out of"), max_digits=6, decimal_places=1, null=True, blank=True)
    meeting_held_on = models.DateField(_("analysis meeting held on"), null=True, blank=True)
    meeting_notes = models.TextField(_("analysis meeting notes"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision check")
        verbose_name_plural = _("supervision checks")
        ordering = ["-checked_on", "-id"]
        permissions = [("conduct_supervisioncheck", _("Can carry out service-quality supervision checks"))]
        indexes = [
            models.Index(fields=["-checked_on", "-id"], name="supervision_checked_id"),
            models.Index(fields=["unit", "period"], name="supervision_unit_period"),
            models.Index(fields=["kind", "checked_on"], name="supervision_kind_date"),
        ]

    def __str__(self):
        return f"{self.number} {self.unit.name}"

    def get_absolute_url(self):
        return reverse("quality:supervision_detail", args=[self.number])

    @transition(field=state, source=State.DRAFT, target=State.COMPLETED)
    def complete(self):
        """Close the record: the scores are final (the service sets the totals)."""


class CheckScore(models.Model):
    check_record = models.ForeignKey(
        SupervisionCheck, on_delete=models.CASCADE, related_name="scores", verbose_name=_("check")
    )
    item = models.ForeignKey(CheckItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("item"))
    max_score = models.PositiveSmallIntegerField(_("maximum score"))  # copied from the item when the check starts
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    remark = models.CharField(_("remark"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("checklist score")
        verbose_name_plural = _("checklist scores")
        ordering = ["check_record", "item__order", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["check_record", "item"], name="check_score_once_per_item"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=models.F("max_score")),
                name="check_score_within_max",
                violation_error_message=_("A score lies between 0 and the item's maximum."),
            ),
        ]

    def __str__(self):
        return f"{self.item} {self.score}"


class CheckFinding(models.Model):
    """A problem the check found; a rectification notice is issued for it in one step."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major (written notice to the unit head)")

    check_record = models.ForeignKey(
        SupervisionCheck, on_delete=models.CASCADE, related_name="findings", verbose_name=_("check")
    )
    description = models.TextField(_("finding"))
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MINOR)
    notice = models.OneToOneField(
        CapaAction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_finding",
        verbose_name=_("rectification notice"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check finding")
        verbose_name_plural = _("check findings")
        ordering = ["check_record", "id"]

    def __str__(self):
        return self.description[:60]


class SupervisionEvent(TimelineEvent):
    check_record = models.ForeignKey(SupervisionCheck, on_delete=models.CASCADE, related_name="events")

    class Meta(TimelineEvent.Meta):
        verbose_name = _("supervision check event")
        verbose_name_plural = _("supervision check events")
