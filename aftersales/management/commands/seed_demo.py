"""Fill the database with demo data: ``python manage.py seed_demo``.

Each local app (``settings.LOCAL_APPS``) may ship a ``demo.py`` module with a function
``seed(*, stdout, style)``. This command calls them in ``INSTALLED_APPS`` order, each app
in its own transaction, so the command never imports an app directly and the one-way
dependencies hold (aftersales ← customers ← complaints ← quality ← servicing):

- ``aftersales/demo.py``: one user per role, a second salesperson and the superuser
  ``admin``, all sharing one printed password; runs first, later apps use these users.
- ``customers/demo.py``: 100 customers with contacts, product models, deliveries (some in
  warranty, some out, batches shared across customers) and the call/visit register.
- Later apps add their own: ``complaints/demo.py`` (tickets in every stage),
  ``quality/demo.py`` (quality sheets, CAPA), ``servicing/demo.py`` (visits, returns,
  case summaries, follow-up calls and the rest of service work), ``parts/demo.py``,
  ``surveys/demo.py``.

Rerunning is safe: every ``seed`` skips what exists, and the demo users' passwords are
reset to the printed one. ``make run`` runs it after ``migrate``.
"""

import importlib
import importlib.util

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create demo users and data for every app that ships a demo module; safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with the production settings (it creates a superuser with a known password).",
        )

    def handle(self, *args, allow_production=False, **options):
        if settings.SETTINGS_MODULE.endswith(".production") and not allow_production:
            raise CommandError("Refusing to create demo accounts with production settings (--allow-production).")
        for app_config in local_app_configs():
            module_name = f"{app_config.name}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            seed = getattr(importlib.import_module(module_name), "seed", None)
            if seed is None:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"{app_config.label}: {app_config.verbose_name}"))
            with transaction.atomic():
                seed(stdout=self.stdout, style=self.style)


def local_app_configs():
    """Return the configs of the project's own apps, in INSTALLED_APPS order."""
    local = set(settings.LOCAL_APPS)
    return [
        config
        for config in apps.get_app_configs()
        if config.name in local or f"{type(config).__module__}.{type(config).__name__}" in local
    ]
