"""Cached public listings (the catalogue, the API, the public feeds) that stay live.

Invariants:
- a cached listing is served only while nothing it shows can have changed: every change to
  runs, sessions, reserved seats, registrations, pages or places moves one version forward
  (at once, and again when the change commits, so a listing built from the old rows while the
  change was being committed is never kept under the new version);
- an entry also ends by itself at the next change that no save announces: an offer running
  out or a reservation being released on a run it shows (``expires_at``), the next day
  (the date is part of the key), and at the latest ``PUBLIC_LISTING_CACHE_SECONDS``;
- one cache round trip reads the version and the entry together.

Each entry is (version, expires_at, value); ``value`` is whatever the caller built (HTML, a
body and its ETag, ...). ``PUBLIC_LISTING_CACHE_SECONDS = 0`` turns caching off.
"""

import hashlib
import secrets
from datetime import datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone, translation
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.models import ResourceCentrePage
from courses.models import (
    CourseCatalogPage,
    CoursePage,
    CourseRun,
    CourseSession,
    ReservedSeats,
)
from courses.signals import run_edited
from enrollment.models import Registration
from geo.models import County, Municipality

VERSION_KEY = "public-listing:version"
# Only pages and places: what the filters offer (providers, counties) is kept under it, so a
# registration does not make the catalogue look them up again.
PAGES_VERSION_KEY = "public-listing:pages-version"


def _code_token():
    """Changes when a deploy changes templates or translations (the cache outlives a
    process), so a new deploy never serves HTML rendered by the old one."""
    stamp = hashlib.sha256()
    for folder, pattern in ((settings.BASE_DIR / "templates", "**/*.html"),) + tuple(
        (Path(path), "**/*.mo") for path in settings.LOCALE_PATHS
    ):
        for path in sorted(Path(folder).glob(pattern)):
            stamp.update(f"{path}:{path.stat().st_mtime_ns}".encode())
    return stamp.hexdigest()[:12]


CODE_TOKEN = _code_token()


def enabled():
    return settings.PUBLIC_LISTING_CACHE_SECONDS > 0


def bump():
    """Move the version forward: every cached listing is stale from now on."""
    version = secrets.token_hex(8)
    cache.set(VERSION_KEY, version, None)
    return version


def bump_all():
    """Also what pages and places decide (the filters' choices)."""
    cache.set(PAGES_VERSION_KEY, secrets.token_hex(8), None)
    return bump()


def _now_and_on_commit(bumper):
    if not enabled():
        return
    bumper()
    if connection.in_atomic_block and not any(
        entry[1] is bumper for entry in connection.run_on_commit
    ):
        transaction.on_commit(bumper)


def listings_changed(**kwargs):
    """A change that a listing may show: bump now and once more when it commits."""
    _now_and_on_commit(bump)


def pages_changed(**kwargs):
    """A page or place changed: the filters' choices too."""
    _now_and_on_commit(bump_all)


def entry_key(*parts):
    raw = repr((CODE_TOKEN, translation.get_language(), timezone.localdate(), parts))
    return "public-listing:" + hashlib.sha256(raw.encode()).hexdigest()


def cached(key, build, version_key=VERSION_KEY):
    """The value for ``key`` (from ``entry_key``): from the cache when still current, else
    ``build()`` → (value, expires_at or None), stored under the version read before
    building."""
    if not enabled():
        return build()[0]
    found = cache.get_many([version_key, key])
    version = found.get(version_key)
    if version is None:
        cache.add(version_key, secrets.token_hex(8), None)
        version = cache.get(version_key)
    now = timezone.now()
    entry = found.get(key)
    if entry is not None and entry[0] == version and entry[1] > now:
        return entry[2]
    value, expires_at = build()
    limit = now + timedelta(seconds=settings.PUBLIC_LISTING_CACHE_SECONDS)
    tomorrow = timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=1), time.min)
    )
    expires_at = min(filter(None, (expires_at, limit, tomorrow)))
    seconds = (expires_at - now).total_seconds()
    if seconds >= 1:
        cache.set(key, (version, expires_at, value), int(seconds))
    return value


def connect():
    """Called from ``PortalConfig.ready``."""
    # Every registration change saves the row (``enrollment.services.events.transition``), so
    # its post_save covers them all.
    for model in (CourseRun, CourseSession, ReservedSeats, Registration):
        post_save.connect(listings_changed, sender=model, dispatch_uid=f"listing-{model}")
        post_delete.connect(listings_changed, sender=model, dispatch_uid=f"listing-d-{model}")
    for model in (
        CoursePage,
        CourseCatalogPage,
        ResourceCentrePage,
        Page,
        County,
        Municipality,
    ):
        post_save.connect(pages_changed, sender=model, dispatch_uid=f"listing-{model}")
        post_delete.connect(pages_changed, sender=model, dispatch_uid=f"listing-d-{model}")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(pages_changed, dispatch_uid=f"listing-{signal}")
    run_edited.connect(listings_changed, dispatch_uid="listing-run-edited")
