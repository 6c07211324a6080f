"""The annual customer satisfaction survey (客户满意度调查): questionnaires, campaigns, answers.

A questionnaire is versioned: once a campaign uses it, it is frozen, and editing makes a
new version. A campaign samples customers per tier from a stored seed, gives each sampled
customer one personal link (a random token), and collects one response per customer,
answered online or keyed in by staff from paper or a phone call. Concluding a campaign
freezes its figures; findings become corrective or preventive actions.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import TimelineEvent
from aftersales.storage import private_storage
from aftersales.validators import NoControlCharacters
from customers.models import Contact, Customer, ProductModel

from .managers import AnswerQuerySet, ResponseQuerySet


class Dimension(models.TextChoices):
    TIMELINESS = "timeliness", _("Timeliness")
    CONVENIENCE = "convenience", _("Convenience")
    TECHNICAL = "technical", _("Technical quality")
    VALUE = "value", _("Value for money")
    ATTITUDE = "attitude", _("Service attitude")
    OTHER = "other", _("Other")


# The five satisfaction levels of a scale answer, 5 best (seed 004: 非常满意 … 非常不满意).
class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neutral")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


# An answer at or below this level marks a dissatisfied customer, to be called back.
DISSATISFIED_AT = 2


class Questionnaire(models.Model):
    """One version of a questionnaire; versions of the same questionnaire share a ``code``."""

    code = models.CharField(_("code"), max_length=30, validators=[NoControlCharacters()])
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=200, validators=[NoControlCharacters()])
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown to the customer above the questions.")
    )
    closing_text = models.TextField(
        _("thank-you text"), blank=True, help_text=_("Shown once the answers are submitted.")
    )
    frozen_at = models.DateTimeField(
        _("frozen at"), null=True, blank=True, help_text=_("Set when a campaign first uses this version.")
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version")]

    def __str__(self):
        return f"{self.title} v{self.version}"

    def get_absolute_url(self):
        return reverse("surveys:questionnaire", args=[self.pk])

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections", verbose_name=_("questionnaire")
    )
    title = models.CharField(_("title"), max_length=200, validators=[NoControlCharacters()])
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("Satisfaction scale (1–5)")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        NPS = "nps", _("Recommendation (0–10)")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions", verbose_name=_("questionnaire")
    )
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="questions", verbose_name=_("section")
    )
    text = models.CharField(_("question"), max_length=300, validators=[NoControlCharacters()])
    help_text = models.CharField(_("explanation"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SCALE)
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices, blank=True)
    required = models.BooleanField(_("required"), default=True)
    position = models.PositiveSmallIntegerField(_("display order"), default=0)
    # Empty for both: asked of every customer. Otherwise only of customers in that business
    # line: the industry, or customers with a delivery of that product model.
    industry = models.CharField(_("only for industry"), max_length=30, choices=Customer.Industry.choices, blank=True)
    product_model = models.ForeignKey(
        ProductModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for customers of product model"),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="scale") | ~Q(dimension=""), name="scale_question_has_dimension"),
        ]

    def __str__(self):
        return self.text

    @property
    def is_common(self) -> bool:
        return not self.industry and self.product_model_id is None


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question"))
    text = models.CharField(_("choice"), max_length=200, validators=[NoControlCharacters()])
    position = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position", "id"]

    def __str__(self):
        return self.text


def default_sampling() -> dict:
    """The share of each tier's customers invited (A all, B half, C one in five)."""
    return {"A": "1.00", "B": "0.50", "C": "0.20"}


def new_seed() -> int:
    return secrets.randbits(62)


