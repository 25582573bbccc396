"""English versions of CMS pages and course modules (Wagtail's own localisation).

The Norwegian page tree (the default locale) is the original. Editors make an English version
of a page (and its subtree) with *Translate* (``wagtail.contrib.simple_translation``): a copy in
the ``en`` locale under the translated parent, linked to the original by ``translation_key``.

Invariants:
- everything operational hangs off the original: course runs, registrations, reports,
  permissions, the catalogue, the API and the feeds read only default-locale pages
  (``originals``); a translation carries text only;
- a page is served on ``/en/<path>`` in English when it has a live English version, else in
  Norwegian (its original), never a 404 because a translation is missing (``route``); the
  Norwegian site never shows a translation;
- a page's content language is its locale's, found without a query (``content_language``):
  locales are few and kept in the cache until one is saved or deleted;
- localising a list of pages costs one query for the whole list, none on the default
  language (``localized``).
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.http import Http404
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils import translation
from wagtail.models import GroupPagePermission, Locale, Page, Site
from wagtail.signals import copy_for_translation_done
from wagtail.url_routing import RouteResult

LOCALES_CACHE_KEY = "cms:locales"


def _base(code):
    return (code or settings.LANGUAGE_CODE).split("-")[0].lower()


def locale_codes():
    """{locale id: language code} of every locale (cached until a locale changes)."""
    codes = cache.get(LOCALES_CACHE_KEY)
    if codes is None:
        codes = dict(Locale.all_objects.values_list("pk", "language_code"))
        cache.set(LOCALES_CACHE_KEY, codes, None)
    return codes


def _forget_locales(**kwargs):
    cache.delete(LOCALES_CACHE_KEY)


def locale_id(language_code):
    """The id of the locale of ``language_code`` (its base language), or None."""
    wanted = _base(language_code)
    return next((pk for pk, code in locale_codes().items() if _base(code) == wanted), None)


def default_locale_id():
    return locale_id(settings.LANGUAGE_CODE)


def active_locale_id():
    """The locale of the active language (the default's when it has none)."""
    return locale_id(translation.get_language()) or default_locale_id()


def is_default_language():
    """Whether the active language is the default (Norwegian): nothing to localise (no
    query, not even for the locales)."""
    return _base(translation.get_language()) == _base(settings.LANGUAGE_CODE)


def content_language(page):
    """The (base) language code ``page``'s content is written in, its locale's; no query."""
    if page is None:
        return _base(settings.LANGUAGE_CODE)
    return _base(locale_codes().get(page.locale_id))


def default_locale_filter():
    """``limit_choices_to`` for relations to pages: originals only."""
    return Q(locale__language_code=settings.LANGUAGE_CODE)


def originals(queryset):
    """Only the default-locale (original) pages of a page queryset (a join, no query)."""
    return queryset.filter(locale__language_code=settings.LANGUAGE_CODE)


def original(page):
    """The default-locale page ``page`` is a translation of (``page`` itself when it is an
    original), as its specific class; one query for a translation, none else."""
    if page is None or page.locale_id == default_locale_id():
        return page
    found = page.specific_class.objects.filter(
        translation_key=page.translation_key, locale_id=default_locale_id()
    ).first()
    return found or page


def localized(pages):
    """``pages`` (originals) with each replaced by its live translation in the active
    language where there is one: one query for the whole list, none on the default language.
    Order and length are kept."""
    pages = list(pages)
    if not pages or is_default_language():
        return pages
    active = active_locale_id()
    if active == default_locale_id():  # a language without a locale
        return pages
    model = type(pages[0])
    if not all(type(page) is model for page in pages):
        model = Page
    found = model.objects.filter(
        translation_key__in={page.translation_key for page in pages}, locale_id=active, live=True
    )
    if model is Page:
        found = found.specific()
    translations = {page.translation_key: page for page in found}
    return [
        page if page.locale_id == active else translations.get(page.translation_key, page)
        for page in pages
    ]


def route(request, path):
    """Wagtail's ``RouteResult`` for ``path`` on the request's site in the active language,
    or None (a 404).

    On the default language: Wagtail's own routing through the site's root page. In another
    language the page is found by its URL path in one query, in both trees: the English
    version at that path (under the root page's translation), else the live translation of
    the original at that path (an English slug that differs), else the original itself.
    Only the page served must be live, as in Wagtail's routing. This costs no more queries
    than Wagtail's routing does, whether translations exist or not (the catalogue's query
    budget). The site's pages do not override ``route``, so nothing is lost by not walking
    the tree."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = [part for part in path.split("/") if part]
    root = site.root_page
    active = None if is_default_language() else active_locale_id()
    try:
        if active is None or active == root.locale_id:
            return root.specific.route(request, components)
    except Http404:
        return None
    relative = "".join(f"{part}/" for part in components)
    if not relative:
        # The home page: the root page or its translation, as its specific class.
        candidates = root.specific_class.objects.filter(
            translation_key=root.translation_key, locale_id__in=[active, root.locale_id]
        )
        found = {page.locale_id: page for page in candidates}
        page = _first_live(found.get(active), found.get(root.locale_id))
        return RouteResult(page) if page is not None else None
    translated_roots = [
        root_path.root_path
        for root_path in Site.get_site_root_paths()
        if root_path.site_id == site.pk and locale_id(root_path.language_code) == active
    ]
    original_path = root.url_path + relative
    wanted = Q(url_path=original_path)
    if translated_roots:
        wanted |= Q(url_path=translated_roots[0] + relative)
        wanted |= Q(
            locale_id=active,
            translation_key__in=Page.objects.filter(url_path=original_path).values(
                "translation_key"
            ),
        )
    rows = list(Page.objects.filter(wanted))
    at_path = next((p for p in rows if p.locale_id == active and p.url_path != original_path), None)
    original_page = next((p for p in rows if p.url_path == original_path), None)
    translation = next(
        (
            p
            for p in rows
            if original_page is not None
            and p.locale_id == active
            and p.translation_key == original_page.translation_key
        ),
        None,
    )
    page = _first_live(at_path, translation, original_page)
    return RouteResult(page.specific) if page is not None else None


def _first_live(*pages):
    return next((page for page in pages if page is not None and page.live), None)


def url_in_active_language(page, page_path):
    """``page_path`` (Wagtail's URL of ``page``) as seen from the active language: an original
    shown on the English site keeps the visitor in English (``/en/<path>``, which ``route``
    serves, or its translation). Translations, and any page on the default language, keep
    Wagtail's URL."""
    if page_path is None or is_default_language() or page.locale_id != default_locale_id():
        return page_path
    prefix = get_script_prefix()
    relative = page_path[len(prefix) :] if page_path.startswith(prefix) else page_path
    try:
        return reverse("wagtail_serve", args=(relative,))
    except NoReverseMatch:
        return page_path


class LocalisedPageMixin:
    """For the site's page models: URLs that keep an English visitor in English, and the
    original of a translation."""

    def get_url_parts(self, request=None):
        parts = super().get_url_parts(request=request)
        if parts is None or parts[2] is None:
            return parts
        site_id, root_url, page_path = parts
        return site_id, root_url, url_in_active_language(self, page_path)

    @property
    def original(self):
        """The default-locale page this is a translation of (itself for an original)."""
        if "_original" not in self.__dict__:
            self.__dict__["_original"] = original(self)
        return self.__dict__["_original"]

    @property
    def is_translation(self):
        return self.locale_id != default_locale_id()


def grant_translation_permissions(sender=None, source_obj=None, target_obj=None, **kwargs):
    """A translation gets the page permissions its original has, so a provider's editors edit
    the English version of their own pages (and NAPHA's of everything)."""
    if not isinstance(source_obj, Page) or not isinstance(target_obj, Page):
        return
    for permission in GroupPagePermission.objects.filter(page_id=source_obj.pk):
        GroupPagePermission.objects.get_or_create(
            group_id=permission.group_id, page=target_obj, permission_id=permission.permission_id
        )


def connect():
    """Called from ``CmsConfig.ready``."""
    post_save.connect(_forget_locales, sender=Locale, dispatch_uid="cms-locales-saved")
    post_delete.connect(_forget_locales, sender=Locale, dispatch_uid="cms-locales-deleted")
    copy_for_translation_done.connect(
        grant_translation_permissions, dispatch_uid="cms-translation-permissions"
    )
