"""The page view: Wagtail's ``serve`` with the site's localised routing."""

from wagtail import views as wagtail_views

from . import localisation


def serve(request, path):
    """Wagtail's serve (hooks, view restrictions, the page's own ``serve``) on the page that
    ``cms.localisation.route`` finds: on ``/en/`` the English version when there is one, else
    the Norwegian page. Wagtail reads the route from the request (``Page.route_for_request``
    keeps it there), so every other lookup in this request sees the same page."""
    request._wagtail_route_for_request = localisation.route(request, path)
    return wagtail_views.serve(request, path)
