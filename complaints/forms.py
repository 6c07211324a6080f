"""The intake form and one small form per step a user may take on a complaint."""

from django import forms
from django.forms.models import fields_for_model
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.forms import LengthHints
from aftersales.uploads import check_uploads
from customers.forms import DateInput, DateTimeInput
from customers.models import Contact, Customer, Delivery, Interaction, ProductModel

from . import dates
from .closing import close_sections
from .filters import handlers
from .models import Complaint, Severity
from .services.complaint import ANALYSIS_FIELDS

UNIT_FIELDS = ["serial_number", "batch_number", "product_model", "delivery_date", "warranty_status"]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files at once; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


def _lookup_attrs():
    return {
        "hx-get": reverse_lazy("complaints:lookup_unit"),
        "hx-trigger": "change",
        "hx-target": "#unit-fields",
        "hx-include": "#unit-fields, #id_customer",
        "autocomplete": "off",
    }


class ComplaintIntakeForm(LengthHints, forms.Form):
    """Everything asked on the phone when a complaint comes in (受理)."""

    customer = forms.ModelChoiceField(
        label=_("Customer"), queryset=Customer.objects.none(), required=False, widget=forms.HiddenInput
    )
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=Contact.objects.none(), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=Complaint.Channel.choices, initial=Complaint.Channel.PHONE)
    serial_number = forms.CharField(label=_("Serial number"), max_length=50, required=False)
    batch_number = forms.CharField(label=_("Batch number"), max_length=50, required=False)
    product_model = forms.ModelChoiceField(
        label=_("Product model"), queryset=ProductModel.objects.filter(is_active=True), required=False
    )
    delivery_date = forms.DateField(label=_("Delivery date"), required=False, widget=DateInput())
    warranty_status = forms.ChoiceField(
        label=_("Warranty"), choices=Complaint.Warranty.choices, initial=Complaint.Warranty.UNKNOWN
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL)
    category = forms.ChoiceField(
        label=_("Category"), choices=Complaint.Category.choices, initial=Complaint.Category.QUALITY
    )
    title = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    received_at = forms.DateTimeField(label=_("Received at"), initial=_now_to_the_minute, widget=DateTimeInput())
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=handlers(), required=False, empty_label=_("Nobody yet")
    )
    attachments = MultipleFileField(
        label=_("Photos and files"),
        required=False,
        help_text=_("Photos (JPG, PNG, GIF, WebP), PDF files or spreadsheets; several at once."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user)
        self.fields["serial_number"].widget.attrs.update(_lookup_attrs())
        self.fields["batch_number"].widget.attrs.update(_lookup_attrs())
        self.selected_customer = self._selected_customer()
        if self.selected_customer is not None:
            self.fields["contact"].queryset = self.selected_customer.contacts.all()
        self.delivery = None

    def _selected_customer(self) -> Customer | None:
        value = self.data.get(self.add_prefix("customer")) if self.is_bound else self.initial.get("customer")
        if isinstance(value, Customer):
            return value
        if not str(value or "").isdigit():
            return None
        return self.fields["customer"].queryset.select_related("salesperson").filter(pk=value).first()

    def clean_serial_number(self):
        return self.cleaned_data["serial_number"].strip().upper()

    def clean_batch_number(self):
        return self.cleaned_data["batch_number"].strip().upper()

    def clean_attachments(self):
        return check_uploads(self.cleaned_data["attachments"])

    def clean(self):
        cleaned = super().clean()
        dates.add_problems(
            self,
            dates.intake_problems(received_at=cleaned.get("received_at"), delivery_date=cleaned.get("delivery_date")),
        )
        customer, serial = cleaned.get("customer"), cleaned.get("serial_number")
        if serial:
            self.delivery = find_delivery(self.fields["customer"].queryset, serial=serial)
        if self.delivery is not None:
            if customer is None:
                customer = cleaned["customer"] = self.delivery.customer
            elif self.delivery.customer_id != customer.pk:
                self.add_error(
                    "serial_number",
                    _("Serial number %(serial)s was delivered to %(customer)s, not to the chosen customer.")
                    % {"serial": serial, "customer": self.delivery.customer},
                )
        if customer is None and "customer" not in self.errors:
            self.add_error(
                "customer", _("Choose the customer: search by name, code or phone, or give a delivered serial number.")
            )
        return cleaned

    def service_data(self) -> dict:
        """Return the keyword arguments of complaints.services.complaint_create."""
        data = dict(self.cleaned_data)
        data["delivery"] = self.delivery
        for name in ["serial_number", "batch_number", "product_model", "delivery_date"]:
            if not data[name]:
                del data[name]  # let the delivered unit fill it in
        if self.delivery is not None and data["warranty_status"] == Complaint.Warranty.UNKNOWN:
            del data["warranty_status"]
        return data


def find_delivery(customers, *, serial: str = "", batch: str = "", customer=None) -> Delivery | None:
    """Return the delivered unit with ``serial`` (or the customer's latest lot of ``batch``)."""
    deliveries = Delivery.objects.filter(customer__in=customers).select_related("product_model", "customer")
    if serial:
        return deliveries.filter(serial_number=serial.strip().upper()).first()
    if batch and customer is not None:
        return deliveries.filter(customer=customer, batch_number=batch.strip().upper()).first()
    return None


# --- one form per step --------------------------------------------------------


class ActionForm(LengthHints, forms.Form):
    """A step's form; its prefix is the step's name so that several fit on one page."""

    action = ""

    def __init__(self, data=None, files=None, *, complaint: Complaint, user, **kwargs):
        self.complaint, self.user = complaint, user
        super().__init__(data, files, prefix=self.action, **kwargs)


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RespondForm(ActionForm):
    action = "respond"
    kind = forms.ChoiceField(label=_("How"), choices=Interaction.Kind.choices, initial=Interaction.Kind.CALL)
    reply = forms.CharField(label=_("What was said to the customer"), widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(ActionForm):
    action = "assign"
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=handlers())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].initial = self.complaint.assignee_id


