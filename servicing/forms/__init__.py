"""Forms and list filters of service visits, returns, follow-up calls and the knowledge base.

Forms only check and collect input; the services in ``servicing.services`` write.
"""

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.forms import LengthHints
from complaints.models import Complaint
from customers.forms import DateInput, DateTimeInput
from customers.models import Customer, ProductModel

from .. import dates
from ..models import CaseSummary, FollowUp, ReturnRecord, ServiceVisit
from ..services.records import last_visit_end

SATISFACTION_CHOICES = [
    (1, _("1 – Very dissatisfied")),
    (2, _("2 – Dissatisfied")),
    (3, _("3 – Neutral")),
    (4, _("4 – Satisfied")),
    (5, _("5 – Very satisfied")),
]

ATTITUDE_CHOICES = [
    (1, _("1 – Very poor")),
    (2, _("2 – Poor")),
    (3, _("3 – Acceptable")),
    (4, _("4 – Good")),
    (5, _("5 – Excellent")),
]


def engineers():
    """Return the active users who may be dispatched: holders of ``complaints.handle_complaint``."""
    perm = Permission.objects.filter(content_type__app_label="complaints", codename="handle_complaint")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=perm) | Q(user_permissions__in=perm) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


def day_bounds(first: datetime.date | None, last: datetime.date | None):
    """Return aware datetimes [first 00:00, last+1 00:00) in the local zone, so an index still serves."""
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz) if first else None
    high = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz) if last else None
    return low, high


