from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from aftersales import outbox

        from . import emails, tabs  # noqa: F401  (tabs registers the customer page's tabs)

        outbox.register("complaints", emails.deliver)
