"""The site skeleton every installation needs: a HomePage as the default site's root and the
course catalogue at /kurs/. Idempotent; used by seed_demo and by tests."""

from django.db import transaction
from wagtail.models import Page, Site

from cms.models import HomePage

from .models import CourseCatalogPage


@transaction.atomic
def ensure_site(hostname="localhost", port=80, site_name="IPS-kurs"):
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
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
