"""Settings for ``bench/run.py`` and the gunicorn it starts: the local settings, production-like.

DEBUG is off (no query log, the cached template loader, as in production), static files
are looked up without a manifest (no collectstatic needed), alerts go to an in-process
broker, and the URLconf adds a hello-world view (``bench.urls``) that only the benchmark
serves.
"""

import warnings

from aftersales.settings.local import *  # noqa: F403
from aftersales.settings.local import DATABASES

DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.urls"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
DATABASES["default"]["CONN_MAX_AGE"] = 60  # as in production
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# Static files come from the app directories (no collectstatic); whitenoise need not say so.
warnings.filterwarnings("ignore", message="No directory at")
