"""English versions of pages and course modules (Wagtail's localisation, cms.localisation).

The Norwegian page is the original: runs, registrations, listings, reports and permissions
stay on it. On /en/ a page shows its live English version, else its Norwegian text marked
lang="nb"; the Norwegian site never shows a translation."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale

from cms.groups import ensure_national_group
from cms.localisation import original
from cms.models import StandardPage
from courses.models import CoursePage
from courses.permissions import editable_courses
from enrollment.models import Registration
from portal.public import listing_cache

from .factories import build_run, make_course, make_participant, make_run
from .test_admin_isolation import run_form_data

pytestmark = pytest.mark.django_db


def translate(page, publish=True, **fields):
    """The English version of ``page`` as the Translate action makes it (a draft copy under
    the translated parent), with ``fields`` changed and published unless told not to."""
    english = Locale.objects.get(language_code="en")
    copy = CopyPageForTranslationAction(page=page, locale=english).execute(
        skip_permission_checks=True
    )
    copy = type(page).objects.get(pk=copy.pk)
    for name, value in fields.items():
        setattr(copy, name, value)
    if publish:
        copy.save_revision().publish()
    else:
        copy.save_revision()
    return type(page).objects.get(pk=copy.pk)


def path_of(page):
    """The page's path on the Norwegian site (the home page is the site root)."""
    return re.sub(r"^/[^/]+", "", page.url_path)


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def main(text):
    return text.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.fixture
def english_home(home):
    return translate(home, title="IPS courses", intro="<p>Courses in IPS.</p>")


@pytest.fixture
def english_course(english_home, provider_a, course_a):
    translate(provider_a, title="IPS resource centre North")
    return translate(
        course_a, title="Basic course in IPS", summary="What IPS is and how it is done."
    )


@pytest.fixture
def about(home):
    page = home.add_child(
        instance=StandardPage(title="Om IPS-kurs", slug="om", intro="Kurs fra ressurssentrene.")
    )
    page.save_revision().publish()
    return StandardPage.objects.get(pk=page.pk)


# Serving: the English version where there is one, the Norwegian page marked lang="nb" else.


def test_english_course_page_shows_english_text_and_norwegian_site_does_not(
    client, course_a, english_course
):
    english = main(html(client, f"/en{path_of(course_a)}"))
    assert "<h1>Basic course in IPS</h1>" in english
    assert '<p class="lead">What IPS is and how it is done.</p>' in english
    assert 'lang="nb"' not in english
    norwegian = main(html(client, path_of(course_a)))
    assert f"<h1>{course_a.title}</h1>" in norwegian
    assert "Basic course in IPS" not in norwegian and 'lang="' not in norwegian


def test_english_standard_page_and_home_page(client, about, english_home):
    translate(about, title="About IPS courses", intro="Courses from the resource centres.")
    english = main(html(client, "/en/om/"))
    assert "<h1>About IPS courses</h1>" in english and 'lang="nb"' not in english
    assert "Om IPS-kurs" not in english
    assert "<p>Courses in IPS.</p>" in main(html(client, "/en/"))
    norwegian = main(html(client, "/om/"))
    assert "<h1>Om IPS-kurs</h1>" in norwegian and "About IPS courses" not in norwegian
    assert "Courses in IPS." not in main(html(client, "/"))


def test_page_without_english_version_is_norwegian_marked_nb(client, about, english_home):
    """The English tree exists (the home page is translated) but this page is not: /en/om/
    serves the Norwegian page, marked, instead of a 404."""
    english = html(client, "/en/om/")
    assert '<html lang="en">' in english
    assert '<div lang="nb">\n<h1>Om IPS-kurs</h1>' in english


def test_page_without_any_english_tree_is_norwegian_marked_nb(client, about, course_a):
    assert '<div lang="nb">\n<h1>Om IPS-kurs</h1>' in html(client, "/en/om/")
    assert f'<h1 lang="nb">{course_a.title}</h1>' in html(client, f"/en{path_of(course_a)}")


def test_draft_english_version_is_not_shown(client, english_home, provider_a, course_a):
    translate(provider_a)
    translate(course_a, publish=False, title="Basic course in IPS")
    english = html(client, f"/en{path_of(course_a)}")
    assert f'<h1 lang="nb">{course_a.title}</h1>' in english
    assert "Basic course in IPS" not in english


def test_english_version_with_its_own_slug_is_found_by_either_path(
    client, course_a, english_course
):
    english_course.slug = "basic-course"
    english_course.save_revision().publish()
    for path in (f"/en{path_of(course_a)}", "/en/nord/basic-course/"):
        assert "<h1>Basic course in IPS</h1>" in html(client, path), path
    assert client.get("/nord/basic-course/").status_code == 404


def test_unknown_english_path_is_404(client, english_home):
    assert client.get("/en/finnes-ikke/").status_code == 404
    assert client.get("/en/nord/finnes-ikke/").status_code == 404


