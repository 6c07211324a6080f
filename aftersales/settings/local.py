"""Settings for `make run`: SQLite and a filesystem broker under var/, debug on."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
# `make run` serves on $PORT (bin/run-dev); links in e-mails follow it unless SITE_URL is set.
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
# Customers read it on the survey page and in its e-mails; the demo names a company.
COMPANY_NAME = env("COMPANY_NAME", default="江苏华东电气设备有限公司")
