"""Routing a request to a page in one query, and its view restrictions with it.

Wagtail's ``route()`` walks down from the site's root page one level at a time (a query for
each child and another for its specific page), and its view-restriction check then reads the
ancestors and their restrictions: eight queries for a course page four levels down.

``route_in_one_query`` reads the whole chain of pages named by the path (and the tree root),
each with whether it has a view restriction, in one query, then the page itself.

Invariants:
- the answer is the one Wagtail's ``route()`` gives: the same page, with the same view
  restrictions applied;
- anything this does not handle exactly (a page type with its own ``route()``, a path that
  does not name a chain of pages, a page that is not live, aliases) is left to Wagtail,
  untouched; so is a request in another language than the default, which
  ``cms.localisation.route`` answers (in both page trees);
- restrictions are skipped only when no page on the chain has one; otherwise Wagtail's own
  check reads and applies them.
"""

from itertools import pairwise

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult

from .localisation import is_default_language


class RoutedPage:
    """For page types: when ``route_in_one_query`` found no view restriction on the page or
    any ancestor, say so without asking the database again."""

    def get_view_restrictions(self):
        if getattr(self, "_no_view_restrictions", False):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def _url_paths(root_path, path):
    """The url_path of each page from the site's root page down to the one ``path`` names."""
    paths = [root_path]
    for component in (part for part in path.split("/") if part):
        paths.append(f"{paths[-1]}{component}/")
    return paths


def route_in_one_query(request, path):
    """Set Wagtail's cached route for this request (``request._wagtail_route_for_request``,
    which ``Page.route_for_request`` reads) when the page can be found exactly in one query;
    otherwise leave the request as it was."""
    if hasattr(request, "_wagtail_route_for_request") or not is_default_language():
        return
    site = Site.find_for_request(request)
    if site is None:
        return
    # The site's own root page (with localisation on, its translations are listed too).
    default = settings.LANGUAGE_CODE.split("-")[0]
    root_path = next(
        (
            entry.root_path
            for entry in Site.get_site_root_paths()
            if entry.site_id == site.pk and entry.language_code.split("-")[0] == default
        ),
        None,
    )
    if root_path is None:
        return
    url_paths = _url_paths(root_path, path)
    pages = list(
        Page.objects.filter(Q(url_path__in=url_paths) | Q(depth=1))
        .annotate(restricted=Exists(PageViewRestriction.objects.filter(page=OuterRef("pk"))))
        .order_by("depth")
    )
    chain = [page for page in pages if page.depth > 1]
    if [page.url_path for page in chain] != url_paths or chain[0].pk != site.root_page_id:
        return
    if chain[0].depth != 2:  # ancestors above the site's root page would be missed
        return
    for parent, child in pairwise(chain):
        if child.depth != parent.depth + 1 or not child.path.startswith(parent.path):
            return
    for page in chain:
        page_class = page.specific_class
        if page_class is None or page_class.route is not Page.route or page.alias_of_id:
            return
    leaf = chain[-1]
    if not leaf.live:
        return
    page = leaf.specific
    if len(chain) > 1:
        page._cached_parent_obj = chain[-2]
    page._no_view_restrictions = not any(ancestor.restricted for ancestor in pages)
    request._wagtail_route_for_request = RouteResult(page)
