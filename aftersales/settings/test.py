"""Settings for the test suite: PostgreSQL when DATABASE_URL is set, SQLite otherwise."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, env

SECRET_KEY = "test-only-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = str(BASE_DIR / "var" / "test-media")
PRIVATE_MEDIA_ROOT = str(BASE_DIR / "var" / "test-private")
# Tasks run in-process so a test sees their effect; brokers are exercised separately.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
AXES_ENABLED = True
# In memory whatever the environment says; each test starts with it empty (conftest.py).
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGGING = {"version": 1, "disable_existing_loggers": False}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, as `make run` has, not Django's in-memory shared cache: there a thread that
    # writes while a live-server request reads is refused at once ("database table is
    # locked") instead of waiting its turn, which made the browser tests with a background
    # worker fail now and then. Each xdist worker gets a file of its own (…_gw0, …), and
    # each run its own name (xdist's run id, else the process), so two runs in one
    # checkout do not delete each other's database.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    _run = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:12]
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-db-{_run}.sqlite3")}  # noqa: F405