def test_english_links_keep_the_visitor_in_english(client, provider_a, course_a, english_home):
    """On /en/ a Norwegian page (no English version) is linked under /en/."""
    english = html(client, "/en/")
    assert 'href="/en/nord/"' in english
    assert 'href="/nord/"' not in english
    with translation.override("en"):
        assert course_a.url == f"/en{path_of(course_a)}"
    with translation.override("nb"):
        assert course_a.url == path_of(course_a)


# Course modules: the runs and everything operational stay on the original.


def test_english_course_page_lists_the_same_runs_and_registering_from_it_works(
    client, course_a, english_course
):
    run = make_run(course_a, capacity=3)
    make_run(course_a, capacity=5, title="Tromsø, høst")
    english = html(client, f"/en{path_of(course_a)}")
    norwegian = html(client, path_of(course_a))
    runs = set(re.findall(r"/kurs/pamelding/(\d+)/", norwegian))
    assert len(runs) == 2
    assert set(re.findall(r"/en/kurs/pamelding/(\d+)/", english)) == runs
    assert "3 of 3 seats left" in english and "5 of 5 seats left" in english
    assert f"/calendar/course/{course_a.pk}.ics" in english
    # A run without a title of its own is named by the English title; one with a title
    # (Norwegian text) is marked.
    assert f'/en/kurs/pamelding/{run.pk}/">Basic course in IPS</a>' in english
    assert 'lang="nb">Tromsø, høst</a>' in english

    person = make_participant()
    client.force_login(person)
    page = html(client, f"/en/kurs/pamelding/{run.pk}/")
    assert "Basic course in IPS" in page
    response = client.post(f"/en/kurs/pamelding/{run.pk}/", {"needs": ""})
    assert response.status_code == 303
    registration = Registration.objects.get(user=person)
    assert registration.run == run and registration.run.course_id == course_a.pk
    assert "2 of 3 seats left" in html(client, f"/en{path_of(course_a)}")


def test_english_course_page_shows_the_originals_facts(client, provider_a, course_a, english_home):
    """Prerequisites, duration and audience are the original's (the rules registration
    follows), prerequisites named by their English versions."""
    basic = make_course(provider_a, "Grunnkurs del 1", "del-1")
    course_a.prerequisites.add(basic)
    course_a.save_revision().publish()
    translate(provider_a)
    translate(basic, title="Basic course part 1")
    translate(course_a, title="Basic course in IPS")
    course_a.duration_hours = 7
    course_a.save_revision().publish()
    english = html(client, f"/en{path_of(course_a)}")
    assert '<a href="/en/nord/del-1/">Basic course part 1</a>' in english
    assert "7 hours" in english


def test_course_feed_is_the_originals(client, course_a, english_course):
    assert client.get(f"/calendar/course/{course_a.pk}.ics").status_code == 200
    assert client.get(f"/calendar/course/{english_course.pk}.ics").status_code == 404


def test_runs_cannot_be_put_on_an_english_version(client, superuser, course_a, english_course):
    assert list(editable_courses(superuser)) == [course_a]
    client.force_login(superuser)
    when = course_a.first_published_at.date().replace(year=2099)
    response = client.post(
        reverse("course_runs:add"), run_form_data(english_course, when, title="Feil")
    )
    assert response.status_code == 200  # the form again, with the error
    assert not english_course.runs.exists()
    response = client.post(reverse("course_runs:add"), run_form_data(course_a, when))
    assert response.status_code == 302
    assert course_a.runs.count() == 1
    run = build_run(english_course)
    with pytest.raises(ValidationError) as error:
        run.full_clean()
    assert "course" in error.value.message_dict


def test_original_of_a_translation(course_a, english_course):
    assert original(english_course) == course_a and english_course.original == course_a
    assert original(course_a) is course_a


# Listings: each course module once, the English title on English pages.


def test_catalogue_lists_each_course_once_with_the_right_titles(
    client, catalogue, provider_a, course_a, course_b, english_course
):
    make_run(course_a)
    make_run(course_b)
    for path in ("/kurs/", "/en/kurs/"):
        assert html(client, path).count('class="run"') == 2, path
    norwegian = html(client, "/kurs/")
    assert f">{course_a.title}</a>" in norwegian and "Basic course in IPS" not in norwegian
    english = html(client, "/en/kurs/")
    assert '">Basic course in IPS</a>' in english
    assert f'lang="nb">{course_b.title}</a>' in english  # not translated
    assert english.count(">Nord</option>") == 1


def test_catalogue_search_finds_a_course_by_its_english_text(
    client, catalogue, course_a, course_b, english_course
):
    make_run(course_a)
    make_run(course_b)
    assert html(client, "/en/kurs/?q=basic").count('class="run"') == 1
    assert html(client, "/en/kurs/?q=grunnkurs").count('class="run"') == 1
    assert html(client, "/kurs/?q=basic").count('class="run"') == 0


