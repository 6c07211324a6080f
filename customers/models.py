"""The customer ledger (顾客信息管理台账, record KYJL/XS/05)."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.validators import no_control_characters

from .managers import CustomerQuerySet, DeliveryQuerySet


class CustomerTier(models.Model):
    """A customer tier; its weight and sampling ratio drive the satisfaction survey."""

    code = models.CharField(_("code"), max_length=1, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    survey_weight = models.DecimalField(_("survey weight"), max_digits=4, decimal_places=2, default=1)
    sampling_ratio = models.DecimalField(
        _("survey sampling ratio"),
        max_digits=3,
        decimal_places=2,
        default=1,
        help_text=_("Share of this tier's customers sent the annual questionnaire (0–1)."),
    )

    class Meta:
        verbose_name = _("customer tier")
        verbose_name_plural = _("customer tiers")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sampling_ratio__gte=0) & Q(sampling_ratio__lte=1), name="tier_sampling_ratio_0_1"
            ),
            models.CheckConstraint(condition=Q(survey_weight__gt=0), name="tier_survey_weight_positive"),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"


class Customer(models.Model):
    class Relationship(models.TextChoices):
        STRATEGIC = "strategic", _("Strategic partner")
        KEY = "key", _("Key account")
        REGULAR = "regular", _("Regular")
        PROSPECT = "prospect", _("Prospect")

    class Industry(models.TextChoices):
        POWER = "power", _("Power and utilities")
        RAIL = "rail", _("Rail transit")
        PETROCHEMICAL = "petrochemical", _("Petrochemical")
        METALLURGY = "metallurgy", _("Metallurgy")
        MACHINERY = "machinery", _("Machinery manufacturing")
        CONSTRUCTION = "construction", _("Construction")
        DEFENCE = "defence", _("Defence")
        OTHER = "other", _("Other")

    code = models.CharField(_("customer code"), max_length=30, unique=True, validators=[no_control_characters])
    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    # The (tier, code) and (salesperson, code) indexes below serve lookups by tier or by
    # salesperson too, so the foreign keys carry no index of their own (one less to keep
    # up on every insert: an import writes tens of thousands of customers at once).
    tier = models.ForeignKey(
        CustomerTier, on_delete=models.PROTECT, verbose_name=_("tier"), default="C", db_index=False
    )
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices, blank=True)
    region = models.CharField(_("region"), max_length=50, blank=True, db_index=True, validators=[no_control_characters])
    address = models.CharField(_("address"), max_length=300, blank=True, validators=[no_control_characters])
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="customers",
        verbose_name=_("responsible salesperson"),
    )
    relationship = models.CharField(
        _("relationship level"), max_length=20, choices=Relationship.choices, default=Relationship.REGULAR
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]
        permissions = [
            ("view_all_customers", _("Can see every customer, not only their own")),
            ("import_customer", _("Can import customers")),
            ("export_customer", _("Can export customers")),
        ]
        indexes = [
            models.Index(fields=["salesperson", "code"], name="customer_salesperson_code"),
            models.Index(fields=["tier", "code"], name="customer_tier_code"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.normalise()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("customers:detail", args=[self.pk])

    def clean(self):
        # Normalise here too, so that full_clean's uniqueness check sees the stored code.
        self.normalise()

    def normalise(self):
        self.code = self.code.strip().upper()
        self.name = self.name.strip()


class Contact(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=50, validators=[no_control_characters])
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True, validators=[no_control_characters])
    email = models.EmailField(_("e-mail"), blank=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    role = models.CharField(_("position"), max_length=50, blank=True, validators=[no_control_characters])
    is_primary = models.BooleanField(_("primary contact"), default=False)
    relationship = models.CharField(
        _("relationship level"),
        max_length=10,
        choices=Customer.Relationship.choices,
        blank=True,
        help_text=_("How close the company is to this person; the customer's level is the default."),
    )
    interests = models.CharField(_("interests"), max_length=200, blank=True, validators=[no_control_characters])

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        permissions = [
            ("import_contact", _("Can import contacts")),
            ("export_contact", _("Can export contacts")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_primary=True),
                name="one_primary_contact_per_customer",
                violation_error_message=_("A customer has one primary contact."),
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.phone}".strip()


class ProductModel(models.Model):
    """A product model the company delivers, with its warranty period."""

    code = models.CharField(_("model"), max_length=50, unique=True)
    name = models.CharField(_("product name"), max_length=100)
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the default warranty period."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product model")
        verbose_name_plural = _("product models")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def effective_warranty_months(self) -> int:
        if self.warranty_months is not None:
            return self.warranty_months
        return settings.DEFAULT_WARRANTY_MONTHS


class Delivery(models.Model):
    """A delivered unit or lot (交付记录); the serial number identifies a unit."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("customer")
    )
    product_model = models.ForeignKey(ProductModel, on_delete=models.PROTECT, verbose_name=_("product model"))
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    batch_number = models.CharField(_("batch number"), max_length=50, blank=True, db_index=True)
    serial_number = models.CharField(
        _("serial number"), max_length=50, blank=True, db_index=True, validators=[no_control_characters]
    )
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    delivery_date = models.DateField(_("delivery date"))
    receiving_unit = models.CharField(_("receiving unit"), max_length=200, blank=True)
    warranty_end = models.DateField(_("warranty end"), editable=False, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-delivery_date", "-id"]
        permissions = [
            ("import_delivery", _("Can import deliveries")),
            ("export_delivery", _("Can export deliveries")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["serial_number"],
                condition=~Q(serial_number=""),
                name="unique_delivery_serial_number",
                violation_error_message=_("This serial number is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1),
                name="delivery_quantity_positive",
                violation_error_message=_("The quantity must be at least 1."),
            ),
        ]
        indexes = [models.Index(fields=["customer", "-delivery_date"], name="delivery_customer_date")]

    def __str__(self):
        return f"{self.product_model.code} {self.serial_number or self.batch_number}".strip()

    def save(self, *args, **kwargs):
        self.normalise()
        self.warranty_end = self.compute_warranty_end()
        super().save(*args, **kwargs)

    def clean(self):
        # Normalise here too, so that full_clean's serial number constraint sees the stored value.
        self.normalise()

    def normalise(self):
        self.serial_number = self.serial_number.strip().upper()
        self.batch_number = self.batch_number.strip().upper()

    def compute_warranty_end(self) -> date:
        """Return the last day of warranty: delivery date plus the model's period."""
        months = self.product_model.effective_warranty_months
        return self.delivery_date + relativedelta(months=months) - relativedelta(days=1)

    def in_warranty(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return on <= self.warranty_end


class Interaction(models.Model):
    """One entry of the register of calls, letters and visits (来电、来函、来访登记表)."""

    class Kind(models.TextChoices):
        CALL = "call", _("Phone call")
        LETTER = "letter", _("Letter")
        VISIT = "visit", _("Visit")
        EMAIL = "email", _("E-mail")
        ONLINE = "online", _("Online")

    class Direction(models.TextChoices):
        INBOUND = "in", _("From the customer")
        OUTBOUND = "out", _("To the customer")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="interactions", verbose_name=_("customer")
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.CALL)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.INBOUND)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact")
    )
    summary = models.TextField(_("what was asked or said"))
    response = models.TextField(_("what was answered"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("handled by")
    )
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="interaction_customer_time"),
            models.Index(
                fields=["follow_up_on"], condition=Q(follow_up_on__isnull=False), name="interaction_follow_up"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"