def _style(form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")


def _customer_search(queryset, text: str, path: str = "customer"):
    text = text.strip()
    if not text:
        return queryset
    return queryset.filter(Q(**{f"{path}__code__startswith": text.upper()}) | Q(**{f"{path}__name__icontains": text}))


# --- list filters ---------------------------------------------------------------


class _PeriodFilterSet(django_filters.FilterSet):
    """A filter set with a customer search and a from/to period on ``period_field``."""

    period_field = ""
    period_is_datetime = True

    customer = django_filters.CharFilter(
        method="filter_customer",
        label=_("Customer"),
        widget=forms.TextInput(attrs={"placeholder": _("Name or code")}),
    )
    date_from = django_filters.DateFilter(method="filter_period", label=_("From"), widget=DateInput())
    date_to = django_filters.DateFilter(method="filter_period", label=_("To"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.form)

    def filter_customer(self, queryset, name, value):
        return _customer_search(queryset, value)

    def filter_period(self, queryset, name, value):
        field = self.period_field
        if name == "date_from":
            low = day_bounds(value, None)[0] if self.period_is_datetime else value
            return queryset.filter(**{f"{field}__gte": low})
        if self.period_is_datetime:
            return queryset.filter(**{f"{field}__lt": day_bounds(None, value)[1]})
        return queryset.filter(**{f"{field}__lte": value})


class VisitFilter(_PeriodFilterSet):
    period_field = "planned_start"

    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My visits"), widget=forms.CheckboxInput())
    engineer = django_filters.ModelChoiceFilter(queryset=get_user_model().objects.none(), label=_("Engineer"))
    result = django_filters.ChoiceFilter(choices=ServiceVisit.Result.choices, label=_("Result"))
    state = django_filters.ChoiceFilter(
        method="filter_state",
        label=_("Status"),
        choices=[("open", _("Not yet accepted")), ("archived", _("Accepted and archived"))],
    )

    class Meta:
        model = ServiceVisit
        fields = ["mine", "customer", "engineer", "result", "state", "date_from", "date_to"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.filters["engineer"].queryset = engineers()
        self.form.fields["engineer"].queryset = engineers()
        if not user.has_perm("complaints.handle_complaint"):
            del self.form.fields["mine"]
            del self.filters["mine"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(engineer=self.user) if value else queryset

    def filter_state(self, queryset, name, value):
        return queryset.filter(internal_accepted_at__isnull=(value == "open"))


class ReturnFilter(_PeriodFilterSet):
    period_field = "requested_on"
    period_is_datetime = False

    decision = django_filters.ChoiceFilter(choices=ReturnRecord.Decision.choices, label=_("Decision"))
    outcome = django_filters.ChoiceFilter(choices=ReturnRecord.Outcome.choices, label=_("What became of the goods"))

    class Meta:
        model = ReturnRecord
        fields = ["customer", "decision", "outcome", "date_from", "date_to"]


class FollowUpFilter(_PeriodFilterSet):
    period_field = "called_at"

    satisfaction = django_filters.ChoiceFilter(choices=SATISFACTION_CHOICES, label=_("Satisfaction"))
    reopened = django_filters.BooleanFilter(
        label=_("Reopened the complaint"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = FollowUp
        fields = ["customer", "satisfaction", "reopened", "date_from", "date_to"]

    def filter_customer(self, queryset, name, value):
        return _customer_search(queryset, value, "complaint__customer")


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Problem, cause, solution or keyword")}),
    )
    product_model = django_filters.ModelChoiceFilter(queryset=ProductModel.objects.all(), label=_("Product model"))
    category = django_filters.ChoiceFilter(choices=Complaint.Category.choices, label=_("Category"))

    class Meta:
        model = CaseSummary
        fields = ["q", "product_model", "category"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.form)

    def filter_search(self, queryset, name, value):
        condition = Q()
        for word in value.split()[:5]:
            condition &= (
                Q(problem__icontains=word)
                | Q(cause__icontains=word)
                | Q(solution__icontains=word)
                | Q(keywords__icontains=word)
            )
        return queryset.filter(condition)


# --- forms ----------------------------------------------------------------------


class ComplaintNumberMixin:
    """Turn the optional ``complaint_number`` into ``complaint``: visible and of the chosen customer."""

    def clean_complaint_for(self, customer):
        number = (self.cleaned_data.get("complaint_number") or "").strip().upper()
        self.cleaned_data["complaint"] = None
        if not number or customer is None:
            return
        complaint = Complaint.objects.visible_to(self.user).filter(number=number).first()
        if complaint is None:
            self.add_error("complaint_number", _("There is no complaint numbered %(number)s.") % {"number": number})
        elif complaint.customer_id != customer.pk:
            self.add_error(
                "complaint_number",
                _("Complaint %(number)s belongs to another customer.") % {"number": number},
            )
        else:
            self.cleaned_data["complaint"] = complaint


def _customer_field(form, user):
    """Offer the active customers the user may see, plus the one prefilled or posted even if inactive."""
    keep = form.initial.get("customer") or form.data.get("customer")
    offered = Q(is_active=True)
    if str(keep).isdigit():
        offered |= Q(pk=keep)
    form.fields["customer"].queryset = Customer.objects.visible_to(user).filter(offered).order_by("code")


class VisitDispatchForm(LengthHints, ComplaintNumberMixin, forms.ModelForm):
    complaint_number = forms.CharField(
        label=_("Complaint number"),
        required=False,
        max_length=30,
        help_text=_("Optional: the complaint this visit serves, e.g. TS-202601-0001."),
    )

    class Meta:
        model = ServiceVisit
        fields = ["customer", "engineer", "kind", "place", "people", "planned_start", "planned_end"]
        widgets = {"planned_start": DateTimeInput(), "planned_end": DateTimeInput()}

    field_order = ["customer", "complaint_number", "engineer", "kind", "place", "people"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineers()
        if self.instance.pk:
            del self.fields["customer"]
            del self.fields["complaint_number"]
        else:
            _customer_field(self, user)

    def clean(self):
        cleaned = super().clean()
        problems = dates.visit_problems(
            planned_start=cleaned.get("planned_start"), planned_end=cleaned.get("planned_end")
        )
        dates.add_problems(self, problems)
        if "complaint_number" in self.fields:
            self.clean_complaint_for(cleaned.get("customer"))
        return cleaned

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}
        if "complaint_number" in self.fields:
            data["complaint"] = self.cleaned_data["complaint"]
        return data


class VisitRecordForm(LengthHints, forms.ModelForm):
    """What happened on the visit and the customer's acceptance (服务验收)."""

    class Meta:
        model = ServiceVisit
        fields = [
            "actual_start",
            "actual_end",
            "work_done",
            "parts_used",
            "result",
            "customer_acceptance_name",
            "customer_acceptance_date",
            "customer_remarks",
        ]
        widgets = {
            "actual_start": DateTimeInput(),
            "actual_end": DateTimeInput(),
            "customer_acceptance_date": DateInput(),
            "work_done": forms.Textarea(attrs={"rows": 4}),
            "parts_used": forms.Textarea(attrs={"rows": 2}),
            "customer_remarks": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"parts_used": _("Part code, name and quantity, one per line.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Parts are asked for and issued through requisitions now; an old free-text note stays editable.
        if self.instance.parts_used:
            self.fields["parts_used"].label = _("Parts used (old note)")
            self.fields["parts_used"].help_text = _("Parts are now requested through a parts requisition.")
        else:
            del self.fields["parts_used"]

    def clean(self):
        cleaned = super().clean()
        accepted_on = cleaned.get("customer_acceptance_date")
        problems = dates.visit_problems(
            actual_start=cleaned.get("actual_start"), actual_end=cleaned.get("actual_end"), acceptance_date=accepted_on
        )
        dates.add_problems(self, problems)
        if accepted_on and not (cleaned.get("customer_acceptance_name") or "").strip():
            self.add_error("customer_acceptance_name", _("Give the name of the customer who accepted the work."))
        return cleaned


class ReturnForm(LengthHints, ComplaintNumberMixin, forms.ModelForm):
    complaint_number = forms.CharField(
        label=_("Complaint number"),
        required=False,
        max_length=30,
        help_text=_("Optional: the complaint that led to the return, e.g. TS-202601-0001."),
    )

    class Meta:
        model = ReturnRecord
        fields = [
            "customer",
            "product_model",
            "serial_number",
            "batch_number",
            "quantity",
            "reason",
            "decision",
            "outcome",
            "requested_on",
            "received_on",
            "closed_on",
            "notes",
        ]
        widgets = {
            "requested_on": DateInput(),
            "received_on": DateInput(),
            "closed_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    field_order = ["customer", "complaint_number", "product_model"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        models = ProductModel.objects.filter(Q(is_active=True) | Q(pk=self.instance.product_model_id or 0))
        self.fields["product_model"].queryset = models
        self.fields["quantity"].min_value = 1
        self.fields["quantity"].widget.attrs["min"] = 1
        if self.instance.pk:
            del self.fields["customer"]
            del self.fields["complaint_number"]
        else:
            _customer_field(self, user)

    def clean_serial_number(self):
        return self.cleaned_data["serial_number"].strip().upper()

    def clean_batch_number(self):
        return self.cleaned_data["batch_number"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        names = ("requested_on", "received_on", "closed_on")
        dates.add_problems(self, dates.return_problems(**{name: cleaned.get(name) for name in names}))
        if cleaned.get("quantity") is not None and cleaned["quantity"] < 1:
            self.add_error("quantity", _("The quantity must be at least 1."))
        if "complaint_number" in self.fields:
            self.clean_complaint_for(cleaned.get("customer"))
        return cleaned

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}
        if "complaint_number" in self.fields:
            data["complaint"] = self.cleaned_data["complaint"]
        return data


class FollowUpForm(LengthHints, forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"), choices=SATISFACTION_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    attitude = forms.TypedChoiceField(
        label=_("Engineer's service attitude"),
        choices=ATTITUDE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("How the customer rates the attitude of the engineer who handled the case."),
    )
    contact_name = forms.CharField(label=_("Spoke with"), max_length=50, required=False)
    remarks = forms.CharField(
        label=_("Remarks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the customer is not satisfied (1 or 2): the complaint is then reopened."),
    )
    called_at = forms.DateTimeField(label=_("Called at"), widget=DateTimeInput())

    def __init__(self, *args, complaint, **kwargs):
        self.complaint = complaint
        kwargs.setdefault("initial", {}).setdefault("called_at", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        score, remarks = cleaned.get("satisfaction"), (cleaned.get("remarks") or "").strip()
        if score is not None and score < FollowUp.UNSATISFIED_BELOW and not remarks:
            self.add_error("remarks", _("Write down why the customer is not satisfied."))
        problems = dates.follow_up_problems(
            called_at=cleaned.get("called_at"),
            closed_at=self.complaint.closed_at,
            visit_end=last_visit_end(self.complaint),
        )
        dates.add_problems(self, problems)
        return cleaned


class CaseSummaryForm(LengthHints, forms.ModelForm):
    class Meta:
        model = CaseSummary
        fields = ["product_model", "category", "problem", "cause", "solution", "keywords"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "solution": forms.Textarea(attrs={"rows": 3}),
        }


from .quotes import (  # noqa: E402, F401
    ClaimCostForm,
    CostFilterForm,
    QuoteAnswerForm,
    QuoteForm,
    QuoteSendForm,
    line_formset,
)
