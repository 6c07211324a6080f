"""The complaint app's tab on the customer page (see customers.tabs)."""

from django.utils.translation import gettext_lazy as _

from customers.tabs import Tab, register_tab

register_tab(Tab("complaints", _("Complaints"), "complaints:customer_complaints", "complaints.view_complaint", 40))
