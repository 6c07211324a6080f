from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from aftersales import outbox
        from aftersales.exporting import register_export

        from . import emails, exports, tabs  # noqa: F401  (tabs registers the customer page's tabs)

        outbox.register("complaints", emails.deliver)
        register_export(
            exports.EXPORT_KIND,
            title=_("Complaints"),
            permission="complaints.export_complaint",
            build=exports.build_complaints_export,
        )
