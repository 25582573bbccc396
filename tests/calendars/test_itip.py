"""iTIP compliance of the invitation and cancellation emails (RFC 5545/5546/6047), read back
with icalendar and with vobject, a second, independent parser."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.models import OSLO
from enrollment.services.registration import cancel, register
from tests.factories import make_run

from .conftest import (
    MEETING_URL,
    calendar_parts,
    make_participant,
    mime,
    parse,
    rows,
    uid_sequences,
    vevents,
)

vobject = pytest.importorskip("vobject")

TITLE = (
    "Grunnkurs i IPS; Tromsø, Ålesund og Bodø – vår/høst: "
    "jobbspesialister, veiledere og ledere i kommune, NAV og helseforetak"
)


@pytest.fixture
def seasons_run(course_a):
    """A digital run with one winter and one summer session (next year), so both of the
    VTIMEZONE's rules are used."""
    year = timezone.localdate().year + 1
    return make_run(
        course_a,
        dates=[date(year, 1, 15), date(year, 7, 2)],
        format="digital",
        meeting_url=MEETING_URL,
        title=TITLE,
        capacity=1,
    )


@pytest.fixture
def confirmed(seasons_run, django_capture_on_commit_callbacks):
    person = make_participant(first_name="Åse Ødegård, jr.", last_name="Ærlig;")
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(seasons_run, person)
    assert registration.status == "confirmed"
    return person, registration


def _the_email(person):
    [message] = [m for m in mail.outbox if m.to == [person.email]]
    return mime(message)


def _raw_lines(text):
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def check_calendar(text, method, person, sessions, strict=True):
    """Everything both parsers must agree on for one iTIP calendar."""
    cal = parse(text)
    assert str(cal["METHOD"]) == method
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")

    # Europe/Oslo VTIMEZONE written with RRULE rules, never RDATE lists.
    [vtz] = cal.walk("VTIMEZONE")
    assert str(vtz["TZID"]) == "Europe/Oslo"
    rules = vtz.walk("STANDARD") + vtz.walk("DAYLIGHT")
    assert len(rules) == 2 and all("RRULE" in r and "RDATE" not in r for r in rules)
    assert "RDATE" not in text

    events = vevents(text)
    assert len(events) == len(sessions)  # one VEVENT per session
    for event, session in zip(
        sorted(events, key=lambda e: e.decoded("DTSTART")), sessions, strict=True
    ):
        for prop in ("DTSTART", "DTEND"):
            assert prop in event, prop
            assert event[prop].params["TZID"] == "Europe/Oslo"
        assert event.decoded("DTSTART") == session.starts_at
        assert event.decoded("DTEND") == session.ends_at
        assert str(event["ORGANIZER"]).lower() == "mailto:kalender-svar@ipskurs.no"
        assert str(event["ATTENDEE"]).lower() == f"mailto:{person.email}"
        assert event["ATTENDEE"].params["CN"] == person.get_full_name()
        assert event.get("DTSTAMP") and event.get("UID")
        assert str(event["SUMMARY"]).startswith(TITLE)
        assert str(event["LOCATION"]) == MEETING_URL  # the participant sees the link
        expected = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
        assert str(event["STATUS"]) == expected

    # Folding and escaping as RFC 5545 3.1 and 3.3.11 say.
    lines = _raw_lines(text)
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines), "long lines must be folded"
    unfolded = text.replace("\r\n ", "")
    assert "Tromsø\\, Ålesund" in unfolded
    assert "Grunnkurs i IPS\\; Tromsø" in unfolded

    # vobject reads the same thing, and computes the right UTC offsets from the RRULEs.
    vcal = vobject.readOne(text)
    assert vcal.method.value == method
    vevs = sorted(vcal.vevent_list, key=lambda e: e.dtstart.value)
    assert len(vevs) == len(sessions)
    for vev, session in zip(vevs, sessions, strict=True):
        assert vev.summary.value.startswith(TITLE)
        assert vev.dtstart.value == session.starts_at
        assert vev.dtend.value == session.ends_at
        assert vev.dtstart.value.utcoffset() == session.starts_at.utcoffset()
        assert vev.location.value == MEETING_URL
    return events


def test_invitation_email_is_an_itip_request(confirmed, seasons_run):
    person, _registration = confirmed
    sessions = seasons_run.ordered_sessions()
    assert [s.starts_at.utcoffset() for s in sessions] == [timedelta(hours=1), timedelta(hours=2)]
    message = _the_email(person)

    parts = calendar_parts(message)
    inline = [p for p, _t in parts if p.get_content_disposition() is None]
    attached = [p for p, _t in parts if p.get_content_disposition() == "attachment"]
    assert len(inline) == 1 and len(attached) == 1
    assert inline[0].get_param("method") == "REQUEST"
    assert inline[0].get_content_charset() == "utf-8"
    assert attached[0].get_filename().endswith(".ics")
    assert attached[0].get_content_charset() == "utf-8"
    # The inline part is an alternative of the text body, as iMIP (RFC 6047) wants.
    alternative = next(p for p in message.walk() if p.get_content_type() == "multipart/alternative")
    assert inline[0] in list(alternative.iter_parts())

    # The attachment is the same calendar (Python's MIME writer turns CRLF into LF here; on
    # the wire it is CRLF again).
    text = rows(person, kind="confirmed")[0].calendar
    assert {t.replace("\r\n", "\n") for _p, t in parts} == {text.replace("\r\n", "\n")}
    events = check_calendar(text, "REQUEST", person, sessions)
    assert {int(e["SEQUENCE"]) for e in events} == {0}
    assert len({str(e["UID"]) for e in events}) == 2


def test_cancellation_has_same_uids_and_higher_sequence(confirmed, seasons_run):
    person, registration = confirmed
    invite = rows(person, kind="confirmed")[0].calendar
    mail.outbox.clear()
    cancel(registration, actor=person)
    [row] = rows(person, kind="cancelled")
    assert row.calendar_method == "CANCEL"
    check_calendar(row.calendar, "CANCEL", person, seasons_run.ordered_sessions())
    before, after = uid_sequences(invite), uid_sequences(row.calendar)
    assert before.keys() == after.keys()
    assert all(after[uid] > before[uid] for uid in before)
    [part] = [p for p, _t in calendar_parts(mime(_email_of(row))) if not p.get_filename()]
    assert part.get_param("method") == "CANCEL"


def _email_of(row):
    from outbox.services import _email

    return _email(row)


def test_meeting_link_only_for_registered_participants(confirmed, seasons_run, client):
    public = client.get(reverse("course_feed", args=[seasons_run.course_id]))
    assert public.status_code == 200
    assert MEETING_URL.split("?")[0] not in public.content.decode().replace("\r\n ", "")

    # Someone on the waitlist gets no calendar, so no link either.
    waiting = make_participant()
    registration = register(seasons_run, waiting)
    assert registration.status == "waitlisted"
    [row] = rows(waiting)
    assert row.calendar == "" and MEETING_URL not in row.body_text


def test_times_are_oslo_local_not_utc(confirmed, seasons_run):
    person, _registration = confirmed
    text = rows(person, kind="confirmed")[0].calendar.replace("\r\n ", "")
    first = seasons_run.ordered_sessions()[0]
    stamp = first.starts_at.astimezone(OSLO).strftime("%Y%m%dT%H%M%S")
    assert f"DTSTART;TZID=Europe/Oslo:{stamp}" in text
    assert stamp.endswith("T090000")
