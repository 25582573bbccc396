"""`manage.py setup_site` on a new installation: the pages every page links to exist, the
privacy notice states the configured retention periods, and an editor's text is never
overwritten."""

import io

from django.core.management import call_command
from django.test import override_settings

from cms.models import HomePage, StandardPage
from courses.models import CourseCatalogPage


def setup_site():
    out = io.StringIO()
    call_command("setup_site", stdout=out)
    return out.getvalue()


@override_settings(RETENTION_UNCLAIMED_DAYS=60, RETENTION_INACTIVE_DAYS=730)
def test_a_new_site_gets_its_pages_and_a_privacy_notice_with_its_periods(db, client):
    assert "/personvern/" in setup_site()
    assert HomePage.objects.count() == 1 and CourseCatalogPage.objects.count() == 1
    assert client.get("/kurs/").status_code == 200
    assert client.get("/om/").status_code == 200
    privacy = client.get("/personvern/").content.decode()
    assert "slettes etter 60 dager" in privacy
    assert "ikke har vært brukt på 2 år" in privacy
    assert "30 dager før" in privacy
    # The footer's link leads to it.
    assert 'href="/personvern/"' in client.get("/").content.decode()


def test_running_it_again_changes_nothing_an_editor_wrote(db, client):
    setup_site()
    page = StandardPage.objects.get(slug="personvern")
    page.intro = "Vår egen tekst"
    page.save_revision().publish()
    assert "nothing changed" in setup_site()
    assert StandardPage.objects.filter(slug="personvern").count() == 1
    assert "Vår egen tekst" in client.get("/personvern/").content.decode()
