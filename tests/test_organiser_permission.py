"""One rule decides who organises a run: the course-run permission policy registered with
Wagtail (the model permission to change course runs, within the provider whose pages the person
may edit). The attendance pages, the participant list and the organiser's calendar feed all
follow it: an editor of another centre, or a page editor of the same centre without the
course-run permission, gets 404 on the pages and no runs in the feed."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from icalendar import Calendar
from wagtail.models import GroupPagePermission

from tests.factories import UserFactory, make_run


@pytest.fixture
def run_a(course_a):
    return make_run(course_a, 20, title="Nord vår")


@pytest.fixture
def page_editor_a(provider_a):
    """May edit provider A's pages, but holds no course-run permission."""
    group = Group.objects.create(name="Nord: bare sider")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group, page=provider_a, permission=Permission.objects.get(codename="change_page")
    )
    return UserFactory(email="sider.nord@example.no", groups=[group])


def organiser_pages(run):
    session = run.ordered_sessions()[0]
    return [
        reverse("run_attendance", args=[run.pk]),
        reverse("session_register", args=[run.pk, session.pk]),
        reverse("checkin_display", args=[run.pk, session.pk]),
        reverse("certificates_zip", args=[run.pk]),
        reverse("run_participants", args=[run.pk]),
    ]


def feed_titles(client, user):
    response = client.get(reverse("organiser_feed", args=[user.calendar_token]))
    assert response.status_code == 200
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_the_runs_organiser_reaches_every_page_and_sees_the_run_in_the_feed(
    client, run_a, editor_a
):
    client.force_login(editor_a)
    for url in organiser_pages(run_a):
        assert client.get(url).status_code == 200, url
    assert feed_titles(client, editor_a) == {"Nord vår"}


@pytest.mark.parametrize("who", ["editor_b", "page_editor_a"])
def test_everyone_else_gets_404_and_an_empty_feed(request, client, run_a, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for url in organiser_pages(run_a):
        assert client.get(url).status_code == 404, (who, url)
    assert feed_titles(client, user) == set()
