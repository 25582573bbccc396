"""Serving pages: Wagtail's ``serve``, with the route found first: on the default language in
one query (``cms.routing``), in another language in both page trees at once, the English
version or else the Norwegian page (``cms.localisation``)."""

from wagtail import views as wagtail_views

from . import localisation
from .routing import route_in_one_query


def serve(request, path):
    """Wagtail's serve (hooks, view restrictions, the page's own ``serve``) on the page found
    here. Wagtail reads the route from the request (``Page.route_for_request`` keeps it
    there), so every other lookup in this request sees the same page."""
    if localisation.is_default_language():
        route_in_one_query(request, path)
    else:
        request._wagtail_route_for_request = localisation.route(request, path)
    return wagtail_views.serve(request, path)
