"""Content-Security-Policy, caching of signed-in pages, session length, and their settings."""

import base64
import hashlib
import importlib
import re
import runpy

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from aftersales import roles
from aftersales.middleware import NoStoreWhenSignedInMiddleware

PASSWORD = "pass-1234"  # set by UserFactory
BASE_SETTINGS = django_settings.BASE_DIR / "aftersales" / "settings" / "base.py"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


# Content-Security-Policy.


def test_pages_forbid_inline_scripts_and_styles_and_other_origins(client_for):
    response = client_for(roles.SALES).get(reverse("home"))

    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "Content-Security-Policy-Report-Only" not in response


def test_login_page_has_the_policy_too(client):
    assert "script-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]


def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    page = client.get(reverse("login")).content.decode()

    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in page


def test_admin_allows_inline_styles_and_only_the_export_forms_own_handler(client_for, make_user):
    clerk = make_user(roles.QUALITY_CLERK, is_staff=True)

    response = client_for(clerk).get(reverse("admin:customers_customer_export"))

    page = response.content.decode()
    handlers = re.findall(r'\son[a-z]+="([^"]*)"', page)
    assert handlers, "the export form has its select-all handler"
    policy = _directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    for handler in handlers:
        digest = base64.b64encode(hashlib.sha256(handler.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy["script-src"]


# Templates keep every script and style in static/, so the policy refuses nothing.

INLINE = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)


def _page_templates():
    root = django_settings.BASE_DIR / "templates"
    for path in sorted(root.rglob("*.html")):
        if path.relative_to(root).parts[0] != "emails":  # mail clients, not browsers
            yield path


@pytest.mark.parametrize("path", list(_page_templates()), ids=lambda path: path.name)
def test_template_has_no_inline_script_style_or_event_handler(path):
    text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.DOTALL)

    assert INLINE.findall(text) == []


def test_report_only_switch_sends_the_policy_as_report_only(monkeypatch):
    monkeypatch.setenv("CSP_REPORT_ONLY", "true")
    monkeypatch.setenv("CSP_REPORT_URI", "/csp-report/")

    values = runpy.run_path(str(BASE_SETTINGS))

    assert values["CONTENT_SECURITY_POLICY"] is None
    directives = values["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["report-uri"] == ["/csp-report/"]


def test_settings_pass_django_csps_checks(monkeypatch):
    # django-csp refuses to start (csp.E001) beside any setting named like its old CSP_* ones.
    monkeypatch.setenv("CSP_REPORT_ONLY", "true")
    monkeypatch.setenv("CSP_REPORT_URI", "/csp-report/")

    values = runpy.run_path(str(BASE_SETTINGS))

    assert [name for name in values if name.startswith("CSP_")] == []
    assert [error.id for error in checks.run_checks() if error.id.startswith("csp.")] == []


def test_policy_is_enforced_unless_switched(monkeypatch):
    monkeypatch.delenv("CSP_REPORT_ONLY", raising=False)

    values = runpy.run_path(str(BASE_SETTINGS))

    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["default-src"] == ["'self'"]
    assert values["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None


# Caching.


def test_signed_in_pages_are_not_stored(client_for):
    response = client_for(roles.SALES).get(reverse("customers:list"))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_responses_to_anonymous_visitors_are_left_alone():
    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    middleware = NoStoreWhenSignedInMiddleware(lambda request: HttpResponse())

    assert not middleware(request).has_header("Cache-Control")


def test_a_response_that_sets_its_own_cache_control_keeps_it(make_user):
    request = RequestFactory().get("/somewhere/")
    request.user = make_user(roles.SALES)
    middleware = NoStoreWhenSignedInMiddleware(lambda request: HttpResponse(headers={"Cache-Control": "max-age=60"}))

    assert middleware(request)["Cache-Control"] == "max-age=60"


def test_static_files_stay_cacheable_for_signed_in_users(client, make_user, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client.force_login(make_user(roles.SALES))

    response = client.get("/static/js/aftersales.js")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response


# Session length.


def test_session_lasts_a_working_day_and_ends_with_the_browser(client, make_user):
    make_user(roles.SALES, username="zhangsan")

    client.post(reverse("login"), {"username": "zhangsan", "password": PASSWORD})

    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert client.session.get_expire_at_browser_close()
    assert client.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == ""


def test_session_length_is_configurable(client, make_user, settings):
    settings.SESSION_COOKIE_AGE = 2 * 60 * 60
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    make_user(roles.SALES, username="zhangsan")

    client.post(reverse("login"), {"username": "zhangsan", "password": PASSWORD})

    assert client.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 2 * 60 * 60


def test_session_settings_read_the_environment(monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_AGE", "3600")
    monkeypatch.setenv("SESSION_EXPIRE_AT_BROWSER_CLOSE", "false")

    values = runpy.run_path(str(BASE_SETTINGS))

    assert values["SESSION_COOKIE_AGE"] == 3600
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is False


# The proxy the login throttle trusts.


def test_no_proxy_is_trusted_by_default(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)

    assert runpy.run_path(str(BASE_SETTINGS))["TRUSTED_PROXY_COUNT"] == 0


def test_production_trusts_one_proxy_by_default(monkeypatch):
    monkeypatch.delenv("TRUSTED_PROXY_COUNT", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "aftersales.example.com")
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db:5432/aftersales")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")

    production = importlib.import_module("aftersales.settings.production")

    assert importlib.reload(production).TRUSTED_PROXY_COUNT == 1