def test_catalogue_query_count_does_not_change_with_translations(
    client, home, catalogue, provider_a, provider_b
):
    """The same number of queries without any translation, with the English home page,
    providers and courses (the catalogue itself not translated) and with everything
    translated: the English titles come with the runs' own query."""
    courses = [make_course(provider_a, f"Kurs {i}") for i in range(3)]
    courses += [make_course(provider_b, f"Vestkurs {i}") for i in range(3)]
    for course in courses:
        make_run(course)
    client.force_login(make_participant())
    paths = ("/kurs/", "/en/kurs/", "/kurs/?q=kurs", "/en/kurs/?q=kurs")

    def cold():
        counts, bodies = {}, {}
        for path in paths:
            client.get(path)
            listing_cache.bump()
            with CaptureQueriesContext(connection) as ctx:
                bodies[path] = html(client, path)
            counts[path] = len(ctx.captured_queries)
        return counts, bodies

    before, _bodies = cold()
    assert all(count <= 10 for count in before.values()), before
    translate(home)
    translate(provider_a)
    translate(provider_b)
    for i, course in enumerate(courses):
        translate(course, title=f"Course {i}")
    partly, bodies = cold()
    assert partly == before
    assert all(f">Course {i}</a>" in bodies["/en/kurs/"] for i in range(6))
    assert "Course 0" not in bodies["/kurs/"]
    translate(catalogue, title="Course catalogue")
    everything, bodies = cold()
    assert everything == before
    assert "<h1>Course catalogue</h1>" in bodies["/en/kurs/"]


def test_provider_and_home_pages_list_each_once(
    client, english_home, provider_a, provider_b, course_a
):
    second = make_course(provider_a, "Oppfølgingskurs", "oppfolging")
    translate(provider_a, title="IPS resource centre North")
    translate(course_a, title="Basic course in IPS")
    home = html(client, "/en/")
    assert home.count('href="/en/nord/"') == 1 and home.count('href="/en/vest/"') == 1
    assert ">IPS resource centre North</a>" in home
    assert f'lang="nb">{provider_b.title}</a>' in home
    provider = main(html(client, "/en/nord/"))
    assert provider.count('">Basic course in IPS</a>') == 1
    assert provider.count(f'lang="nb">{second.title}</a>') == 1
    assert course_a.title not in provider.replace(second.title, "")
    norwegian = main(html(client, "/nord/"))
    assert norwegian.count(f">{course_a.title}</a>") == 1 and "Basic course" not in norwegian


def test_api_and_report_choices_list_originals_only(
    client, superuser, course_a, course_b, english_course
):
    make_run(course_a)
    results = client.get("/api/runs/").json()["results"]
    assert [r["course"]["id"] for r in results] == [course_a.pk]
    client.force_login(superuser)
    choices = client.get(reverse("report_national")).context["courses"]
    assert list(choices) == [(course_a.pk, course_a.title), (course_b.pk, course_b.title)]
    assert CoursePage.objects.count() == 3  # two originals and one English version


# Editors and the content language.


def test_editors_translate_and_edit_their_own_pages(client, editor_a, provider_a, course_a):
    national = ensure_national_group(provider_a.get_parent())
    home = provider_a.get_parent().specific
    translate(home)  # NAPHA first makes the English home page
    assert editor_a.has_perm("simple_translation.submit_translation")
    client.force_login(editor_a)
    english = Locale.objects.get(language_code="en")
    url = reverse("simple_translation:submit_page_translation", args=[provider_a.pk])
    response = client.post(url, {"locales": [english.pk], "include_subtree": "on"})
    assert response.status_code == 302
    english_course = course_a.get_translation(english)
    english_provider = provider_a.get_translation(english)
    assert english_course.permissions_for_user(editor_a).can_edit()
    assert english_provider.permissions_for_user(editor_a).can_publish()
    assert (
        client.get(reverse("wagtailadmin_pages:edit", args=[english_course.pk])).status_code == 200
    )
    # …and NAPHA keeps its rights on the English tree.
    assert home.get_translation(english).group_permissions.filter(group=national).exists()


def test_content_lang_costs_no_query(rf, course_a, english_course):
    template = Template("{% load content_language %}{% content_lang a %}|{% content_lang b %}")
    with translation.override("en"):
        template.render(Context({"a": course_a, "b": english_course}))  # the locales cached
        with CaptureQueriesContext(connection) as ctx:
            out = template.render(Context({"a": course_a, "b": english_course}))
    assert out == ' lang="nb"|' and len(ctx.captured_queries) == 0
    with translation.override("nb"):
        out = template.render(Context({"a": course_a, "b": english_course}))
    assert out == '| lang="en"'


def test_my_courses_marks_a_norwegian_course_title_nb_on_english_only(client, course_a):
    run = make_run(course_a, capacity=3)
    person = make_participant()
    client.force_login(person)
    assert client.post(f"/kurs/pamelding/{run.pk}/", {"needs": ""}).status_code == 303
    title = run.display_title
    english = main(html(client, "/en/min-side/kurs/"))
    assert f'lang="nb">{title}</a>' in english
    norwegian = main(html(client, "/min-side/kurs/"))
    assert f">{title}</a>" in norwegian and 'lang="nb"' not in norwegian
