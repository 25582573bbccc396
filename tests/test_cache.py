"""The site's Redis cache backend (``common.cache``) against a real Redis server."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.worker import CACHE, redis_client

pytestmark = [
    pytest.mark.redis,
    pytest.mark.xdist_group("worker"),  # shares the worker tests' Redis database
    pytest.mark.skipif(redis_client() is None, reason="no Redis server"),
]


@override_settings(CACHES=CACHE)
def test_values_round_trip_and_expire_through_one_shared_client():
    cache = caches["default"]
    cache.clear()
    try:
        assert cache.add("kick", 1, timeout=30)
        assert not cache.add("kick", 2, timeout=30)  # the flag the outbox relies on
        cache.set("listing", {"runs": [1, 2]}, None)
        assert cache.get("listing") == {"runs": [1, 2]}
        assert cache.add("counter", 0) and cache.incr("counter", 2) == 2
        cache.delete("kick")
        assert cache.add("kick", 3, timeout=30)
        assert cache.get_many(["listing", "kick"]) == {"listing": {"runs": [1, 2]}, "kick": 3}
        # Every call went through the same client: none is built per call.
        client = cache._cache.get_client(write=True)
        assert cache._cache.get_client() is client
    finally:
        cache.clear()
