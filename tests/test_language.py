"""Norwegian is the default language; English lives under /en/."""

import pytest


@pytest.mark.django_db
def test_front_page_is_norwegian(client, site):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="nb">' in response.content.decode()


@pytest.mark.django_db
def test_front_page_stays_norwegian_for_english_browsers(client, site):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="nb">' in response.content.decode()


@pytest.mark.django_db
def test_catalogue_in_norwegian_and_english(client, site):
    nb = client.get("/kurs/")
    en = client.get("/en/kurs/")
    assert nb.status_code == en.status_code == 200
    assert '<html lang="nb">' in nb.content.decode()
    assert '<html lang="en">' in en.content.decode()
    # English pages link within English.
    assert 'href="/en/kurs/"' in en.content.decode()
