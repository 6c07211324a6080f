"""Fixed-window request counters per client in the shared cache, for pages open to anyone.

A small limiter of our own rather than django-ratelimit: the public survey pages need three
counters (reads, writes, and misses of an unknown link, which is how tokens are guessed)
and the misses are counted only after the lookup, so the check and the count are two
calls; this is a dozen lines over ``django.core.cache`` and the client address that
``aftersales.proxies`` already works out behind the proxy.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache

from .proxies import client_ip


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events of kind ``name`` per ``seconds`` from one client."""

    name: str
    count: int
    seconds: int

    def _key(self, request) -> str:
        window = int(time.time() // self.seconds)
        return f"ratelimit:{self.name}:{client_ip(request) or 'unknown'}:{window}"

    def exceeded(self, request) -> bool:
        """Return whether the client already used up this window, without counting a new event."""
        return (cache.get(self._key(request)) or 0) >= self.count

    def hit(self, request) -> bool:
        """Count one event; return True when it goes over the limit."""
        key = self._key(request)
        cache.add(key, 0, self.seconds)
        try:
            used = cache.incr(key)
        except ValueError:  # the entry expired between add and incr
            cache.set(key, 1, self.seconds)
            used = 1
        return used > self.count
