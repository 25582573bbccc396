"""The site skeleton every installation needs: a HomePage as the default site's root and the
course catalogue at /kurs/. Idempotent; used by seed_demo and by tests. Works on an emptied
database too (after ``flush``): Wagtail's root page, root collection and default locale, which
its migrations create, are made again when missing, and so is the English locale (English
versions of pages, ``cms.localisation``)."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Collection, Locale, Page, Site

from cms.models import HomePage

from .models import CourseCatalogPage


def _locales():
    """A locale for each content language (Wagtail's and cms's migrations make them); returns
    the default one."""
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def _tree_roots():
    """Wagtail's own starting rows, as its migrations make them; returns the root page."""
    locale = _locales()
    if Collection.get_first_root_node() is None:
        Collection.add_root(instance=Collection(name="Root"))
    return Page.add_root(instance=Page(title="Root", slug="root", locale=locale))


@transaction.atomic
def ensure_site(hostname="localhost", port=80, site_name="IPS-kurs"):
    _locales()
    home = HomePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    if home is None:
        root = Page.get_first_root_node() or _tree_roots()
        # Wagtail's installation creates a plain welcome page; ours replaces it.
        for page in root.get_children().filter(depth=2):
            if not isinstance(page.specific, HomePage):
                Site.objects.filter(root_page=page).delete()
                page.delete()
        home = root.add_child(
            instance=HomePage(
                title="IPS-kurs",
                slug="home",
                seo_title="IPS-kurs – opplæring i individuell jobbstøtte",
                intro="<p>Kurs i individuell jobbstøtte (IPS) fra ressurssentrene for IPS og "
                "NAPHA, for jobbspesialister, behandlere, metodeveiledere og ledere.</p>",
            )
        )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=site_name
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    catalog = CourseCatalogPage.objects.child_of(home).first()
    if catalog is None:
        catalog = home.add_child(
            instance=CourseCatalogPage(
                title="Kurskatalog",
                slug="kurs",
                intro="<p>Finn kommende kurs fra alle ressurssentrene og NAPHA.</p>",
            )
        )
    return home, catalog
