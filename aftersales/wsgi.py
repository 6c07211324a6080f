"""WSGI entry point for gunicorn: ``gunicorn aftersales.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersales.settings.production")

application = get_wsgi_application()
