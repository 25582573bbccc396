"""Listings of upcoming runs for the CMS's page templates (home page, provider, course module).

The pages below do not know about seats, so their templates ask here:
``{% load catalogue %}{% upcoming_runs provider=page limit=6 as runs %}``."""

from django import template

from enrollment.services.availability import reservation_summaries

from ..public.catalogue import upcoming_runs as catalogue_runs

register = template.Library()


@register.simple_tag
def upcoming_runs(provider=None, course=None, limit=None):
    """Upcoming published runs, with seats, reservations and providers (a fixed number of
    queries), optionally of one provider's subtree or one course module."""
    runs = catalogue_runs()
    if provider is not None:
        runs = runs.filter(course__path__startswith=provider.path)
    if course is not None:
        runs = runs.filter(course=course)
    if limit:
        runs = runs[:limit]
    return reservation_summaries(runs)
