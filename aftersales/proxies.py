"""The address of the client behind the TLS proxy, for login throttling.

Behind nginx every request comes from the proxy's address, so throttling by
REMOTE_ADDR would lock a user name for everybody. ``X-Forwarded-For`` names the real
client, but anybody can send that header: only the entries our own proxies appended
are trusted. Each proxy appends the address it received the request from, so with
``TRUSTED_PROXY_COUNT`` proxies the client is that many entries from the right; what
the client wrote itself is further left and ignored.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """Return the client's address: REMOTE_ADDR, or the entry our trusted proxies recorded."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # the request did not pass through all our proxies
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
