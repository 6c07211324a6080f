"""Customer property (顾客财产, ISO 9001 §8.5.3): the customer's goods in the company's hands.

A unit or part taken in for repair or testing is identified, kept safe and returned; its
every change of custody is logged, and a loss or damage is reported to the customer before
the record can close.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from aftersales.models import StoredFile
from aftersales.storage import private_storage
from aftersales.validators import no_control_characters, no_control_characters_multiline
from aftersales.waiting import Owed, related
from complaints.models import Complaint
from customers.models import Customer, ProductModel

from .visits import ServiceVisit

NUMBER_PREFIX = "GCC"


def _may_handle(instance, user) -> bool:
    return user.has_perm("servicing.change_customerproperty")


def _may_record_loss(instance, user) -> bool:
    return user.has_perm("servicing.record_loss_customerproperty")


class CustomerProperty(ConcurrentTransitionMixin, models.Model):
    """One unit or part of the customer's held for repair or testing."""

    class State(models.TextChoices):
        IN_CUSTODY = "in_custody", _("In our custody")
        RETURNED = "returned", _("Returned to the customer")
        LOST = "lost", _("Lost or damaged")
        CLOSED = "closed", _("Closed")

    class LossKind(models.TextChoices):
        LOST = "lost", _("Lost")
        DAMAGED = "damaged", _("Damaged")

    class ReportMethod(models.TextChoices):
        EMAIL = "email", _("E-mail to the primary contact")
        PHONE = "phone", _("Phone call")
        LETTER = "letter", _("Letter")
        IN_PERSON = "in_person", _("In person")

    OPEN_STATES = (State.IN_CUSTODY, State.RETURNED, State.LOST)

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    state = FSMField(_("state"), max_length=12, choices=State.choices, default=State.IN_CUSTODY, protected=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="property_held", verbose_name=_("customer")
    )
    complaint = models.ForeignKey(
        Complaint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="property_held",
        verbose_name=_("complaint"),
    )
    visit = models.ForeignKey(
        ServiceVisit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="property_held",
        verbose_name=_("service visit"),
    )
    product_model = models.ForeignKey(
        ProductModel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("product model")
    )
    serial_number = models.CharField(
        _("serial number"), max_length=50, blank=True, db_index=True, validators=[no_control_characters]
    )
    description = models.TextField(_("description"), validators=[no_control_characters_multiline])
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    condition = models.TextField(
        _("condition on receipt"),
        validators=[no_control_characters_multiline],
        help_text=_("Visible damage, missing parts, seals, what came with it."),
    )
    storage_place = models.CharField(_("storage place"), max_length=100, validators=[no_control_characters])
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="property_in_custody",
        verbose_name=_("current custodian"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    received_at = models.DateTimeField(_("received at"))
    # The return: the customer signs for the goods.
    returned_to = models.CharField(_("signed for by (customer)"), max_length=50, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handed back by"),
    )
    # Loss or damage, and its report to the customer.
    loss_kind = models.CharField(_("lost or damaged"), max_length=10, choices=LossKind.choices, blank=True)
    loss_found_on = models.DateField(_("found on"), null=True, blank=True)
    loss_found_by = models.CharField(_("found by"), max_length=50, blank=True)
    loss_description = models.TextField(_("what happened"), blank=True)
    loss_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loss recorded by"),
    )
    reported_at = models.DateTimeField(_("reported to the customer at"), null=True, blank=True)
    report_method = models.CharField(_("reported by"), max_length=10, choices=ReportMethod.choices, blank=True)
    reported_to = models.CharField(_("reported to"), max_length=200, blank=True)
    report_note = models.TextField(_("report note"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by (staff)"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer property")
        verbose_name_plural = _("customer property")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("view_all_customerproperty", _("Can see every customer's property, not only their own customers'")),
            ("record_loss_customerproperty", _("Can record and report a loss or damage of customer property")),
        ]
        indexes = [
            models.Index(fields=["-received_at", "-id"], name="property_received_id"),
            models.Index(fields=["customer", "-received_at"], name="property_customer_received"),
            models.Index(fields=["state", "-received_at", "-id"], name="property_state_received"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="property_quantity_positive"),
            # A returned (or closed after return) record names who signed for the goods and when.
            models.CheckConstraint(
                condition=~Q(state="returned") | (Q(returned_on__isnull=False) & ~Q(returned_to="")),
                name="property_returned_signed",
            ),
            models.CheckConstraint(
                condition=~Q(state="lost") | (Q(loss_found_on__isnull=False) & ~Q(loss_kind="")),
                name="property_loss_recorded",
            ),
            # Closing needs a return or a reported loss (ISO 9001 §8.5.3).
            models.CheckConstraint(
                condition=~Q(state="closed")
                | Q(returned_on__isnull=False)
                | (Q(loss_found_on__isnull=False) & Q(reported_at__isnull=False)),
                name="property_closed_settled",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.description[:40]}"

    def get_absolute_url(self):
        return reverse("servicing:property_detail", args=[self.pk])

    @property
    def is_settled(self) -> bool:
        """Return whether the goods went back or their loss was reported: the record may close."""
        return self.returned_on is not None or (self.loss_found_on is not None and self.reported_at is not None)

    BADGES = {State.IN_CUSTODY: "text-bg-primary", State.LOST: "text-bg-danger", State.RETURNED: "text-bg-success"}

    @property
    def state_badge(self) -> str:
        """Return the Bootstrap badge class of the record's state."""
        return self.BADGES.get(self.state, "text-bg-secondary")

    @property
    def loss_unreported(self) -> bool:
        return self.state == self.State.LOST and self.reported_at is None

    def waiting_on(self) -> list[Owed]:
        """Return what the record waits for, and on whom (no query: ids of unloaded users)."""
        if self.state == self.State.IN_CUSTODY:
            holder = related(self, "custodian") or related(self, "received_by")
            return [Owed(gettext("keep the goods safe and return them to the customer"), people=(holder,))]
        if self.loss_unreported:
            return [
                Owed(gettext("report the loss or damage to the customer"), people=(related(self, "loss_recorded_by"),))
            ]
        if self.state in (self.State.RETURNED, self.State.LOST):
            return [Owed(gettext("close the record"), people=(related(self, "received_by"),))]
        return []

    @transition(field=state, source=State.IN_CUSTODY, target=State.RETURNED, permission=_may_handle)
    def return_to_customer(self):
        pass

    @transition(field=state, source=State.IN_CUSTODY, target=State.LOST, permission=_may_record_loss)
    def record_loss(self):
        pass

    @transition(
        field=state,
        source=[State.RETURNED, State.LOST],
        target=State.CLOSED,
        permission=_may_handle,
        conditions=[lambda instance: instance.is_settled],
    )
    def close(self):
        self.closed_at = timezone.now()


class PropertyMovement(models.Model):
    """One change of custody: from whom and where, to whom and where, when and why."""

    item = models.ForeignKey(
        CustomerProperty, on_delete=models.CASCADE, related_name="movements", verbose_name=_("customer property")
    )
    moved_at = models.DateTimeField(_("moved at"), default=timezone.now)
    from_holder = models.CharField(_("from (person)"), max_length=100, blank=True)
    from_place = models.CharField(_("from (place)"), max_length=100, blank=True)
    to_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("to (person)"),
    )
    to_holder_name = models.CharField(_("to (person)"), max_length=100, blank=True)
    to_place = models.CharField(_("to (place)"), max_length=100, blank=True)
    reason = models.CharField(_("why"), max_length=200, validators=[no_control_characters])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("custody change")
        verbose_name_plural = _("custody log")
        ordering = ["moved_at", "id"]
        indexes = [models.Index(fields=["item", "moved_at", "id"], name="property_movement_order")]

    def __str__(self):
        return f"{self.from_place} → {self.to_place}"


def property_photo_path(instance, filename):
    return f"property/{instance.item.number}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class PropertyPhoto(StoredFile):
    """A photo or file of the goods (their condition on receipt, a damage found later)."""

    item = models.ForeignKey(
        CustomerProperty, on_delete=models.CASCADE, related_name="photos", verbose_name=_("customer property")
    )
    file = models.FileField(_("file"), upload_to=property_photo_path, storage=private_storage, max_length=300)

    class Meta:
        verbose_name = _("photo of customer property")
        verbose_name_plural = _("photos of customer property")
        ordering = ["uploaded_at", "id"]
