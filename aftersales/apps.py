from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "aftersales"
    verbose_name = _("Users and roles")

    def ready(self):
        from . import access

        access.connect_signals()
