from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Quality chain")

    def ready(self):
        from aftersales import outbox
        from complaints.panels import register_panel

        from . import emails

        outbox.register("quality", emails.deliver)

        from . import importers  # noqa: F401 — registers the CAPA import

        # The complaint page shows its quality sheet, or the button that raises one.
        register_panel("quality/_complaint_panel.html", order=10)

        # A company-caused complaint waits for its sheet: say which step, on the complaint's pages.
        from complaints.waiting import register_resolver

        from .waiting import complaint_steps

        register_resolver(complaint_steps)

        from . import hooks_capa_work, hooks_supervision

        hooks_capa_work.register()
        hooks_supervision.register()
