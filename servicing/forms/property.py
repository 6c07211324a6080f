"""Forms and the list filter of customer property (顾客财产)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.forms import LengthHints
from aftersales.uploads import check_uploads
from complaints.forms import MultipleFileField
from complaints.models import Complaint
from customers.forms import DateInput, DateTimeInput
from customers.models import Customer, ProductModel

from ..models import CustomerProperty, ServiceVisit
from . import _customer_search, _style


def property_holders():
    """Return the active users who may hold customer property (change_customerproperty)."""
    perm = Permission.objects.filter(content_type__app_label="servicing", codename="change_customerproperty")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=perm) | Q(user_permissions__in=perm) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )


class PropertyFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CustomerProperty.State.choices, label=_("State"))
    customer = django_filters.CharFilter(
        method="filter_customer",
        label=_("Customer"),
        widget=forms.TextInput(attrs={"placeholder": _("Name or code")}),
    )
    place = django_filters.CharFilter(field_name="storage_place", lookup_expr="icontains", label=_("Storage place"))
    serial = django_filters.CharFilter(method="filter_serial", label=_("Serial number"))

    class Meta:
        model = CustomerProperty
        fields = ["state", "customer", "place", "serial"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self.form)

    def filter_customer(self, queryset, name, value):
        return _customer_search(queryset, value)

    def filter_serial(self, queryset, name, value):
        return queryset.filter(serial_number__startswith=value.strip().upper())


class PropertyReceiveForm(LengthHints, forms.ModelForm):
    customer_code = forms.CharField(label=_("Customer code"), max_length=30)
    complaint_number = forms.CharField(
        label=_("Complaint number"), required=False, max_length=30, help_text=_("Optional, e.g. TS-202601-0001.")
    )
    visit = forms.IntegerField(label=_("Service visit number"), required=False, min_value=1)
    photos = MultipleFileField(
        label=_("Photos and files"),
        required=False,
        help_text=_("Photos (JPG, PNG, GIF, WebP), PDF files or spreadsheets; several at once."),
    )

    class Meta:
        model = CustomerProperty
        fields = [
            "product_model",
            "serial_number",
            "description",
            "quantity",
            "condition",
            "storage_place",
            "received_at",
        ]
        widgets = {
            "received_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
            "condition": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["customer_code", "complaint_number", "visit"]

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["product_model"].queryset = ProductModel.objects.filter(is_active=True)
        self.fields["quantity"].min_value = 1
        self.fields["quantity"].widget.attrs["min"] = 1
        self.fields["received_at"].required = False

    def clean_customer_code(self):
        from ..services import may_see_property_of

        code = self.cleaned_data["customer_code"].strip().upper()
        customer = Customer.objects.filter(code=code).first()
        if customer is None or not may_see_property_of(self.user, customer):
            raise forms.ValidationError(_("There is no customer with code %(code)s."), params={"code": code})
        return customer

    def clean_serial_number(self):
        return self.cleaned_data["serial_number"].strip().upper()

    def clean_photos(self):
        return check_uploads(self.cleaned_data["photos"])

    def clean_received_at(self):
        value = self.cleaned_data.get("received_at")
        if value and value > timezone.now():
            raise forms.ValidationError(_("The goods cannot be received in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        customer = cleaned.get("customer_code")
        cleaned["complaint"] = cleaned["visit_record"] = None
        number = (cleaned.get("complaint_number") or "").strip().upper()
        if customer and number:
            cleaned["complaint"] = Complaint.objects.filter(number=number, customer=customer).first()
            if cleaned["complaint"] is None:
                self.add_error(
                    "complaint_number", _("The customer has no complaint numbered %(number)s.") % {"number": number}
                )
        if customer and cleaned.get("visit"):
            cleaned["visit_record"] = ServiceVisit.objects.filter(pk=cleaned["visit"], customer=customer).first()
            if cleaned["visit_record"] is None:
                self.add_error("visit", _("The customer has no service visit with this number."))
        return cleaned

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data.update(
            customer=self.cleaned_data["customer_code"],
            complaint=self.cleaned_data["complaint"],
            visit=self.cleaned_data["visit_record"],
            photos=self.cleaned_data["photos"],
        )
        return data


class PropertyMoveForm(LengthHints, forms.Form):
    to_holder = forms.ModelChoiceField(label=_("To (person)"), queryset=get_user_model().objects.none(), required=False)
    to_place = forms.CharField(label=_("To (place)"), max_length=100, help_text=_("E.g. test lab, repair shop, store."))
    reason = forms.CharField(label=_("Why"), max_length=200)
    moved_at = forms.DateTimeField(label=_("When"), required=False, widget=DateTimeInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_holder"].queryset = property_holders()
        _style(self)


class PropertyReturnForm(forms.Form):
    returned_to = forms.CharField(label=_("Signed for by (customer)"), max_length=50)
    returned_on = forms.DateField(label=_("Returned on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class PropertyLossForm(forms.Form):
    loss_kind = forms.ChoiceField(label=_("Lost or damaged"), choices=CustomerProperty.LossKind.choices)
    loss_found_on = forms.DateField(label=_("Found on"), widget=DateInput())
    loss_found_by = forms.CharField(label=_("Found by"), max_length=50)
    loss_description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class PropertyReportForm(forms.Form):
    report_method = forms.ChoiceField(label=_("How"), choices=CustomerProperty.ReportMethod.choices)
    reported_to = forms.CharField(
        label=_("Whom"),
        max_length=200,
        required=False,
        help_text=_("By e-mail it goes to the customer's primary contact."),
    )
    report_note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class PropertyPhotoForm(forms.Form):
    files = MultipleFileField(
        label=_("Photos and files"), help_text=_("Photos (JPG, PNG, GIF, WebP), PDF files or spreadsheets.")
    )

    def clean_files(self):
        return check_uploads(self.cleaned_data["files"])


class UnitSearchForm(forms.Form):
    serial = forms.CharField(label=_("Serial number"), max_length=50)
