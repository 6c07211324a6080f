from django.db import models
from django.db.models import Q


class CustomerQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        """Scope to what the user may see: sales staff see only their own customers."""
        if not user.is_authenticated or not user.has_perm("customers.view_customer"):
            return self.none()
        if user.has_perm("customers.view_all_customers"):
            return self
        return self.filter(salesperson=user)

    def search(self, text: str):
        """Match a code or name, a contact's phone or a delivered serial number.

        Each branch is an indexed sub-select (code and phone prefix, serial prefix,
        name substring on a trigram index in PostgreSQL), so the search stays fast on
        a large ledger.
        """
        from .models import Contact, Delivery

        text = text.strip()
        if not text:
            return self
        upper = text.upper()
        return self.filter(
            Q(code__startswith=upper)
            | Q(name__icontains=text)
            | Q(pk__in=Contact.objects.filter(phone__startswith=text).values("customer_id"))
            | Q(pk__in=Delivery.objects.filter(serial_number__startswith=upper).values("customer_id"))
        )

    def for_list(self):
        return self.select_related("tier", "salesperson")


class DeliveryQuerySet(models.QuerySet):
    def in_warranty(self, on):
        return self.filter(warranty_end__gte=on)

    def out_of_warranty(self, on):
        return self.filter(warranty_end__lt=on)

    def for_list(self):
        return self.select_related("product_model", "customer")
