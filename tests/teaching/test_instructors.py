"""Instructors teach one run: the register, the check-in screen, the participant list with
needs and messages of that run, without CMS rights. Everything of another run is a 404."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from attendance.models import AttendanceStatus
from courses.models import CourseRun
from courses.permissions import taught_runs
from enrollment.services.registration import register
from tests.calendars.conftest import edit_form, post_edit
from tests.factories import make_participant, make_person

TEACHER_PAGES = ["overview", "register", "checkin", "participants", "messages"]
ORGANISER_ONLY = ["certificates_zip"]


def urls(run):
    session = run.ordered_sessions()[0]
    return {
        "overview": reverse("run_attendance", args=[run.pk]),
        "register": reverse("session_register", args=[run.pk, session.pk]),
        "checkin": reverse("checkin_display", args=[run.pk, session.pk]),
        "participants": reverse("run_participant_list", args=[run.pk]),
        "messages": reverse("run_messages", args=[run.pk]),
        "certificates_zip": reverse("certificates_zip", args=[run.pk]),
    }


def feed_titles(client, user):
    response = client.get(reverse("organiser_feed", args=[user.calendar_token]))
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


EXPECTED = {
    # who: status for teacher pages, status for organiser-only pages
    "editor_a": (200, 200),
    "instructor_a": (200, 404),
    "instructor_b": (404, 404),
    "participant_a": (404, 404),
    "coordinator": (404, 404),
    "editor_b": (404, 404),
}


@pytest.mark.parametrize("who", EXPECTED)
def test_permission_matrix_over_run_a(request, client, run_a, participant_a, who):
    user = request.getfixturevalue(who)
    request.getfixturevalue("instructor_a")
    request.getfixturevalue("instructor_b")
    client.force_login(user)
    teacher, organiser = EXPECTED[who]
    pages = urls(run_a)
    for name in TEACHER_PAGES:
        assert client.get(pages[name]).status_code == teacher, (who, name)
    for name in ORGANISER_ONLY:
        assert client.get(pages[name]).status_code == organiser, (who, name)


def test_anonymous_is_sent_to_the_login(client, run_a):
    for name, url in urls(run_a).items():
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], name


def test_instructor_of_a_gets_404_on_everything_of_b(client, run_b, instructor_a):
    client.force_login(instructor_a)
    for name, url in urls(run_b).items():
        assert client.get(url).status_code == 404, name
    session = run_b.ordered_sessions()[0]
    assert client.post(reverse("close_register", args=[run_b.pk])).status_code == 404
    response = client.post(
        reverse("session_register", args=[run_b.pk, session.pk]), {"all_present": "1"}
    )
    assert response.status_code == 404
    assert client.post(reverse("run_messages", args=[run_b.pk]), {}).status_code == 404
    assert client.get(reverse("run_participants", args=[run_b.pk])).status_code != 200


def test_instructor_keeps_the_register_and_sees_needs(client, run_a, instructor_a, participant_a):
    client.force_login(instructor_a)
    session = run_a.ordered_sessions()[0]
    registration = participant_a.registrations.get()
    response = client.post(
        reverse("session_register", args=[run_a.pk, session.pk]),
        {f"status-{registration.pk}": AttendanceStatus.PRESENT},
    )
    assert response.status_code == 302
    assert registration.attendance.get().status == AttendanceStatus.PRESENT
    page = client.get(reverse("run_participant_list", args=[run_a.pk])).content.decode()
    assert "Glutenfri mat" in page and "Åse Deltaker" in page
    # No certificate or completion controls on the overview.
    overview = client.get(reverse("run_attendance", args=[run_a.pk])).content.decode()
    assert reverse("completion_override", args=[run_a.pk, registration.pk]) not in overview


def test_instructor_closes_the_register_only_when_the_run_allows_it(client, run_a, instructor_a):
    client.force_login(instructor_a)
    url = reverse("close_register", args=[run_a.pk])
    assert client.post(url).status_code == 403
    assert "lukk" not in client.get(reverse("run_attendance", args=[run_a.pk])).content.decode()
    CourseRun.objects.filter(pk=run_a.pk).update(instructors_may_close_register=True)
    assert client.post(url).status_code == 302
    run_a.refresh_from_db()
    assert run_a.register_closed_at is not None


def test_instructor_has_no_cms_access(client, run_a, instructor_a):
    client.force_login(instructor_a)
    for url in ["/admin/", reverse("run_participants", args=[run_a.pk])]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/admin/login/" in response["Location"] or "login" in response["Location"]
    assert not instructor_a.has_perm("wagtailadmin.access_admin")


def test_taught_runs_in_the_organiser_feed_and_the_list(client, run_a, run_b, instructor_a):
    assert feed_titles(client, instructor_a) == {"Nord vår"}
    assert list(taught_runs(instructor_a)) == [run_a]
    client.force_login(instructor_a)
    page = client.get(reverse("taught_runs")).content.decode()
    assert "Nord vår" in page and "Vest vår" not in page


def test_public_run_page_shows_instructor_names_unless_hidden(client, run_a, instructor_a):
    url = reverse("run_detail", args=[run_a.pk])
    assert "Ingrid Instruktør" in client.get(url).content.decode()
    CourseRun.objects.filter(pk=run_a.pk).update(show_instructors=False)
    assert "Ingrid Instruktør" not in client.get(url).content.decode()
    # The address is never shown.
    assert "ingrid@napha.no" not in client.get(url).content.decode()


def test_organiser_names_instructors_by_email_in_the_run_form(client, editor_a, run_a):

    colleague = make_person(first_name="Nils", email="Nils.Napha@example.no")
    client.force_login(editor_a)
    data = edit_form(client, run_a)
    data["instructors"] = "nobody@example.no"
    response = client.post(reverse("course_runs:edit", args=[run_a.pk]), data)
    assert response.status_code == 200
    assert "nobody@example.no" in response.content.decode()
    assert not run_a.instructors.exists()

    data["instructors"] = "nils.napha@example.no"
    post_edit(client, run_a, data)
    assert list(CourseRun.objects.get(pk=run_a.pk).instructors.all()) == [colleague]
    assert (
        "Nils.Napha@example.no"
        in client.get(reverse("course_runs:edit", args=[run_a.pk])).content.decode()
    )


def test_profile_links_an_instructor_to_their_runs(client, instructor_a, participant_a):
    client.force_login(instructor_a)
    page = client.get(reverse("profile")).content.decode()
    assert reverse("taught_runs") in page
    assert reverse("organiser_feed", args=[instructor_a.calendar_token]) in page
    client.force_login(participant_a)
    assert reverse("taught_runs") not in client.get(reverse("profile")).content.decode()


@pytest.mark.parametrize("name", ["participants", "messages", "overview"])
def test_teacher_pages_do_not_grow_with_participants(
    client, django_assert_max_num_queries, run_a, instructor_a, employer, name
):
    def count():
        client.force_login(instructor_a)
        with django_assert_max_num_queries(100) as captured:
            assert client.get(urls(run_a)[name]).status_code == 200
        return len(captured)

    register(run_a, make_participant(employer))
    few = count()
    for _ in range(6):
        register(run_a, make_participant(employer))
    assert count() == few