class PauseForm(ActionForm):
    action = "pause"
    reason = forms.CharField(
        label=_("Reason"), max_length=200, help_text=_("For example: waiting for the customer's test data.")
    )


class ResumeForm(NoteForm):
    action = "resume"


class TimetableForm(ActionForm):
    action = "timetable"
    promised_date = forms.DateField(label=_("Promised resolution date"), widget=DateInput())
    timetable = forms.CharField(label=_("Timetable given to the customer"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["promised_date"].initial = self.complaint.promised_resolution_date
        self.fields["timetable"].initial = self.complaint.promised_timetable

    def clean(self):
        cleaned = super().clean()
        problems = dates.timetable_problems(
            promised_date=cleaned.get("promised_date"), received_at=self.complaint.received_at
        )
        dates.add_problems(self, problems)
        return cleaned


class AttachForm(ActionForm):
    action = "attach"
    files = MultipleFileField(
        label=_("Photos and files"), help_text=_("Photos (JPG, PNG, GIF, WebP), PDF files or spreadsheets.")
    )

    def clean_files(self):
        return check_uploads(self.cleaned_data["files"])


class AnalysisForm(ActionForm):
    action = "analysis"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widgets = {
            "responsibility_reason": forms.Textarea(attrs={"rows": 3}),
            "disposal_plan": forms.Textarea(attrs={"rows": 3}),
        }
        self.fields.update(fields_for_model(Complaint, fields=ANALYSIS_FIELDS, widgets=widgets))
        for name in ANALYSIS_FIELDS:
            self.fields[name].initial = getattr(self.complaint, name)


class StartAnalysisForm(NoteForm):
    action = "start_analysis"


class SubmitForApprovalForm(NoteForm):
    action = "submit_for_approval"


class SignForm(NoteForm):
    action = "sign"


class SendBackForm(ReasonForm):
    action = "send_back"


class CancelForm(ReasonForm):
    action = "cancel"


class ReopenForm(ReasonForm):
    action = "reopen"


class CloseForm(ActionForm):
    """The customer's acceptance and the reply, plus the sections other apps ask for (see closing)."""

    action = "close"
    acceptance_name = forms.CharField(label=_("Accepted by (customer)"), max_length=50)
    acceptance_date = forms.DateField(label=_("Acceptance date"), widget=DateInput(), initial=timezone.localdate)
    acceptance_remarks = forms.CharField(
        label=_("Acceptance remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reply_to_customer = forms.CharField(
        label=_("Reply to the customer (handling and result)"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = {}
        for section in close_sections():
            fields = section.fields(user=self.user, complaint=self.complaint)
            if not fields:
                continue
            first = next(iter(fields.values()))
            first.section_heading = section.heading  # the template starts the section here
            self.fields.update(fields)
            self.sections[section] = list(fields)

    def clean(self):
        cleaned = super().clean()
        problems = dates.closing_problems(
            acceptance_date=cleaned.get("acceptance_date"), received_at=self.complaint.received_at
        )
        dates.add_problems(self, problems)
        return cleaned

    def split(self) -> tuple[dict, list]:
        """Return the closing data and each asked section with its data."""
        data = dict(self.cleaned_data)
        sections = [(section, {name: data.pop(name) for name in names}) for section, names in self.sections.items()]
        return data, sections


ACTION_FORMS = {
    form.action: form
    for form in [
        RespondForm,
        StartAnalysisForm,
        AnalysisForm,
        SubmitForApprovalForm,
        SignForm,
        SendBackForm,
        CloseForm,
        AssignForm,
        PauseForm,
        ResumeForm,
        TimetableForm,
        AttachForm,
        ReopenForm,
        CancelForm,
    ]
}
