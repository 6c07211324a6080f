"""The complaint app's tabs on the customer page (see customers.tabs)."""

from django.utils.translation import gettext_lazy as _

from customers.tabs import Tab, register_tab

register_tab(Tab("complaints", _("Complaints"), "complaints:customer_complaints", "complaints.view_complaint", 40))
register_tab(Tab("visits", _("Service visits"), "complaints:customer_visits", "complaints.view_servicevisit", 50))
register_tab(Tab("returns", _("Returns"), "complaints:customer_returns", "complaints.view_returnrecord", 60))
