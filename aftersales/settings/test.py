"""Settings for the test suite: PostgreSQL when DATABASE_URL is set, SQLite otherwise."""

from .base import *  # noqa: F403
from .base import BASE_DIR, FRAGMENT_CACHE, env

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
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "template_fragments": FRAGMENT_CACHE}
LOGGING = {"version": 1, "disable_existing_loggers": False}