class Campaign(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed, awaiting conclusion")
        CONCLUDED = "concluded", _("Concluded")

    name = models.CharField(_("name"), max_length=200, validators=[NoControlCharacters()])
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("questionnaire")
    )
    state = FSMField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT, protected=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    target_answers = models.PositiveIntegerField(_("answer target"), default=50)
    # {"A": "1.00", "B": "0.50", "C": "0.20"}: share of each tier's customers invited.
    sampling = models.JSONField(_("sampling per tier"), default=default_sampling)
    seed = models.BigIntegerField(_("sampling seed"), default=new_seed, editable=False)
    sampled_at = models.DateTimeField(_("sampled at"), null=True, blank=True)
    reminder_after_days = models.PositiveSmallIntegerField(
        _("remind after (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concluded by"),
    )
    shortfall_reason = models.TextField(_("reason for concluding below the target"), blank=True)
    summary = models.TextField(_("summary for the management review"), blank=True)
    # The figures as they stood when the campaign was concluded (surveys.results), so the
    # management-review report never changes afterwards.
    results = models.JSONField(_("frozen results"), null=True, blank=True, editable=False)
    report = models.FileField(
        _("management-review report"),
        upload_to="surveys/reports/",
        storage=private_storage,
        blank=True,
        editable=False,
        max_length=300,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-year", "-id"]
        permissions = [
            ("conclude_campaign", _("Can conclude a survey campaign")),
            ("enter_response", _("Can key in answers from paper or phone")),
            ("export_campaign", _("Can export survey answers and results")),
        ]
        indexes = [models.Index(fields=["state", "opens_on"], name="campaign_state_opens")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_closes_after_opening"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("surveys:campaign", args=[self.pk])

    @transition(field=state, source=State.DRAFT, target=State.OPEN)
    def open(self):
        pass

    @transition(field=state, source=State.OPEN, target=State.CLOSED)
    def close(self):
        pass

    @transition(field=state, source=State.CLOSED, target=State.CONCLUDED)
    def conclude(self):
        pass


class Response(models.Model):
    """One sampled customer of a campaign: the personal link, the invitation and the answers."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online (personal link)")
        PAPER = "paper", _("Paper questionnaire")
        PHONE = "phone", _("Phone interview")
        VISIT = "visit", _("On-site visit")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="responses", verbose_name=_("campaign")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="survey_responses", verbose_name=_("customer")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient contact"),
    )
    tier = models.CharField(_("tier when sampled"), max_length=1)
    # 32 random bytes, URL-safe base64 (256 bits); unique, looked up by the public page only.
    token = models.CharField(_("personal link token"), max_length=64, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    started_at = models.DateTimeField(_("first saved at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("keyed in by"),
    )
    respondent = models.CharField(_("answered by"), max_length=100, blank=True, validators=[NoControlCharacters()])
    follow_up_note = models.TextField(_("follow-up"), blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["campaign", "customer__code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"], name="one_response_per_customer")]
        indexes = [models.Index(fields=["customer", "campaign"], name="response_customer_campaign")]

    def __str__(self):
        return f"{self.campaign} · {self.customer}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    # Scale 1–5 or recommendation 0–10; choices for single and multiple choice; text.
    score = models.SmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    choices = models.ManyToManyField(Choice, blank=True, related_name="answers", verbose_name=_("choices"))
    text = models.TextField(_("comment"), blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=10), name="answer_score_range"
            ),
        ]
        indexes = [models.Index(fields=["question", "score"], name="answer_question_score")]

    def __str__(self):
        return f"{self.question} · {self.score if self.score is not None else self.text[:30]}"


class Finding(models.Model):
    """A finding of a campaign turned into a corrective or preventive action (links both ways)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="findings", verbose_name=_("campaign")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="findings", verbose_name=_("question")
    )
    dimension = models.CharField(_("dimension"), max_length=12, choices=Dimension.choices, blank=True)
    capa = models.OneToOneField(
        "quality.CapaAction", on_delete=models.PROTECT, related_name="survey_finding", verbose_name=_("action")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey finding")
        verbose_name_plural = _("survey findings")
        ordering = ["created_at", "id"]

    def __str__(self):
        return str(self.capa)


class CampaignEvent(TimelineEvent):
    class Verb(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        SAMPLED = "sampled", _("sampled the customers")
        OPENED = "opened", _("opened")
        INVITED = "invited", _("sent invitations")
        REMINDED = "reminded", _("sent reminders")
        ENTERED = "entered", _("keyed in answers")
        CLOSED = "closed", _("closed")
        CONCLUDED = "concluded", _("concluded")
        FINDING = "finding", _("turned a finding into an action")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events", verbose_name=_("campaign"))
    verb = models.CharField(_("what"), max_length=12, choices=Verb.choices)

    class Meta(TimelineEvent.Meta):
        verbose_name = _("campaign event")
        verbose_name_plural = _("campaign events")
