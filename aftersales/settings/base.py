"""Settings shared by every environment; secrets and hosts come from the environment."""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
# The company's name and address in the header of printed customer documents (repair
# quotes, commissioning reports).
COMPANY_NAME = env("COMPANY_NAME", default="")
COMPANY_ADDRESS = env("COMPANY_ADDRESS", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "axes",
    "csp",
]
LOCAL_APPS = [
    "aftersales.apps.AftersalesConfig",
    "customers.apps.CustomersConfig",
    "complaints.apps.ComplaintsConfig",
    "quality.apps.QualityConfig",
    "servicing.apps.ServicingConfig",
    "parts.apps.PartsConfig",
    "surveys.apps.SurveysConfig",
    "staff.apps.StaffConfig",
    "reports.apps.ReportsConfig",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aftersales.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aftersales.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aftersales.middleware.NoStoreWhenSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that a locked-out login is answered before the view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aftersales.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'aftersales.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Every read here is short: compiling it (JIT) costs more than it saves, and on SSD storage
    # an index read costs little more than a sequential one, so period reports (the scorecards'
    # months and quarters) take their indexes instead of scanning the table.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", env("DATABASE_SESSION_OPTIONS", default="-c jit=off -c random_page_cost=1.1")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "aftersales.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend reading a user's permissions and roles through the cache.
    "aftersales.access.CachedModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures from one user name and address lock it for an hour.
# The lock is on the pair, so an attacker elsewhere cannot lock a user out.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# How many proxies of ours append to X-Forwarded-For before the request reaches Django.
# 0 trusts no header (REMOTE_ADDR is the client); production sits behind one nginx.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "aftersales.proxies.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# A session lasts a working day from login and ends when the browser closes, so a shared
# workstation left overnight is signed out.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)
# Sessions are read through the cache and written to both; signing out or deleting a
# session's row (aftersales.access) removes it from the cache too, so revoking still works.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# The cache holds sessions and each user's permissions and roles (aftersales.access). Every
# process must share it (production: Redis, CACHE_URL); one process may keep it in memory.
# "template_fragments" (the alias Django's {% cache %} tag uses) holds rendered pieces of
# pages that depend only on what their key names (the main menu, per permission set, page
# and language): in each process's memory, as they cost less to render again than to fetch
# over the network.
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://"),
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "template_fragments",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# Content-Security-Policy, in every environment so the tests meet it too. Every script and
# style is served from static/: nothing inline runs, no other origin is reached. Pages
# mark behaviour with data- attributes that static/js/aftersales.js acts on. The admin
# loosens it for templates we don't own (aftersales.middleware.ContentSecurityPolicyMiddleware).
# CSP_REPORT_ONLY=true only reports violations (to CSP_REPORT_URI, if set), to try a change.
# (Read into lower-case names: django-csp refuses to start beside its old CSP_* settings.)
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its icons as data: SVGs from its CSS
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if _csp_report_uri := env("CSP_REPORT_URI", default=""):
    _CSP["DIRECTIVES"]["report-uri"] = [_csp_report_uri]
_csp_report_only = env.bool("CSP_REPORT_ONLY", default=False)
CONTENT_SECURITY_POLICY = None if _csp_report_only else _CSP
CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP if _csp_report_only else None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded files are private: they are never served from a public URL, only through
# views that check the user may see the record they belong to.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Import/export: explicit permissions per model ("customers.import_customer" ...),
# every import in one transaction, formulae neutralised on export.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_FORMATS = [
    "import_export.formats.base_formats.XLSX",
    "import_export.formats.base_formats.CSV",
]
# Limits checked before an import file is parsed (aftersales/import_limits.py): its size,
# what an xlsx archive unpacks to, and the rows of a sheet or csv file.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=16 * 1024 * 1024)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
# A complaint or ledger export of more rows than this is written by a worker, not in the request.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=5000)
# A queued import step or export whose task has not started after this many seconds is queued again.
SPREADSHEET_REQUEUE_AFTER = env.int("SPREADSHEET_REQUEUE_AFTER", default=120)
# Uploaded files and reports of finished spreadsheet jobs are deleted after this many days
# (they hold customer data); the job, its counts and problems stay as the record.
SPREADSHEET_FILES_KEEP_DAYS = env.int("SPREADSHEET_FILES_KEEP_DAYS", default=90)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# A mail server that hangs fails the attempt after this many seconds; the outbox retries.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The outbox dispatcher: how long one run keeps sending, how many run at once when the
# minute sweep finds a backlog, and how many rows make one dispatcher's share.
OUTBOX_DISPATCH_SECONDS = env.float("OUTBOX_DISPATCH_SECONDS", default=50.0)
OUTBOX_DISPATCHERS = env.int("OUTBOX_DISPATCHERS", default=4)
OUTBOX_ROWS_PER_DISPATCHER = 200
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="aftersales@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. Without CELERY_BROKER_URL the broker is kombu's filesystem transport under
# var/, so a worker and beat run with no server at all; production points it at Redis.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    # The transport expects its folders to exist, also for a management command that
    # queues e-mail before any worker has started.
    for _folder in ("queue", "processed", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged when it ends, and given back to the queue when its worker dies,
# so a killed worker loses nothing. Tasks are idempotent: the outbox and the claims in
# the database make a repeated run send nothing twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# No task runs longer than this: the soft limit raises inside the task, the hard one
# kills its process. The dispatcher and the sweepers stop by themselves well before.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
# Redis hands an unacknowledged task to another worker after this long. It must be longer
# than a task can run plus its wait behind the one prefetched task, or a slow task would
# run twice; twice the hard limit leaves that margin.
CELERY_BROKER_VISIBILITY_TIMEOUT = 2 * CELERY_TASK_TIME_LIMIT
NETWORK_BROKER_OPTIONS = {
    "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
    # A broker that does not answer fails fast: the request that kicked it goes on.
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
if not CELERY_BROKER_URL.startswith(("filesystem://", "memory://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = NETWORK_BROKER_OPTIONS
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Every periodic task of the product, each with the reason it runs when it does.
CELERY_BEAT_SCHEDULE = {
    # Notification outbox: send what the after-commit kick missed (a broker or worker that
    # was away, a failed attempt whose back-off has passed). Every minute, so a message
    # waits at most a minute after the cause is fixed.
    # Spreadsheet jobs: queue again an import check or write, or an export, whose message
    # a broker lost or whose worker died (each starts over; a write is one transaction).
    "spreadsheets-sweep": {
        "task": "aftersales.tasks.sweep_spreadsheet_jobs",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "spreadsheets-purge-files": {
        "task": "aftersales.tasks.purge_spreadsheet_files",
        "schedule": crontab(hour=3, minute=15),
    },
    "outbox-sweep": {
        "task": "aftersales.tasks.sweep_outbox",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Service clock: mark complaints at risk (75 %) or breached and e-mail, once each.
    # Every minute, so an alert is at most a minute late; the sweep reads a partial index.
    "complaints-sweep-service-levels": {
        "task": "complaints.tasks.sweep_service_levels",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Quality chain: chase overdue department tasks and CAPA actions, announce actions due
    # within three days and verifications due. Once a day before the working day starts;
    # each reminder is claimed per record and day, so a rerun sends nothing twice.
    "quality-daily-reminders": {
        "task": "quality.tasks.send_daily_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Service plans: create the planned inspection and maintenance visits of the next two
    # weeks. Once a day early, so the engineers' "my work" is ready in the morning; each visit
    # is unique per plan, customer and date, so a rerun or a second beat creates nothing more.
    "servicing-generate-plan-visits": {
        "task": "servicing.tasks.generate_plan_visits",
        "schedule": crontab(hour=6, minute=0),
    },
    # Service plans: chase the engineer (and the after-sales manager) of each planned visit
    # whose start has passed without an actual end. Once a day after generation; each
    # reminder is claimed per visit and day, so a rerun sends nothing twice.
    "servicing-chase-overdue-plan-visits": {
        "task": "servicing.tasks.chase_overdue_plan_visits",
        "schedule": crontab(hour=7, minute=45),
    },
    # Spare parts: propose on the month's purchase plan every stock level below its minimum
    # without an open line (the after-move check's safety net), and remind purchasing of
    # supplier documents about to lapse. Once a day early; a line is unique per open
    # (part, warehouse) and each reminder is claimed per document, so a rerun adds nothing.
    "parts-check-reorder": {
        "task": "parts.tasks.check_reorder",
        "schedule": crontab(hour=6, minute=30),
    },
    "parts-remind-supplier-documents": {
        "task": "parts.tasks.remind_supplier_documents",
        "schedule": crontab(hour=7, minute=50),
    },
    # Satisfaction survey: open the sampled campaigns whose opening date has come, close those
    # past their closing date, send the invitations not yet sent and the reminders due. Once
    # a day before the working day (Beijing time), so customers get the mail in the morning;
    # each step re-reads the campaign's state under its row lock and each message has a unique
    # outbox key, so a rerun or a second beat opens, closes and sends nothing twice.
    "surveys-run-campaigns": {
        "task": "surveys.tasks.run_campaigns",
        "schedule": crontab(hour=7, minute=0),
    },
    # Training: remind each attendee of a session starting within 24 hours. Hourly, so a
    # session scheduled late still reminds; the outbox key names the session, the person and
    # the start, so reruns send nothing twice and a session moved to another time reminds again.
    "staff-remind-training": {
        "task": "staff.tasks.remind_training",
        "schedule": crontab(minute=5),
        "options": {"expires": 3000},
    },
    # Customer care: list the birthday and festival greetings due and mail each salesperson one
    # digest of the new ones; greetings are unique per contact and occasion and the digest has
    # one outbox key per salesperson and day, so a rerun lists and sends nothing twice.
    "staff-list-greetings": {
        "task": "staff.tasks.list_greetings",
        "schedule": crontab(hour=7, minute=30),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
DEFAULT_WARRANTY_MONTHS = env.int("DEFAULT_WARRANTY_MONTHS", default=12)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Purchasing: days before a supplier document lapses that purchasing is reminded; the lead
# time assumed for a part no supplier offers; the weights (%) of a supplier rating (sum 100).
PARTS_DOCUMENT_REMINDER_DAYS = env.int("PARTS_DOCUMENT_REMINDER_DAYS", default=30)
PARTS_DEFAULT_LEAD_DAYS = env.int("PARTS_DEFAULT_LEAD_DAYS", default=14)
PARTS_RATING_WEIGHTS = {"qualification": 15, "reputation": 10, "quality": 35, "price": 20, "lead_time": 20}
