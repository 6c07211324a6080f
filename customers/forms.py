from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .filters import salespeople
from .models import Contact, Customer, Delivery, Interaction, ProductModel


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = [
            "code",
            "name",
            "tier",
            "industry",
            "region",
            "address",
            "salesperson",
            "relationship",
            "notes",
            "is_active",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.has_perm("customers.view_all_customers"):
            self.fields["salesperson"].queryset = salespeople()
        else:
            del self.fields["salesperson"]

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        duplicates = Customer.objects.filter(code=code).exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(_("Customer code %(code)s is already used."), params={"code": code})
        return code


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "phone", "email", "gender", "birthday", "role", "is_primary", "relationship", "interests"]
        widgets = {"birthday": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        blank = _("The customer's level")
        self.fields["relationship"].choices = [("", blank), *Customer.Relationship.choices]

    def clean_birthday(self):
        # The birthday drives the customer care greetings: one in the future cannot be right.
        birthday = self.cleaned_data.get("birthday")
        if birthday and birthday > timezone.localdate():
            raise forms.ValidationError(_("A birthday cannot be in the future."))
        return birthday

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("phone") and not cleaned.get("email"):
            raise forms.ValidationError(_("Give a phone number or an e-mail address."))
        return cleaned


class DeliveryForm(forms.ModelForm):
    class Meta:
        model = Delivery
        fields = [
            "product_model",
            "quantity",
            "batch_number",
            "serial_number",
            "certificate_number",
            "delivery_date",
            "receiving_unit",
        ]
        widgets = {"delivery_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_model"].queryset = ProductModel.objects.filter(is_active=True)

    def clean_serial_number(self):
        serial = self.cleaned_data["serial_number"].strip().upper()
        if serial and Delivery.objects.filter(serial_number=serial).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Serial number %(serial)s is already recorded."), params={"serial": serial})
        return serial


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["kind", "direction", "occurred_at", "contact", "summary", "response", "follow_up_on"]
        widgets = {
            "occurred_at": DateTimeInput(),
            "follow_up_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 2}),
            "response": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = customer.contacts.all()

    def clean(self):
        cleaned = super().clean()
        occurred, follow_up = cleaned.get("occurred_at"), cleaned.get("follow_up_on")
        if occurred and follow_up and follow_up < occurred.date():
            self.add_error("follow_up_on", _("The follow-up date cannot be before the interaction."))
        return cleaned
