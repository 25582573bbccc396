"""Provider isolation in the Wagtail admin, exercised over HTTP: an editor of one resource
centre reaches only that centre's pages and course runs, including by URL guessing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses.models import CoursePage, CourseRun, CourseSession, RunStatus

from .factories import make_run, municipality

pytestmark = pytest.mark.django_db


def page_edit_data(page, **changes):
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "format": page.format,
        "learning_outcomes": rich_text("<p>Mål</p>"),
        "body": streamfield([]),
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        "seo_title": "",
        "search_description": "",
    }
    data.update(changes)
    return nested_form_data(data)


def initial_form_data(form):
    """What the browser would send back for a form as rendered (defaults included), so fields
    added to runs later do not break these tests."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, bool) or getattr(field.widget, "input_type", "") == "checkbox":
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = field.widget.format_value(value) or ""
    return data


def run_form_data(course, when, **changes):
    from courses.wagtail_hooks import CourseRunViewSet

    form = CourseRunViewSet("course_runs").get_form_class()(for_user=None)
    data = initial_form_data(form)
    for prefix in form.formsets:  # other inline panels, left empty
        data.update({f"{prefix}-{key}": "0" for key in ("TOTAL_FORMS", "INITIAL_FORMS")})
        data.update({f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    data.update(
        {
            "course": course.pk,
            "title": "Bodø, vår",
            "status": RunStatus.PUBLISHED,
            "format": "in_person",
            "venue_name": "Thon Hotel Nordlys",
            "venue_address": "Moloveien 14, 8003 Bodø",
            "municipality": municipality("1804").pk,
            "meeting_url": "",
            "capacity": "25",
            "registration_opens_at": "",
            "registration_closes_at": "",
            "sessions-TOTAL_FORMS": "1",
            "sessions-INITIAL_FORMS": "0",
            "sessions-MIN_NUM_FORMS": "1",
            "sessions-MAX_NUM_FORMS": "1000",
            "sessions-0-date": when.isoformat(),
            "sessions-0-start_time": "09:00",
            "sessions-0-end_time": "15:30",
            "sessions-0-ORDER": "1",
            "sessions-0-id": "",
        }
    )
    data.update(changes)
    return data


@pytest.fixture
def run_a(course_a):
    return make_run(course_a, title="Nord-løpet i Tromsø")


@pytest.fixture
def run_b(course_b):
    return make_run(course_b, title="Vest-løpet i Bergen")


# Pages


def test_editor_can_edit_own_course_page(client, editor_a, course_a):
    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[course_a.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, page_edit_data(course_a, title="Grunnkurs i IPS 2027"))
    assert response.status_code == 302, response.context["form"].errors
    assert CoursePage.objects.get(pk=course_a.pk).get_latest_revision_as_object().title == (
        "Grunnkurs i IPS 2027"
    )


def test_editor_cannot_open_other_providers_course_page(client, editor_a, course_b):
    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:edit", args=[course_b.pk])
    response = client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"] != url
        assert "/edit/" not in response["Location"]


def test_post_to_other_providers_course_page_changes_nothing(client, editor_a, course_b):
    client.force_login(editor_a)
    revisions = Revision.objects.for_instance(course_b).count()
    url = reverse("wagtailadmin_pages:edit", args=[course_b.pk])
    response = client.post(url, page_edit_data(course_b, title="Kapret", **{"action-publish": "1"}))
    assert response.status_code in (302, 403)
    course_b = CoursePage.objects.get(pk=course_b.pk)
    assert course_b.title == "IPS ung"
    assert course_b.get_latest_revision_as_object().title == "IPS ung"
    assert Revision.objects.for_instance(course_b).count() == revisions


def test_editor_cannot_add_pages_under_other_provider(client, editor_a, provider_b):
    client.force_login(editor_a)
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", provider_b.pk])
    assert client.get(url).status_code in (302, 403)


# Course runs


def test_index_lists_only_own_runs(client, editor_a, run_a, run_b):
    client.force_login(editor_a)
    response = client.get(reverse("course_runs:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nord-løpet i Tromsø" in html
    assert "Vest-løpet i Bergen" not in html


def test_superuser_sees_all_runs(client, superuser, run_a, run_b):
    client.force_login(superuser)
    html = client.get(reverse("course_runs:index")).content.decode()
    assert "Nord-løpet i Tromsø" in html
    assert "Vest-løpet i Bergen" in html
    assert client.get(reverse("course_runs:edit", args=[run_b.pk])).status_code == 200


def test_each_editor_sees_only_their_own(client, editor_b, run_a, run_b):
    client.force_login(editor_b)
    html = client.get(reverse("course_runs:index")).content.decode()
    assert "Vest-løpet i Bergen" in html
    assert "Nord-løpet i Tromsø" not in html


@pytest.mark.parametrize("view", ["edit", "delete", "inspect", "history", "copy", "usage"])
def test_other_providers_run_is_not_found_by_url_guessing(client, editor_a, run_a, run_b, view):
    client.force_login(editor_a)
    assert client.get(reverse(f"course_runs:{view}", args=[run_a.pk])).status_code == 200
    response = client.get(reverse(f"course_runs:{view}", args=[run_b.pk]))
    assert response.status_code in (403, 404) or (
        response.status_code == 302 and str(run_b.pk) not in response["Location"]
    )


def test_post_editing_other_providers_run_changes_nothing(client, editor_a, course_a, run_b):
    client.force_login(editor_a)
    when = timezone.localdate() + timedelta(days=50)
    data = run_form_data(run_b.course, when, title="Kapret", capacity="1")
    response = client.post(reverse("course_runs:edit", args=[run_b.pk]), data)
    assert response.status_code in (403, 404)
    run_b.refresh_from_db()
    assert run_b.title == "Vest-løpet i Bergen"
    assert run_b.capacity == 24
    assert run_b.sessions.count() == 1


def test_post_deleting_other_providers_run_keeps_it(client, editor_a, run_b):
    client.force_login(editor_a)
    response = client.post(reverse("course_runs:delete", args=[run_b.pk]))
    assert response.status_code in (403, 404)
    assert CourseRun.objects.filter(pk=run_b.pk).exists()


def test_add_form_offers_only_own_courses(client, editor_a, course_a, course_b):
    client.force_login(editor_a)
    form = client.get(reverse("course_runs:add")).context["form"]
    assert list(form.fields["course"].queryset) == [course_a]


def test_creating_run_for_other_providers_course_fails(client, editor_a, course_a, course_b):
    client.force_login(editor_a)
    when = timezone.localdate() + timedelta(days=40)
    response = client.post(reverse("course_runs:add"), run_form_data(course_b, when))
    assert response.status_code == 200
    assert "course" in response.context["form"].errors
    assert not CourseRun.objects.exists()
    assert not CourseSession.objects.exists()


def test_editor_creates_run_with_sessions_and_it_is_listed_at_once(client, editor_a, course_a):
    client.force_login(editor_a)
    when = timezone.localdate() + timedelta(days=40)
    data = run_form_data(
        course_a,
        when,
        **{
            "sessions-TOTAL_FORMS": "2",
            "sessions-1-date": (when + timedelta(days=1)).isoformat(),
            "sessions-1-start_time": "09:00",
            "sessions-1-end_time": "14:00",
            "sessions-1-ORDER": "2",
            "sessions-1-id": "",
        },
    )
    response = client.post(reverse("course_runs:add"), data)
    assert response.status_code == 302, response.context["form"].errors
    run = CourseRun.objects.get()
    assert run.course_id == course_a.pk
    assert [(s.date, s.end_time.hour) for s in run.ordered_sessions()] == [
        (when, 15),
        (when + timedelta(days=1), 14),
    ]

    client.logout()
    html = client.get("/kurs/").content.decode()
    assert "Bodø, vår" in html
    assert "IPS ressurssenter Nord" in html


def test_run_without_sessions_is_rejected(client, editor_a, course_a):
    client.force_login(editor_a)
    data = run_form_data(course_a, timezone.localdate(), **{"sessions-TOTAL_FORMS": "0"})
    response = client.post(reverse("course_runs:add"), data)
    assert response.status_code == 200
    assert not CourseRun.objects.exists()


def test_in_person_run_needs_a_venue(client, editor_a, course_a):
    client.force_login(editor_a)
    when = timezone.localdate() + timedelta(days=40)
    response = client.post(
        reverse("course_runs:add"), run_form_data(course_a, when, venue_name="", municipality="")
    )
    assert response.status_code == 200
    assert {"venue_name", "municipality"} <= set(response.context["form"].errors)
    assert not CourseRun.objects.exists()


def test_user_without_group_has_no_admin(client, course_a, run_a):
    from .factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("course_runs:index"))
    assert response.status_code in (302, 403)
    assert "Nord-løpet i Tromsø" not in response.content.decode()


def test_moving_own_run_to_other_providers_course_fails(client, editor_a, run_a, course_b):
    client.force_login(editor_a)
    session = run_a.sessions.get()
    data = run_form_data(
        course_b,
        session.date,
        title=run_a.title,
        venue_name=run_a.venue_name,
        municipality=run_a.municipality_id,
        **{"sessions-INITIAL_FORMS": "1", "sessions-0-id": str(session.pk)},
    )
    response = client.post(reverse("course_runs:edit", args=[run_a.pk]), data)
    assert response.status_code == 200
    assert "course" in response.context["form"].errors
    run_a.refresh_from_db()
    assert run_a.course_id != course_b.pk


def test_editor_edits_own_run(client, editor_a, run_a):
    client.force_login(editor_a)
    session = run_a.sessions.get()
    data = run_form_data(
        run_a.course,
        session.date,
        title="Nord-løpet, flyttet",
        capacity="12",
        **{"sessions-INITIAL_FORMS": "1", "sessions-0-id": str(session.pk)},
    )
    response = client.post(reverse("course_runs:edit", args=[run_a.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    run_a.refresh_from_db()
    assert (run_a.title, run_a.capacity) == ("Nord-løpet, flyttet", 12)
