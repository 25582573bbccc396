"""What makes the site obvious for every user, checked without a browser (tests/browser/ runs
axe-core in Chromium): the header shows each role its work, the words say what they mean, the
run page shows prerequisites, forms summarise their errors, the accessibility statement follows
Digdir's template, and a person's language comes from the language they signed up in."""

import re

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from courses.models import RunStatus
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.registration import register
from organisations.models import MembershipRole, Organisation
from people.models import User
from tests.factories import make_course, make_participant, make_person, make_run
from tests.mail import outbox

pytestmark = pytest.mark.django_db


def nav(response):
    html = response.content.decode()
    menu = re.search(r'<nav aria-label="[^"]+">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"( aria-current="(\w+)")?>([^<]+)</a>', menu)


def test_header_shows_each_role_its_work(client, site, editor_a):
    assert [label for _h, _a, _c, label in nav(client.get("/"))] == [
        "Kurs",
        "Om",
        "Logg inn",
        "Registrer deg",
    ]

    participant = make_participant()
    client.force_login(participant)
    links = nav(client.get("/min-side/kurs/"))
    assert ("/min-side/kurs/", ' aria-current="page"', "page", "Mine kurs") in links
    assert [label for *_, label in links] == ["Kurs", "Om", "Mine kurs", "Min side"]
    assert ("/min-side/", "", "", "Min side") in nav(client.get("/min-side/kurs/"))
    assert ("/min-side/", ' aria-current="page"', "page", "Min side") in nav(
        client.get("/min-side/")
    )

    org = Organisation.objects.create(name="NAV Bergen")
    coordinator = make_person(org, role=MembershipRole.COORDINATOR)
    client.force_login(coordinator)
    links = nav(client.get(f"/organisasjon/{org.pk}/"))
    assert ("/organisasjon/", ' aria-current="true"', "true", "Min organisasjon") in links

    client.force_login(editor_a)
    labels = [label for *_, label in nav(client.get("/en/"))]
    assert labels[:5] == ["Courses", "About", "My courses", "Runs I organise", "My page"]


def test_register_words_do_not_clash(client, course_a, editor_a):
    """The attendance list is "Oppmøteliste", never "Meld meg på"; a person's own
    cancellation is "Avmeldt", a run called off is "Avlyst"."""
    run = make_run(course_a, days_ahead=0)
    client.force_login(editor_a)
    html = client.get(f"/arrangor/kurs/{run.pk}/").content.decode()
    assert "Oppmøteliste" in html and "Meld meg på" not in html
    with translation.override("nb"):
        assert str(RegistrationStatus.CANCELLED.label) == "Avmeldt"
        assert str(RunStatus.CANCELLED.label) == "Avlyst"


def test_run_page_shows_prerequisites_and_whether_they_are_met(client, provider_a, course_a):
    advanced = make_course(provider_a, "Metodeveiledning")
    advanced.prerequisites.set([course_a])
    advanced.save()  # a ParentalManyToManyField is written when the page is saved
    run = make_run(advanced)
    html = client.get(f"/kurs/pamelding/{run.pk}/").content.decode()
    assert "Forkunnskapskrav" in html and course_a.title in html
    assert "Logg inn for å se om du oppfyller dem." in html

    person = make_participant()
    client.force_login(person)
    html = client.get(f"/kurs/pamelding/{run.pk}/").content.decode()
    assert "Du har ikke fullført noen av disse kursene ennå" in html

    done = register(make_run(course_a, days_ahead=2), person, organiser=True, notify=False)
    Registration.objects.filter(pk=done.pk).update(completed_at=timezone.now())
    assert "Du oppfyller kravene." in client.get(f"/kurs/pamelding/{run.pk}/").content.decode()


def test_form_errors_are_summarised_with_links_to_the_fields(client, site):
    response = client.post("/accounts/signup/", {"email": "ikke-en-adresse"})
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary, html
    assert 'tabindex="-1"' in html and "data-error-summary" in html and "js/forms.js" in html
    links = re.findall(r'<a href="#(id_\w+)">', summary.group(1))
    assert "id_email" in links and "id_password1" in links
    for field_id in links:
        assert f'id="{field_id}"' in html


@override_settings(UUSTATUS_URL="https://uustatus.no/nb/erklaringer/publisert/abc")
def test_accessibility_statement_follows_digdirs_template(client, site):
    html = client.get("/tilgjengelighet/").content.decode()
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
    assert headings == ["Status", "Slik har vi testet", "Tilbakemelding og kontakt", "Klage"]
    assert 'href="https://uustatus.no/nb/erklaringer/publisert/abc"' in html
    assert "uutilsynet.no" in html
    english = client.get("/en/tilgjengelighet/").content.decode()
    assert "<h1>Accessibility statement</h1>" in english


@override_settings(UUSTATUS_URL="")
def test_accessibility_statement_without_uustatus_link(client, site):
    assert "uustatus.no/" not in client.get("/tilgjengelighet/").content.decode()


@pytest.mark.parametrize(("prefix", "language"), [("", "nb"), ("/en", "en")])
def test_language_is_the_one_signed_up_in(client, site, prefix, language):
    client.post(
        f"{prefix}/accounts/signup/",
        {
            "email": "ny@example.no",
            "password1": "Lang-nok-passord-1",
            "password2": "Lang-nok-passord-1",
        },
    )
    user = User.objects.get(email="ny@example.no")
    assert user.preferred_language == language
    assert [m.language for m in outbox(user)] == [language]


def test_norwegian_cms_content_is_marked_on_english_pages(client, provider_a, course_a):
    """No English version of the CMS pages exists yet: on /en/ their Norwegian text carries
    lang="nb" (WCAG 3.1.2), while the interface around it is English."""
    path = course_a.url_path.removeprefix("/home")
    english = client.get(f"/en{path}").content.decode()
    assert '<html lang="en">' in english
    assert f'<h1 lang="nb">{course_a.title}</h1>' in english
    norwegian = client.get(path).content.decode()
    assert 'lang="nb">' not in norwegian.split("<main", 1)[1]
