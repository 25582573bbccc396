"""seed_demo builds a realistic site and can be run again without duplicating anything."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import Page

from cms.localisation import originals
from cms.models import ResourceCentrePage, StandardPage
from courses.models import CoursePage, CourseRun, CourseSession

pytestmark = pytest.mark.django_db


def counts():
    return {
        "providers": originals(ResourceCentrePage.objects.all()).count(),
        "courses": originals(CoursePage.objects.all()).count(),
        "live courses": originals(CoursePage.objects.live()).count(),
        "English versions": Page.objects.exclude(locale__language_code="nb").count(),
        "standard pages": StandardPage.objects.count(),
        "runs": CourseRun.objects.count(),
        "sessions": CourseSession.objects.count(),
        "users": get_user_model().objects.count(),
        "groups": Group.objects.count(),
    }


def seed(*args):
    out = StringIO()
    call_command("seed_demo", "--quiet-logins", *args, stdout=out)
    return out.getvalue()


def test_seed_demo(client):
    output = seed()
    first = counts()
    assert "25 runs created" in output
    assert first["providers"] == 5
    assert first["courses"] >= 8 and first["live courses"] == first["courses"]
    assert 20 <= first["runs"] <= 30
    assert first["sessions"] >= first["runs"]
    # Home page, catalogue, Nord and its basic course in English, so /en/ shows both cases.
    assert first["English versions"] == 4

    # Idempotent.
    assert "0 runs created" in seed()
    assert counts() == first

    # --runs N adds exactly N runs and nothing else.
    seed("--runs", "3")
    after = counts()
    assert after["runs"] == first["runs"] + 3
    assert {k: v for k, v in after.items() if k not in ("runs", "sessions")} == {
        k: v for k, v in first.items() if k not in ("runs", "sessions")
    }

    with pytest.raises(CommandError):
        seed("--runs", "-1")

    # The demo site works: catalogue, API, feed, and editors confined to their centre.
    assert client.get("/kurs/").status_code == 200
    english = client.get("/en/nord/grunnkurs-i-ips/").content.decode()
    assert "<h1>Basic course in IPS</h1>" in english
    assert '<h1 lang="nb">' in client.get("/en/midt/grunnkurs-i-ips/").content.decode()
    assert client.get("/api/runs/").json()["count"] == after["runs"]
    assert client.get("/calendar/courses.ics").content.count(b"BEGIN:VEVENT") >= after["runs"]
    nord = get_user_model().objects.get(email="redaktor.nord@ipskurs.no")
    client.force_login(nord)
    html = client.get("/admin/course_runs/").content.decode()
    assert "Grunnkurs i IPS, " in html
    assert "Grunnkurs i IPS – Vest" not in html
