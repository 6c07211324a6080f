"""A cache that cannot reach Redis misses; the pages are served from the database."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from aftersales import roles as r
from complaints.tests.factories import ComplaintFactory
from customers.tests.factories import CustomerFactory

# Nothing listens on port 1: every call to this Redis fails to connect.
DOWN = {
    "default": {"BACKEND": "aftersales.cache.FaultTolerantRedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
}


def test_each_cache_call_is_a_miss_or_skipped_while_redis_is_down(settings, caplog):
    settings.CACHES = DOWN
    cache = caches["default"]
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("k", 1) is None and cache.add("k", 1) is False
    assert cache.delete("k") is False and cache.has_key("k") is False
    assert cache.set_many({"a": 1}) == ["a"]
    assert "Redis unreachable" in caplog.text


@pytest.mark.django_db
def test_signing_in_and_reading_pages_work_while_redis_is_down(settings, make_user):
    settings.CACHES = DOWN
    sales = make_user(r.SALES, username="cache_down_sales", password="Secret-pass-123")
    mine = ComplaintFactory(customer=CustomerFactory(salesperson=sales))
    theirs = ComplaintFactory(customer=CustomerFactory(salesperson=make_user(r.SALES, username="cache_down_other")))
    client = Client()
    signed_in = client.post(reverse("login"), {"username": "cache_down_sales", "password": "Secret-pass-123"})
    assert signed_in.status_code == 302

    body = client.get(reverse("complaints:list")).content.decode()
    assert mine.number in body and theirs.number not in body  # permissions and scope read from the database
    assert client.get(reverse("complaints:detail", args=[mine.number])).status_code == 200
    client.logout()
    assert client.get(reverse("complaints:list")).status_code == 302


def test_production_settings_use_the_fault_tolerant_backend_for_redis():
    import importlib
    import os
    from unittest import mock

    env = {
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.com",
        "DATABASE_URL": "postgres://u@h/db",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
    }
    with mock.patch.dict(os.environ, env):
        import aftersales.settings.production as production

        production = importlib.reload(production)
    assert production.CACHES["default"]["BACKEND"] == "aftersales.cache.FaultTolerantRedisCache"
    assert production.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"
