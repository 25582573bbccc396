"""The public iCalendar feeds, parsed back as a calendar app would."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from courses.models import CourseFormat

from .factories import make_course, make_run

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def next_spring_forward():
    """The next last Sunday of March at least a week ahead."""
    today = timezone.localdate()
    year = today.year
    while True:
        day = date(year, 3, 31)
        day -= timedelta(days=(day.weekday() - 6) % 7)
        if day > today + timedelta(days=7):
            return day
        year += 1


@pytest.fixture
def dst_run(course_a, catalogue):
    """Friday before and Monday after the switch to summer time, 09:00–15:30 local time."""
    sunday = next_spring_forward()
    return make_run(
        course_a,
        title="Grunnkurs rundt sommertid",
        dates=[sunday - timedelta(days=2), sunday + timedelta(days=1)],
    )


@pytest.fixture
def digital_run(course_b, catalogue):
    return make_run(
        course_b,
        title="Digitalt kurs",
        days_ahead=15,
        format=CourseFormat.DIGITAL,
        meeting_url="https://meet.example.no/hemmelig-4711",
    )


def fetch(client, url="/calendar/courses.ics"):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return response.content, icalendar.Calendar.from_ical(response.content)


def events(cal):
    return cal.walk("VEVENT")


def test_one_event_per_session(client, dst_run, digital_run):
    _body, cal = fetch(client)
    found = events(cal)
    assert len(found) == 3
    summaries = sorted(str(e["SUMMARY"]) for e in found)
    assert summaries == [
        "Digitalt kurs",
        "Grunnkurs rundt sommertid (1/2)",
        "Grunnkurs rundt sommertid (2/2)",
    ]


def test_uids_are_unique_and_stable(client, dst_run, digital_run):
    _body, first = fetch(client)
    dst_run.capacity = 10
    dst_run.save()  # an edit of the run must not change the identity of its events
    _body, second = fetch(client)
    uids = [str(e["UID"]) for e in events(first)]
    assert len(set(uids)) == 3
    assert sorted(uids) == sorted(str(e["UID"]) for e in events(second))


def test_every_event_has_dtend_with_oslo_tzid(client, dst_run, digital_run):
    _body, cal = fetch(client)
    for event in events(cal):
        assert "DTEND" in event
        for prop in ("DTSTART", "DTEND"):
            assert event[prop].params["TZID"] == "Europe/Oslo"
        assert event.decoded("DTEND") > event.decoded("DTSTART")


def test_vtimezone_uses_rrule_not_rdate(client, dst_run):
    body, cal = fetch(client)
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Oslo"
    parts = vtimezone.subcomponents
    assert {p.name for p in parts} == {"STANDARD", "DAYLIGHT"}
    for part in parts:
        assert "RRULE" in part
        assert "RDATE" not in part
    assert b"RDATE" not in body


def test_local_times_across_daylight_saving_change(client, dst_run):
    _body, cal = fetch(client)
    starts = sorted(e.decoded("DTSTART") for e in events(cal))
    ends = sorted(e.decoded("DTEND") for e in events(cal))
    assert [s.utcoffset() for s in starts] == [timedelta(hours=1), timedelta(hours=2)]
    assert [(s.hour, s.minute) for s in starts] == [(9, 0), (9, 0)]
    assert [(e.hour, e.minute) for e in ends] == [(15, 30), (15, 30)]
    assert [s.astimezone(OSLO).hour for s in starts] == [9, 9]
    assert [s.astimezone(ZoneInfo("UTC")).hour for s in starts] == [8, 7]


def test_vtimezone_alone_gives_the_right_offsets(client, dst_run):
    """Clients that trust the feed's VTIMEZONE rather than their own tz database (e.g. those
    that misread RDATE lists) must still land on 09:00 local time on both sides."""
    _body, cal = fetch(client)
    (vtimezone,) = cal.walk("VTIMEZONE")
    tz = vtimezone.to_tz(lookup_tzid=False)
    sunday = next_spring_forward()
    friday = timezone.datetime.combine(sunday - timedelta(days=2), time(9, 0), tzinfo=tz)
    monday = timezone.datetime.combine(sunday + timedelta(days=1), time(9, 0), tzinfo=tz)
    assert friday.utcoffset() == timedelta(hours=1)
    assert monday.utcoffset() == timedelta(hours=2)


def test_second_parser_agrees(client, dst_run):
    vobject = pytest.importorskip("vobject", reason="vobject is not installed")
    body, _cal = fetch(client)
    cal = vobject.readOne(body.decode())
    starts = sorted(event.dtstart.value for event in cal.vevent_list)
    assert [s.utcoffset() for s in starts] == [timedelta(hours=1), timedelta(hours=2)]
    assert [s.hour for s in starts] == [9, 9]


def test_feeds_never_contain_meeting_links(client, digital_run, course_b):
    make_run(course_b, format=CourseFormat.HYBRID, meeting_url="https://meet.example.no/hyb-42")
    for url in ("/calendar/courses.ics", f"/calendar/course/{course_b.pk}.ics"):
        body, cal = fetch(client, url)
        assert b"meet.example.no" not in body
        assert len(events(cal)) == 2
    locations = {str(e["LOCATION"]) for e in events(cal)}
    assert "Digital" in locations or "Digitalt" in locations


def test_course_feed_holds_only_that_course(client, dst_run, digital_run, course_a):
    other = make_course(course_a.get_parent().specific, "Metodeveiledning")
    make_run(other, title="Metodeveiledning i Bodø")
    body, cal = fetch(client, f"/calendar/course/{course_a.pk}.ics")
    assert len(events(cal)) == 2
    assert b"Metodeveiledning" not in body and b"Digitalt kurs" not in body
    assert str(cal["X-WR-CALNAME"]) == "Grunnkurs i IPS"
    for event in events(cal):
        assert str(event["URL"]).endswith(course_a.url)


def test_unknown_course_feed_is_404(client, catalogue):
    assert client.get("/calendar/course/999999.ics").status_code == 404
