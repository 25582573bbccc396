"""The header menu: what each signed-in person works with, one link each, and which one is the
current page (``aria-current="page"``).

To add a link, append a ``NavItem`` in ``items_for``; ``section`` is the path prefix under which
the link counts as the current one. Runs lazily: the menu is drawn from one query
(``courses.permissions.doors``, shared with the page's own checks), whatever the person's
roles."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from courses.permissions import doors as roles


@dataclass
class NavItem:
    label: str
    url: str
    section: str = ""
    # "page" on the item's own page, "true" elsewhere in its section (aria-current values).
    current: str = ""


def _public(path):
    return f"/en{path}" if get_language() == "en" else path


def items_for(request):
    user = request.user
    items = [NavItem(_("Courses"), _public("/kurs/")), NavItem(_("About"), _public("/om/"))]
    if user.is_authenticated:
        doors = roles(user)
        items.append(NavItem(_("My courses"), reverse("my_courses")))
        if doors["coordinates"]:
            items.append(
                NavItem(
                    _("My organisation"), reverse("my_organisations"), reverse("my_organisations")
                )
            )
        if doors["organises"]:
            items.append(NavItem(_("Runs I organise"), reverse("taught_runs"), "/arrangor/"))
        elif doors["teaches"]:
            items.append(NavItem(_("Courses I teach"), reverse("taught_runs"), "/arrangor/"))
        items.append(NavItem(_("My page"), reverse("profile")))
        if doors["admin"]:
            items.append(NavItem(_("Administration"), "/admin/"))
    path = request.path
    # The most specific match wins: /min-side/kurs/ is My courses, not My page.
    best = max(
        (i for i in items if path == i.url or (i.section and path.startswith(i.section))),
        key=lambda i: len(i.url),
        default=None,
    )
    if best is not None:
        best.current = "page" if path == best.url else "true"
    return items


def navigation(request):
    """Context processor: ``nav_items`` for templates/base.html."""
    return {"nav_items": SimpleLazyObject(lambda: items_for(request))}
