from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customer ledger")

    def ready(self):
        from aftersales.exporting import register_export

        from . import importers  # noqa: F401 — registers the ledger's imports
        from .admin import build_admin_export
        from .models import Contact, Customer, Delivery

        # An admin export with more rows than a request may write runs as a background job.
        for model in (Customer, Contact, Delivery):
            opts = model._meta
            register_export(
                f"{opts.app_label}.{opts.model_name}",
                title=opts.verbose_name_plural,
                permission=f"{opts.app_label}.export_{opts.model_name}",
                build=build_admin_export(model),
            )
