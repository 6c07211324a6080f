from django.db import models


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

        Each branch is an indexed lookup (code, phone and serial prefix; name substring
        on a trigram index in PostgreSQL) and their ids are UNIONed before the ledger is
        touched: an OR of sub-selects would scan every customer.
        """
        from .models import Contact, Customer, Delivery

        text = text.strip()
        if not text:
            return self
        upper = text.upper()
        ids = (
            Customer.objects.filter(code__startswith=upper)
            .order_by()
            .values("pk")
            .union(
                Customer.objects.filter(name__icontains=text).order_by().values("pk"),
                Contact.objects.filter(phone__startswith=text).order_by().values("customer_id"),
                Delivery.objects.filter(serial_number__startswith=upper).order_by().values("customer_id"),
            )
        )
        return self.filter(pk__in=ids)

    def for_list(self):
        return self.select_related("tier", "salesperson")


class DeliveryQuerySet(models.QuerySet):
    def in_warranty(self, on):
        return self.filter(warranty_end__gte=on)

    def out_of_warranty(self, on):
        return self.filter(warranty_end__lt=on)

    def for_list(self):
        return self.select_related("product_model", "customer")
