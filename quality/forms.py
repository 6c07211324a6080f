"""The forms of the quality pages: raising a sheet, one small form per step, and the actions."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.forms import LengthHints
from aftersales.uploads import check_uploads
from complaints.forms import MultipleFileField
from complaints.models import Complaint, Severity
from customers.forms import DateInput
from customers.models import Customer, Delivery, ProductModel

from .filters import active_users, investigators, task_owners, users_with_perm
from .models import Assessment, CapaAction, CapaSource, RootCause
from .services.capa import capa_date_problems, check_verification_timing
from .services.sheet import check_investigation_due

WHY_COUNT = 5


def _not_past(value, *, current=None):
    problems = capa_date_problems(due_date=value, current_due=current)
    if problems:
        raise forms.ValidationError(problems["due_date"])
    return value


def _add_problems(form, problems: dict) -> None:
    for name, message in problems.items():
        if message:
            form.add_error(name, message)


def _text(label, rows=3, required=True, **kwargs):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


# --- raising a sheet ------------------------------------------------------------------


class SheetRaiseForm(LengthHints, forms.Form):
    """A sheet from a company-caused complaint (its unit comes from the complaint) or from field data."""

    title = forms.CharField(label=_("Problem"), max_length=200)
    description = _text(_("Description"), rows=4)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL)
    customer = forms.CharField(
        label=_("Customer code"),
        max_length=30,
        required=False,
        help_text=_("Leave empty for field data of no customer."),
    )
    product_model = forms.ModelChoiceField(
        label=_("Product model"), queryset=ProductModel.objects.filter(is_active=True), required=False
    )
    batch_number = forms.CharField(label=_("Batch number"), max_length=50, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=50, required=False)

    UNIT_FIELDS = ("customer", "product_model", "batch_number", "serial_number")
    error_fields = {"responsibility": "title", "linked": "title"}

    def __init__(self, *args, user, complaint: Complaint | None = None, **kwargs):
        self.user, self.complaint = user, complaint
        if complaint is not None:
            kwargs["initial"] = {
                "title": complaint.title,
                "description": complaint.description,
                "severity": complaint.severity,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        if complaint is not None:
            for name in self.UNIT_FIELDS:
                del self.fields[name]

    def clean_customer(self):
        code = self.cleaned_data["customer"].strip().upper()
        if not code:
            return None
        customer = Customer.objects.visible_to(self.user).filter(code=code).first()
        if customer is None:
            raise forms.ValidationError(_("No customer of yours has the code %(code)s."), params={"code": code})
        return customer

    def clean_batch_number(self):
        return self.cleaned_data["batch_number"].strip().upper()

    def clean_serial_number(self):
        return self.cleaned_data["serial_number"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        serial = cleaned.get("serial_number")
        if self.complaint is None and serial and not self.errors:
            # A delivered serial number fills in what was left empty.
            customers = Customer.objects.visible_to(self.user)
            deliveries = Delivery.objects.select_related("customer", "product_model")
            delivery = deliveries.filter(serial_number=serial, customer__in=customers).first()
            if delivery is not None:
                cleaned["customer"] = cleaned.get("customer") or delivery.customer
                cleaned["product_model"] = cleaned.get("product_model") or delivery.product_model
                cleaned["batch_number"] = cleaned.get("batch_number") or delivery.batch_number
        return cleaned

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


# --- one form per step on a sheet (and on an action) ---------------------------------------


class StepForm(LengthHints, forms.Form):
    """A step's form; its prefix is the step's name so that several fit on one page.

    ``error_fields`` maps the codes of the service's ValidationErrors to this form's fields.
    """

    action = ""
    error_fields: dict[str, str] = {}

    def __init__(self, data=None, files=None, *, record, user, prefix=None, **kwargs):
        self.record, self.user = record, user
        super().__init__(data, files, prefix=prefix or self.action, **kwargs)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class NoteForm(StepForm):
    note = _text(_("Note"), rows=2, required=False)


class ReasonForm(StepForm):
    reason = _text(_("Reason"), rows=2)


class AssignForm(StepForm):
    action = "assign"
    error_fields = {"investigator": "investigator", "due_date": "due_date"}
    investigator = forms.ModelChoiceField(label=_("Investigator"), queryset=investigators())
    due_date = forms.DateField(label=_("Investigation due"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigator"].initial = self.record.investigator_id
        self.fields["due_date"].initial = self.record.investigation_due

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        try:
            check_investigation_due(due_date, current=self.record.investigation_due)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return due_date


class AnalysisForm(StepForm):
    action = "analysis"
    root_cause = forms.ChoiceField(
        label=_("Root-cause category"), choices=[("", "---------"), *RootCause.choices], required=False
    )
    analysis = _text(_("Root cause"), required=False)
    fishbone = _text(
        _("Fishbone notes"),
        rows=3,
        required=False,
        help_text=_("Man, machine, material, method, measurement, environment."),
    )
    containment = _text(_("Containment actions"), rows=2, required=False)
    scope_note = _text(
        _("Scope"), rows=2, required=False, help_text=_("Batches, serial numbers and customers that may be affected.")
    )
    proposed_disposal = _text(_("Proposed disposal"), rows=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        whys = list(self.record.five_whys or [])
        for i in range(WHY_COUNT):
            self.fields[f"why_{i + 1}"] = forms.CharField(
                label=_("Why %(n)d") % {"n": i + 1}, max_length=300, required=False
            )
            self.fields[f"why_{i + 1}"].initial = whys[i] if i < len(whys) else ""
        for name in ("root_cause", "analysis", "fishbone", "containment", "scope_note", "proposed_disposal"):
            self.fields[name].initial = getattr(self.record, name)
        # The five whys follow the root cause, before the fishbone notes.
        order = ["root_cause", "analysis", *(f"why_{i + 1}" for i in range(WHY_COUNT)), "fishbone"]
        self.order_fields(order)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["five_whys"] = [data.pop(f"why_{i + 1}") for i in range(WHY_COUNT)]
        return data


class SubmitAnalysisForm(NoteForm):
    action = "submit_analysis"


class ReviewForm(NoteForm):
    action = "review"


class SendBackForm(ReasonForm):
    action = "send_back"


class SignForm(NoteForm):
    action = "sign"


class TaskForm(LengthHints, forms.Form):
    department = forms.CharField(label=_("Department"), max_length=100)
    owner = forms.ChoiceField(label=_("Owner"))
    requirement = _text(_("What is required"), rows=2)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        # Grouped by department: the owner is one of the responsible department's own staff.
        groups = {}
        for pk, person in self.people.items():
            groups.setdefault(person.department, []).append((pk, str(person)))
        self.fields["owner"].choices = [("", "---------"), *groups.items()]
        self.fields["owner"].help_text = _("Active staff of the department who can open quality sheets.")

    def clean_owner(self):
        return self.people[self.cleaned_data["owner"]]

    def clean(self):
        data = super().clean()
        owner, department = data.get("owner"), (data.get("department") or "").strip()
        if owner is not None and department and owner.department != department:
            self.add_error(
                "owner",
                _("%(name)s is not staff of %(department)s (their department: %(own)s).")
                % {"name": owner, "department": department, "own": owner.department},
            )
        return data

    def clean_due_date(self):
        return _not_past(self.cleaned_data["due_date"])


class BaseTaskFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(_("Name at least one responsible department."))


TaskFormSet = forms.formset_factory(TaskForm, formset=BaseTaskFormSet, extra=3, max_num=20, absolute_max=20)


class DistributeForm(StepForm):
    """The responsible departments, one row each; empty rows are ignored."""

    action = "distribute"

    def __init__(self, data=None, files=None, **kwargs):
        super().__init__(data, files, **kwargs)
        # One query, shared by every row's owner choice; owners must be able to open the sheet.
        people = list(task_owners())
        self.formset = TaskFormSet(data, prefix="distribute-tasks", form_kwargs={"people": people})

    def is_valid(self):
        return super().is_valid() & self.formset.is_valid()

    def non_field_errors(self):
        errors = list(super().non_field_errors())
        if self.is_bound:
            errors += list(self.formset.non_form_errors())
            # The rows' own errors are marked on them; the summary names each row with a problem.
            for number, row in enumerate(self.formset.forms, 1):
                messages = [message for field_errors in row.errors.values() for message in field_errors]
                if messages:
                    errors.append(_("Department %(n)d: %(errors)s") % {"n": number, "errors": " ".join(messages)})
        return self.error_class(errors, error_class="nonfield")

    def service_data(self) -> dict:
        rows = [form.cleaned_data for form in self.formset.forms if form.has_changed() and form.cleaned_data]
        return {"tasks": rows}


class AssessForm(StepForm):
    action = "assess"
    error_fields = {"responsible": "department"}
    department = forms.CharField(label=_("Responsible department"), max_length=100, required=False)
    person = forms.ModelChoiceField(label=_("Responsible person"), queryset=active_users(), required=False)
    person_name = forms.CharField(
        label=_("Responsible person (name)"),
        max_length=50,
        required=False,
        help_text=_("When the person has no account."),
    )
    kind = forms.ChoiceField(label=_("Assessed in"), choices=Assessment.Kind.choices, initial=Assessment.Kind.POINTS)
    value = forms.DecimalField(label=_("Points or amount"), min_value=0, max_digits=10, decimal_places=2)
    remarks = _text(_("Remarks"), rows=2, required=False)

    def clean(self):
        cleaned = super().clean()
        if not (
            cleaned.get("department", "").strip() or cleaned.get("person") or cleaned.get("person_name", "").strip()
        ):
            self.add_error("department", _("Name the responsible department or person."))
        return cleaned


class CapaFields(StepForm):
    """What every corrective or preventive action holds."""

    error_fields = {
        "due_date": "due_date",
        "notice": "notice_unit",
        "sheet": "problem",
        "reply_deadline": "reply_deadline",
    }
    kind = forms.ChoiceField(label=_("Type"), choices=CapaAction.Kind.choices, initial=CapaAction.Kind.CORRECTIVE)
    problem = _text(_("Problem"), rows=2)
    planned_action = _text(_("Planned action"), rows=3)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=users_with_perm("quality.view_capaaction"))
    department = forms.CharField(label=_("Department"), max_length=100)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    verification_days = forms.IntegerField(
        label=_("Verify effectiveness after (days)"), min_value=1, max_value=365, initial=30
    )

    def clean_due_date(self):
        return _not_past(self.cleaned_data["due_date"])


class CapaFromSheetForm(CapaFields):
    action = "capa"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].initial = self.record.title


class SheetAttachForm(StepForm):
    action = "attach"
    error_fields = {code: "files" for code in ("file_type", "file_size", "file_empty", "file_content")}
    files = MultipleFileField(
        label=_("Evidence files"), help_text=_("Photos (JPG, PNG, GIF, WebP), PDF files or spreadsheets.")
    )

    def clean_files(self):
        return check_uploads(self.cleaned_data["files"])


class LinkForm(StepForm):
    action = "link"
    error_fields = {"responsibility": "complaint", "linked": "complaint"}
    complaint = forms.CharField(
        label=_("Complaint number"), max_length=20, help_text=_("Another company-caused complaint of the same problem.")
    )

    def clean_complaint(self):
        number = self.cleaned_data["complaint"].strip().upper()
        complaint = Complaint.objects.visible_to(self.user).filter(number=number).first()
        if complaint is None:
            raise forms.ValidationError(
                _("No complaint you may see has the number %(number)s."), params={"number": number}
            )
        return complaint


class CloseForm(StepForm):
    action = "close"
    outcome = _text(_("Outcome for the customer"), rows=3, help_text=_("What the sales department tells the customer."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].initial = self.record.outcome


class InformForm(StepForm):
    action = "inform"
    note = _text(_("How the customer was told"), rows=2, help_text=_("Who was called or written to, and when."))


SHEET_FORMS = {
    form.action: form
    for form in [
        AssignForm,
        AnalysisForm,
        SubmitAnalysisForm,
        ReviewForm,
        SendBackForm,
        SignForm,
        DistributeForm,
        AssessForm,
        CapaFromSheetForm,
        SheetAttachForm,
        LinkForm,
        CloseForm,
        InformForm,
    ]
}


# --- department tasks -------------------------------------------------------------------------


class TaskAcknowledgeForm(StepForm):
    action = "acknowledge"


class TaskCompleteForm(StepForm):
    action = "complete"
    note = _text(_("What was done"), rows=2)


TASK_FORMS = {form.action: form for form in [TaskAcknowledgeForm, TaskCompleteForm]}


# --- corrective and preventive actions ------------------------------------------------------------


class CapaCreateForm(CapaFields):
    """A standalone action, or a rectification notice (source: supervision check)."""

    action = "create"
    source = forms.ChoiceField(
        label=_("Source"), choices=[c for c in CapaSource.choices if c[0] != CapaSource.QUALITY_SHEET]
    )
    source_reference = forms.CharField(
        label=_("Source record"),
        max_length=100,
        required=False,
        help_text=_("Number or title of the survey, check, audit or trend."),
    )
    notice_unit = forms.CharField(label=_("Unit to rectify"), max_length=100, required=False)
    notice_findings = _text(_("Findings of the check"), rows=3, required=False)
    reply_deadline = forms.DateField(label=_("Written reply due"), required=False, widget=DateInput())

    NOTICE_FIELDS = ("notice_unit", "notice_findings", "reply_deadline")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["kind", "source", "source_reference", *self.NOTICE_FIELDS])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == CapaSource.SUPERVISION:
            for name in self.NOTICE_FIELDS:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("A rectification notice needs this."))
            _add_problems(self, capa_date_problems(reply_deadline=cleaned.get("reply_deadline")))
        else:
            for name in self.NOTICE_FIELDS:
                cleaned.pop(name, None)
        return cleaned


class PlanForm(StepForm):
    action = "plan"
    error_fields = {"required": "planned_action"}
    planned_action = _text(_("Planned action"), rows=3)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_action"].initial = self.record.planned_action
        self.fields["due_date"].initial = self.record.due_date

    def clean_due_date(self):
        return _not_past(self.cleaned_data["due_date"], current=self.record.due_date)


class CheckForm(StepForm):
    action = "check"
    error_fields = {"date": "checked_on"}
    checked_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    finding = _text(_("Finding"), rows=2)

    def clean_checked_on(self):
        checked_on = self.cleaned_data["checked_on"]
        if checked_on and checked_on > timezone.localdate():
            raise forms.ValidationError(_("A check cannot be dated in the future."))
        return checked_on


class CompleteForm(StepForm):
    action = "complete"
    note = _text(_("What was done"), rows=3)


class VerifyForm(StepForm):
    """Effectiveness verification: effective closes the action, not effective reopens it with a new plan."""

    action = "verify"
    error_fields = {"due_date": "new_due_date", "too_early": "early", "required": "note"}
    effective = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("yes", _("Effective")), ("no", _("Not effective"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = _text(_("Evidence of the verification"), rows=2)
    new_plan = _text(_("New plan (when not effective)"), rows=2, required=False)
    new_due_date = forms.DateField(label=_("New due date (when not effective)"), required=False, widget=DateInput())
    early = forms.BooleanField(label=_("Verify before the due date"), required=False)
    early_reason = _text(_("Reason for verifying early"), rows=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        due = self.record.verification_due
        if due is None or due <= timezone.localdate():
            # Nothing to explain: the verification is due.
            del self.fields["early"], self.fields["early_reason"]
        else:
            self.fields["early"].help_text = _(
                "The verification is due on %(date)s. Tick this only when the effect can already be "
                "judged, and say why."
            ) % {"date": f"{due:%Y-%m-%d}"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("effective") is False:
            if not cleaned.get("new_plan", "").strip():
                self.add_error("new_plan", _("An action found not effective needs a new plan."))
            if not cleaned.get("new_due_date"):
                self.add_error("new_due_date", _("Give the new plan a due date."))
            else:
                _add_problems(
                    self, {"new_due_date": capa_date_problems(due_date=cleaned["new_due_date"]).get("due_date")}
                )
        if "early" in self.fields and cleaned.get("effective") is True:
            try:
                check_verification_timing(
                    self.record, early=cleaned.get("early", False), early_reason=cleaned.get("early_reason", "")
                )
            except ValidationError as error:
                self.add_error("early" if error.code == "too_early" else "early_reason", error.messages)
        return cleaned


class CancelForm(ReasonForm):
    action = "cancel"


class ReplyForm(StepForm):
    action = "reply"
    error_fields = {"date": "received_on"}
    reply_text = _text(_("Written reply"), rows=3)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput(), initial=timezone.localdate)

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        notice_date = timezone.localdate(self.record.created_at)
        problems = capa_date_problems(received_on=received_on, notice_date=notice_date)
        if problems:
            raise forms.ValidationError(problems["received_on"])
        return received_on


CAPA_FORMS = {form.action: form for form in [CompleteForm, PlanForm, CheckForm, VerifyForm, ReplyForm, CancelForm]}
