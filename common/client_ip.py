"""The client's IP address, one rule for the whole site.

Invariant: with ``TRUSTED_PROXY_COUNT = n`` (the number of reverse proxies in front of the
app that append to ``X-Forwarded-For``), the client is the n-th address from the right of
``X-Forwarded-For``: addresses further left were written by the client and can be forged.
With 0 (no proxy), ``X-Forwarded-For`` is ignored and ``REMOTE_ADDR`` is the client. A header
with fewer entries than trusted proxies, or an entry that is not an IP address, falls back to
``REMOTE_ADDR``. Every per-address limit (allauth's through ``people.adapter``, certificate
lookups) uses this function.
"""

import ipaddress

from django.conf import settings


def _clean(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's address as a string ('' if none can be found)."""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.headers.get("x-forwarded-for", "")
    if count > 0 and forwarded:
        entries = [part.strip() for part in forwarded.split(",")]
        if len(entries) >= count:
            address = _clean(entries[-count])
            if address:
                return address
    return _clean(request.META.get("REMOTE_ADDR")) or ""
