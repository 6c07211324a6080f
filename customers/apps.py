from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customer ledger")

    def ready(self):
        from . import importers  # noqa: F401 — registers the ledger's imports
