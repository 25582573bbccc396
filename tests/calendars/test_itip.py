"""iTIP compliance of the invitation and cancellation emails (RFC 5545/5546/6047), read back
with icalendar and with vobject, a second, independent parser."""

from datetime import UTC, date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Event, vCalAddress, vText

from calendars import itip
from calendars.models import CalendarEntry
from courses.models import OSLO
from enrollment.models import Registration
from enrollment.services.registration import cancel, register
from tests.factories import make_participant, make_run

from .conftest import MEETING_URL, calendar_parts, mime, parse, rows, uid_sequences, vevents

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
def django_commit(django_capture_on_commit_callbacks):
    """``with django_commit():`` runs what a commit would run at the end of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def confirmed(seasons_run, django_commit):
    person = make_participant(first_name="Åse Ødegård, jr.", last_name="Ærlig;")
    with django_commit():
        registration = register(seasons_run, person)
    assert registration.status == "confirmed"
    return person, registration


def _emails_to(person):
    return [mime(m) for m in mail.outbox if m.to == [person.email]]


def _raw_lines(text):
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def check_calendar(text, method, person, session):
    """Everything both parsers must agree on for one iTIP calendar of one session."""
    cal = parse(text)
    assert str(cal["METHOD"]) == method
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")

    # Europe/Oslo VTIMEZONE written with RRULE rules, never RDATE lists.
    [vtz] = cal.walk("VTIMEZONE")
    assert str(vtz["TZID"]) == "Europe/Oslo"
    rules = vtz.walk("STANDARD") + vtz.walk("DAYLIGHT")
    assert len(rules) == 2 and all("RRULE" in r and "RDATE" not in r for r in rules)
    assert "RDATE" not in text

    # Exactly one VEVENT: Outlook reads only the first of an emailed iTIP message.
    [event] = vevents(text)
    for prop in ("DTSTART", "DTEND"):
        assert event[prop].params["TZID"] == "Europe/Oslo"
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTEND") == session.ends_at
    assert str(event["ORGANIZER"]).lower() == "mailto:kalender-svar@ipskurs.no"
    assert str(event["ATTENDEE"]).lower() == f"mailto:{person.email}"
    assert event["ATTENDEE"].params["CN"] == person.get_full_name()
    assert event.get("DTSTAMP") and event.get("UID")
    assert str(event["SUMMARY"]) == TITLE
    assert str(event["LOCATION"]) == MEETING_URL  # the participant sees the link
    assert str(event["STATUS"]) == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")

    # Folding and escaping as RFC 5545 3.1 and 3.3.11 say.
    lines = _raw_lines(text)
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines), "long lines must be folded"
    unfolded = text.replace("\r\n ", "")
    assert "Tromsø\\, Ålesund" in unfolded
    assert "Grunnkurs i IPS\\; Tromsø" in unfolded

    # vobject reads the same thing, and computes the right UTC offset from the RRULEs.
    vcal = vobject.readOne(text)
    assert vcal.method.value == method
    [vev] = vcal.vevent_list
    assert vev.summary.value == TITLE
    assert vev.dtstart.value == session.starts_at
    assert vev.dtend.value == session.ends_at
    assert vev.dtstart.value.utcoffset() == session.starts_at.utcoffset()
    assert vev.location.value == MEETING_URL
    return event


def test_each_session_arrives_as_its_own_itip_request(confirmed, seasons_run):
    """The confirmation carries the first session; the second comes in a short message of its
    own. Both are proper iMIP: an inline text/calendar alternative with method=REQUEST and the
    same calendar as a UTF-8 .ics attachment."""
    person, _registration = confirmed
    winter, summer = seasons_run.ordered_sessions()
    assert [s.starts_at.utcoffset() for s in (winter, summer)] == [
        timedelta(hours=1),
        timedelta(hours=2),
    ]
    confirmation, second = _emails_to(person)
    assert "Du har fått plass" in confirmation["Subject"]
    events = []
    for message, session, kind in (
        (confirmation, winter, "confirmed"),
        (second, summer, "session_invitation"),
    ):
        parts = calendar_parts(message)
        inline = [p for p, _t in parts if p.get_content_disposition() is None]
        attached = [p for p, _t in parts if p.get_content_disposition() == "attachment"]
        assert len(inline) == 1 and len(attached) == 1
        assert inline[0].get_param("method") == "REQUEST"
        assert inline[0].get_content_charset() == "utf-8"
        assert attached[0].get_filename().endswith(".ics")
        assert attached[0].get_content_charset() == "utf-8"
        # The inline part is an alternative of the text body, as iMIP (RFC 6047) wants.
        alternative = next(
            p for p in message.walk() if p.get_content_type() == "multipart/alternative"
        )
        assert inline[0] in list(alternative.iter_parts())
        # The attachment is the same calendar (Python's MIME writer turns CRLF into LF here;
        # on the wire it is CRLF again).
        [row] = rows(person, kind=kind)
        assert {t.replace("\r\n", "\n") for _p, t in parts} == {row.calendar.replace("\r\n", "\n")}
        events.append(check_calendar(row.calendar, "REQUEST", person, session))
    assert [int(e["SEQUENCE"]) for e in events] == [0, 0]
    assert len({str(e["UID"]) for e in events}) == 2


def test_cancellation_cancels_each_session_with_its_uid_and_a_higher_sequence(
    confirmed, seasons_run, django_commit
):
    person, registration = confirmed
    invited = {
        **uid_sequences(rows(person, kind="confirmed")[0].calendar),
        **uid_sequences(rows(person, kind="session_invitation")[0].calendar),
    }
    mail.outbox.clear()
    with django_commit():
        cancel(registration, actor=person)
    winter, summer = seasons_run.ordered_sessions()
    [cancelled] = rows(person, kind="cancelled")
    [other] = rows(person, kind="session_cancelled")
    cancels = {}
    for row, session in ((cancelled, winter), (other, summer)):
        assert row.calendar_method == "CANCEL"
        check_calendar(row.calendar, "CANCEL", person, session)
        cancels.update(uid_sequences(row.calendar))
    assert cancels.keys() == invited.keys()
    assert all(cancels[uid] > invited[uid] for uid in invited)
    for message in _emails_to(person):
        [part] = [p for p, _t in calendar_parts(message) if not p.get_filename()]
        assert part.get_param("method") == "CANCEL"


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


def test_the_description_is_in_the_participants_language(seasons_run):
    for language, words in (
        ("nb", ("Kursside", "Dag 1 av 2")),
        ("en", ("Course page", "Day 1 of 2")),
    ):
        person = make_participant(language=language)
        seasons_run.capacity += 1
        seasons_run.save(update_fields=["capacity"])
        register(seasons_run, person)
        [event] = vevents(rows(person, kind="confirmed")[0].calendar)
        description = str(event["DESCRIPTION"])
        assert all(word in description for word in words), description


def _icalendar_event(entry, registration, method, provider_name, now):
    """The VEVENT as icalendar 7 writes it: the reference ``itip`` is checked against."""
    user = registration.user
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", timezone.localtime(entry.starts_at))
    event.add("dtend", timezone.localtime(entry.ends_at))
    event.add("summary", entry.summary)
    if entry.location:
        event.add("location", entry.location)
    # The description is not the point here: take it from our own text, unfolded.
    ours = itip._event(entry, registration, method, provider_name, now).replace("\r\n ", "")
    description = next(line for line in ours.split("\r\n") if line.startswith("DESCRIPTION:"))
    event.add("description", parse_text(description.removeprefix("DESCRIPTION:")))
    organizer = vCalAddress(f"mailto:{itip.organizer_address()}")
    organizer.params["cn"] = vText(provider_name)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(user.get_full_name() or user.email)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    event.add("status", "CANCELLED" if method == itip.CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event.to_ical().decode("utf-8")


def parse_text(value):
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_the_event_text_is_what_icalendar_writes(seasons_run, method):
    """``itip`` writes the VEVENT itself (for speed); escaping, RFC 6868 parameters and
    folding at 75 octets must match icalendar's, for awkward names and long lines."""
    person = make_participant()
    person.first_name = 'Åse "Kari" ^Marie; von, Ødegård\\Sørensen'
    person.last_name = "Ødegård-Sørensen med et riktig langt etternavn: " + "ø" * 40
    registration = Registration(run=seasons_run, user=person)
    entry = CalendarEntry(
        uid="ipskurs-reg-1-session-2@example.no",
        sequence=4,
        starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=6),
        summary="Grunnkurs; Tromsø, Ålesund og Bodø – vår\\høst " + "æ" * 50,
        location="https://meet.example.no/j/1?pwd=a,b;c",
    )
    now = timezone.now()
    for provider in ("NAPHA", 'Prøve; "leverandør", AS:^'):
        ours = itip._event(entry, registration, method, provider, now)
        assert ours == _icalendar_event(entry, registration, method, provider, now)
        assert all(len(line.encode()) <= 75 for line in ours.split("\r\n"))
