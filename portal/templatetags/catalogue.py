"""Listings of upcoming runs for the CMS's page templates (home page, provider, course module).

The pages below do not know about seats, so their templates ask here:
``{% load catalogue %}{% upcoming_runs provider=page limit=6 as runs %}``."""

from django import template

from cms.localisation import original

from ..public import listing_cache
from ..public.catalogue import listed_runs, runs_to_show, seats_change_at

register = template.Library()


@register.simple_tag
def upcoming_runs(provider=None, course=None, limit=None):
    """Upcoming published runs, with seats, reservations and providers, optionally of one
    provider's subtree or one course module: from the listing cache (no query), or built in
    a fixed number of queries (three; the provider of a provider's or a course's page is
    known). For an English version of a page, the original's runs (one query to find it)."""
    provider, course = original(provider), original(course)

    def build():
        runs = listed_runs()
        providers = []
        if provider is not None:
            runs = runs.filter(course__path__startswith=provider.path)
            providers.append(provider)
        if course is not None:
            runs = runs.filter(course=course)
            providers.append(course.get_parent())
        shown = runs_to_show(runs, providers=providers, limit=limit)
        return shown, seats_change_at(shown)

    key = listing_cache.entry_key(
        "upcoming-runs",
        provider.pk if provider is not None else None,
        course.pk if course is not None else None,
        limit,
    )
    return listing_cache.cached(key, build)
