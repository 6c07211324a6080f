"""Django's Redis cache, made to degrade to a miss when Redis is away.

The cache holds sessions (``cached_db``: the database keeps them too) and each user's
permissions and roles (:mod:`aftersales.access`, read again from the database on a miss),
so nothing in it is the only copy. With Django's own backend a Redis that is down or slow
fails every page; here a read that cannot reach Redis is a miss and a write or delete is
skipped, both logged, and the page is served from the database. Entries dropped while
Redis was away (an invalidation after a role change) still expire within their timeout
(:data:`aftersales.access.ENTRY_TIMEOUT`).

django-redis has the same switch (``DJANGO_REDIS_IGNORE_EXCEPTIONS``); it was weighed and
not added, as Django's backend does everything else this project needs.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Fail fast: a page must not wait on a cache that is down.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def _tolerant(name, fallback):
    method = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as exc:
            logger.warning("cache %s skipped, Redis unreachable: %s", name, exc)
            return fallback(*args, **kwargs)

    call.__name__ = name
    call.__doc__ = method.__doc__
    return call


def _default(key, default=None, version=None):
    return default


class FaultTolerantRedisCache(RedisCache):
    """A :class:`RedisCache` whose reads miss and whose writes are skipped while Redis is unreachable."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)

    get = _tolerant("get", _default)
    get_many = _tolerant("get_many", lambda keys, version=None: {})
    has_key = _tolerant("has_key", lambda key, version=None: False)
    set = _tolerant("set", lambda *args, **kwargs: None)
    set_many = _tolerant("set_many", lambda data, *args, **kwargs: list(data))
    add = _tolerant("add", lambda *args, **kwargs: False)
    touch = _tolerant("touch", lambda *args, **kwargs: False)
    delete = _tolerant("delete", lambda *args, **kwargs: False)
    delete_many = _tolerant("delete_many", lambda *args, **kwargs: None)
    clear = _tolerant("clear", lambda: False)
