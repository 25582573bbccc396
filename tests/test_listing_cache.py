"""The catalogue, the API and the feeds are served from a cache, yet seats stay live: a
registration, a cancellation or an edit shows at once, and so does an offer running out. The
machine-read answers carry an ETag and answer 304 while nothing changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from enrollment.models import Registration, RegistrationStatus
from enrollment.services.registration import cancel, register
from tests.factories import make_participant, make_run

pytestmark = pytest.mark.django_db


def seats(client, run):
    """Seats left on ``run`` as the (English) catalogue and the API show them."""
    html = client.get("/en/kurs/").content.decode()
    api = {r["id"]: r for r in client.get("/api/runs/").json()["results"]}
    return html, api[run.pk]["seats_left"]


def test_registration_cancellation_and_edit_show_at_once(client, course_a, catalogue):
    run = make_run(course_a, capacity=3)
    html, left = seats(client, run)
    assert "3 of 3 seats left" in html and left == 3
    assert "3 of 3 seats left" in client.get("/en/kurs/").content.decode()  # now cached

    person = make_participant()
    registration = register(run.pk, person)
    html, left = seats(client, run)
    assert "2 of 3 seats left" in html and left == 2

    cancel(registration, actor=person)
    html, left = seats(client, run)
    assert "3 of 3 seats left" in html and left == 3

    run.capacity = 5
    run.venue_name = "Grand Hotel Bergen"
    run.save()
    html, left = seats(client, run)
    assert "5 of 5 seats left" in html and "Grand Hotel Bergen" in html and left == 5

    run.status = "draft"
    run.save()
    assert "Grand Hotel Bergen" not in client.get("/en/kurs/").content.decode()
    assert client.get("/api/runs/").json()["count"] == 0


def test_an_offer_running_out_frees_its_seat_without_any_save(client, clock, course_a, catalogue):
    run = make_run(course_a, capacity=1)
    Registration.objects.create(
        run=run,
        user=make_participant(),
        status=RegistrationStatus.OFFERED,
        profession="therapist",
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + timedelta(hours=2),
    )
    html, left = seats(client, run)
    assert "Full" in html and left == 0
    clock.advance(timedelta(hours=1))
    assert seats(client, run)[1] == 0  # still held, from the cache
    clock.advance(timedelta(hours=1, minutes=1))
    html, left = seats(client, run)
    assert "1 of 1 seat left" in html and left == 1


def test_a_page_edit_shows_in_the_catalogue(client, course_a, catalogue):
    make_run(course_a)
    assert "Grunnkurs i IPS" in client.get("/kurs/").content.decode()
    course_a.title = "Videregående kurs i IPS"
    course_a.save_revision().publish()
    html = client.get("/kurs/").content.decode()
    assert "Videregående kurs i IPS" in html and "Grunnkurs i IPS" not in html


@pytest.mark.parametrize("url", ["/calendar/courses.ics", "/api/runs/", "COURSE_FEED"])
def test_public_feeds_answer_304_until_something_changes(client, course_a, catalogue, url):
    run = make_run(course_a, capacity=4)
    url = url.replace("COURSE_FEED", f"/calendar/course/{course_a.pk}.ics")
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    assert "public" in first["Cache-Control"] and "max-age" in first["Cache-Control"]

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag

    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == etag

    make_run(course_a, capacity=4, days_ahead=40, venue_name="Ny plass")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Ny plass" in changed.content.decode()
    del run


def test_the_api_etag_follows_the_seats(client, course_a, catalogue):
    run = make_run(course_a, capacity=4)
    etag = client.get("/api/runs/")["ETag"]
    register(run.pk, make_participant())
    response = client.get("/api/runs/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.json()["results"][0]["seats_left"] == 3
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_personal_feed_is_private_and_answers_304(client, course_a, catalogue):
    person = make_participant()
    run = make_run(course_a)
    register(run.pk, person)
    url = f"/calendar/me/{person.calendar_token}.ics"
    first = client.get(url)
    assert first.status_code == 200 and b"BEGIN:VEVENT" in first.content
    assert "private" in first["Cache-Control"] and "public" not in first["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    register(make_run(course_a, days_ahead=50).pk, person)
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.content.count(b"BEGIN:VEVENT") == 2


def test_without_the_cache_the_answers_are_the_same(client, course_a, catalogue, settings):
    run = make_run(course_a, capacity=2)
    cached = client.get("/api/runs/").json()
    settings.PUBLIC_LISTING_CACHE_SECONDS = 0
    assert client.get("/api/runs/").json() == cached
    register(run.pk, make_participant())
    assert client.get("/api/runs/").json()["results"][0]["seats_left"] == 1
