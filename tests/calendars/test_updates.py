"""Changes to a run made in the Wagtail admin reach participants' calendars: after the run
settles, one message per changed session (the same UID with a higher SEQUENCE), one CANCEL per
removed session and nothing for untouched ones; cancelled registrations and cancelled runs
cancel every session. Every text/calendar part holds one VEVENT. A tiny calendar store applying
the messages in order, read with icalendar and with vobject, shows what a participant's
calendar program ends up with."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calendars.services import sync_run
from courses.models import CourseRun
from enrollment.models import Registration
from enrollment.services.registration import cancel, register
from tests.factories import make_participant

from .conftest import (
    edit_form,
    last_pk,
    make_digital_run,
    post_edit,
    rows,
    session_index,
    uid_sequences,
    vevents,
)

SETTLED = timedelta(seconds=61)


@pytest.fixture
def admin(client, editor_a):
    client.force_login(editor_a)
    return client


@pytest.fixture
def people():
    return [make_participant() for _ in range(3)]


def _confirm(run, people):
    registrations = [register(run, p) for p in people]
    assert {r.status for r in registrations} == {"confirmed"}
    return registrations


def _edit(admin, run, capture, **changes):
    """Save the run's edit form in the admin with ``changes`` (callables get the form data)."""
    data = edit_form(admin, run)
    for key, value in changes.items():
        if callable(value):
            value(data)
        else:
            data[key] = value
    with capture(execute=True):  # the delayed sync task runs eagerly: too early, a no-op
        post_edit(admin, run, data)


def _move(session, start, end):
    def change(data):
        i = session_index(data, session)
        data[f"sessions-{i}-start_time"] = start
        data[f"sessions-{i}-end_time"] = end

    return change


def _sync(run, capture):
    with capture(execute=True):
        return sync_run(run.pk, now=timezone.now() + SETTLED)


def _invited(person):
    """uid -> SEQUENCE of every session the person was invited to."""
    told = {}
    for row in rows(person):
        if row.calendar_method == "REQUEST":
            told.update(uid_sequences(row.calendar))
    return told


def _starts(text):
    return {str(e["UID"]): e.decoded("DTSTART") for e in vevents(text)}


def test_moving_a_session_sends_one_update(
    course_a, people, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a, capacity=3)
    _confirm(run, people)
    waiting = make_participant()
    assert register(run, waiting).status == "waitlisted"
    [session] = run.ordered_sessions()
    before = {p.pk: _invited(p) for p in people}
    mark = last_pk()

    _edit(admin, run, django_capture_on_commit_callbacks, move=_move(session, "10:00", "16:30"))

    run.refresh_from_db()
    assert run.calendar_changed_at is not None
    assert rows(after=mark) == []  # nothing until the run has settled
    assert sync_run(run.pk, now=timezone.now()) is None
    assert rows(after=mark) == []

    assert _sync(run, django_capture_on_commit_callbacks) == len(people)
    session.refresh_from_db()
    for person in people:
        [row] = rows(person, after=mark)
        assert row.kind == "session_changed" and row.calendar_method == "REQUEST"
        assert "METHOD:REQUEST" in row.calendar
        seqs = uid_sequences(row.calendar)
        assert seqs.keys() == before[person.pk].keys()  # same UID
        assert all(seqs[u] == before[person.pk][u] + 1 for u in seqs)
        assert list(_starts(row.calendar).values()) == [session.starts_at]
        assert session.starts_at.hour == 10
        # The text names the change: old and new time of the same day.
        day = session.date.strftime("%d.%m.%Y")
        assert f"{day} 09:00–15:30" in row.body_text
        assert f"{day} 10:00–16:30" in row.body_text
    assert rows(waiting, after=mark) == []  # no calendar entry, no update

    # A second sync finds nothing to do.
    mark = last_pk()
    assert _sync(run, django_capture_on_commit_callbacks) == 0
    assert rows(after=mark) == []


def test_a_burst_of_edits_sends_one_update_with_the_final_state(
    course_a, people, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a)
    _confirm(run, people)
    [session] = run.ordered_sessions()
    before = {p.pk: _invited(p) for p in people}
    mark = last_pk()

    for start, end in [
        ("10:00", "16:00"),
        ("11:00", "17:00"),
        ("12:00", "18:00"),
        ("08:00", "14:00"),
        ("10:30", "16:30"),
    ]:
        _edit(admin, run, django_capture_on_commit_callbacks, move=_move(session, start, end))
        assert sync_run(run.pk, now=timezone.now()) is None  # each edit restarts the minute
    assert rows(after=mark) == []

    _sync(run, django_capture_on_commit_callbacks)
    session.refresh_from_db()
    for person in people:
        [row] = rows(person, after=mark)
        assert row.calendar_method == "REQUEST"
        [event] = vevents(row.calendar)
        assert event.decoded("DTSTART") == session.starts_at
        assert event.decoded("DTSTART").strftime("%H:%M") == "10:30"
        assert event.decoded("DTEND").strftime("%H:%M") == "16:30"
        [(uid, seq)] = uid_sequences(row.calendar).items()
        assert seq == before[person.pk][uid] + 1  # one step, not five


def test_edit_without_calendar_change_sends_nothing(
    course_a, people, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a, capacity=10)
    _confirm(run, people)
    rows()
    mark = last_pk()
    _edit(admin, run, django_capture_on_commit_callbacks, capacity="12")
    assert _sync(run, django_capture_on_commit_callbacks) == 0
    assert rows(after=mark) == []


def test_removing_a_session_sends_one_cancel_and_nothing_else(
    course_a, people, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a, sessions=3)
    _confirm(run, people[:2])
    removed = run.ordered_sessions()[2]
    uids = {p.pk: _invited(p) for p in people[:2]}
    assert all(len(told) == 3 for told in uids.values())
    mark = last_pk()

    def delete(data):
        data[f"sessions-{session_index(data, removed)}-DELETE"] = "1"

    _edit(admin, run, django_capture_on_commit_callbacks, remove=delete)
    assert run.sessions.count() == 2
    _sync(run, django_capture_on_commit_callbacks)

    for person in people[:2]:
        # One CANCEL, and no "(2/3)" renumbering updates for the two untouched days.
        [row] = rows(person, after=mark)
        assert (row.kind, row.calendar_method) == ("session_removed", "CANCEL")
        [event] = vevents(row.calendar)
        uid = str(event["UID"])
        assert f"-s{removed.pk}@" in uid and uid in uids[person.pk]
        assert int(event["SEQUENCE"]) == uids[person.pk][uid] + 1
        assert str(event["STATUS"]) == "CANCELLED"
        assert removed.starts_at.strftime("%d.%m.%Y") in row.body_text


def test_adding_a_session_requests_only_the_new_uid(
    course_a, people, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a)
    _confirm(run, people[:2])
    [first] = run.ordered_sessions()
    old = {p.pk: _invited(p) for p in people[:2]}
    new_day = first.date + timedelta(days=7)
    mark = last_pk()

    _edit(admin, run, django_capture_on_commit_callbacks, add=_add(new_day))
    assert run.sessions.count() == 2
    _sync(run, django_capture_on_commit_callbacks)

    for person in people[:2]:
        [row] = rows(person, after=mark)
        assert (row.kind, row.calendar_method) == ("session_added", "REQUEST")
        [(new_uid, seq)] = uid_sequences(row.calendar).items()
        assert new_uid not in old[person.pk] and seq == 0
        assert _starts(row.calendar)[new_uid].date() == new_day
        assert new_day.strftime("%d.%m.%Y") in row.body_text


def test_cancelled_registration_cancels_every_session(course_a, people):
    run = make_digital_run(course_a, sessions=2)
    [registration] = _confirm(run, people[:1])
    person = people[0]
    invited = _invited(person)
    mark = last_pk()
    cancel(registration, actor=person)
    sent = rows(person, after=mark)
    assert [(r.kind, r.calendar_method) for r in sent] == [
        ("cancelled", "CANCEL"),
        ("session_cancelled", "CANCEL"),
    ]
    cancels = {}
    for row in sent:
        cancels.update(uid_sequences(row.calendar))
    assert cancels.keys() == invited.keys()
    assert all(cancels[uid] == invited[uid] + 1 for uid in invited)


def test_cancelling_the_run_in_the_admin(
    course_a, people, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a, capacity=3, sessions=2)
    confirmed = _confirm(run, people[:2])
    offered = register(run, make_participant(), hold=True)
    waiting = register(run, make_participant())
    assert (offered.status, waiting.status) == ("offered", "waitlisted")
    invites = {r.user.pk: _invited(r.user) for r in confirmed}
    mark = last_pk()

    # Registrations close at once; the calendars are told with them.
    _edit(admin, run, django_capture_on_commit_callbacks, status="cancelled")
    assert CourseRun.objects.get(pk=run.pk).status == "cancelled"
    for registration in confirmed:
        sent = rows(registration.user, after=mark)
        assert [(r.kind, r.calendar_method) for r in sent] == [
            ("run_cancelled", "CANCEL"),
            ("session_cancelled", "CANCEL"),
        ]
        cancels = {}
        for row in sent:
            cancels.update(uid_sequences(row.calendar))
            assert {str(e["STATUS"]) for e in vevents(row.calendar)} == {"CANCELLED"}
        before = invites[registration.user.pk]
        assert cancels.keys() == before.keys()
        assert all(cancels[u] > before[u] for u in cancels)
    for registration in (offered, waiting):
        [row] = rows(registration.user, after=mark)
        assert row.kind == "run_cancelled" and row.calendar == ""
    assert set(Registration.objects.filter(run=run).values_list("status", flat=True)) == {
        "cancelled"
    }
    # The settled sync has nothing left to say.
    mark = last_pk()
    assert _sync(run, django_capture_on_commit_callbacks) == 0
    assert rows(after=mark) == []


def _add(day, start="09:00", end="12:00"):
    def add(data):
        n = int(data["sessions-TOTAL_FORMS"])
        data["sessions-TOTAL_FORMS"] = str(n + 1)
        data.update(
            {
                f"sessions-{n}-date": day.isoformat(),
                f"sessions-{n}-start_time": start,
                f"sessions-{n}-end_time": end,
                f"sessions-{n}-id": "",
                f"sessions-{n}-ORDER": str(n + 1),
                f"sessions-{n}-DELETE": "",
            }
        )

    return add


class CalendarStore:
    """What a calendar program does with iTIP messages, in order: REQUEST creates or updates
    the event with that UID unless it is older than what is stored; CANCEL removes it."""

    def __init__(self):
        self.events = {}

    def apply(self, text):
        from icalendar import Calendar

        cal = Calendar.from_ical(text)
        method = str(cal["METHOD"])
        for event in cal.walk("VEVENT"):
            uid, seq = str(event["UID"]), int(event["SEQUENCE"])
            stored = self.events.get(uid)
            if stored is not None and seq < stored["sequence"]:
                continue  # an out-of-date message
            if method == "CANCEL":
                self.events.pop(uid, None)
            elif method == "REQUEST":
                self.events[uid] = {
                    "sequence": seq,
                    "start": event.decoded("DTSTART"),
                    "end": event.decoded("DTEND"),
                    "summary": str(event["SUMMARY"]),
                    "location": str(event.get("LOCATION", "")),
                }

    def times(self):
        return sorted((e["start"], e["end"]) for e in self.events.values())

    def feed(self, person, after=0):
        for row in rows(person, after=after):
            if row.calendar:
                self.apply(row.calendar)
        return max([after] + [r.pk for r in rows(person, after=after)])


def test_a_three_day_run_from_registration_to_cancelled_run(
    course_a, admin, django_capture_on_commit_callbacks
):
    """Register two people; move a day, add one, remove one; one person cancels, then the run
    is cancelled. Every calendar part holds exactly one VEVENT, and calendar programs reading
    the messages in order (icalendar and vobject alike) end up with the right calendar for
    each person at every step."""
    run = make_digital_run(course_a, sessions=3, capacity=5)
    kari, ola = make_participant(first_name="Kari"), make_participant(first_name="Ola")
    reg_kari, _reg_ola = [register(run, p) for p in (kari, ola)]
    stores = {p.pk: (CalendarStore(), VobjectStore()) for p in (kari, ola)}
    seen = dict.fromkeys(stores, 0)

    def catch_up():
        for person in (kari, ola):
            for row in rows(person, after=seen[person.pk]):
                seen[person.pk] = row.pk
                if row.calendar:
                    assert len(vevents(row.calendar)) == 1, row.kind
                    for store in stores[person.pk]:
                        store.apply(row.calendar)

    def expect(person, times):
        """The person's calendar holds exactly these (start, end) local times."""
        for store in stores[person.pk]:
            assert store.times() == sorted(times), type(store).__name__

    def times_of(sessions):
        return [(s.starts_at, s.ends_at) for s in sessions]

    catch_up()
    day1, day2, day3 = run.ordered_sessions()
    for person in (kari, ola):
        expect(person, times_of([day1, day2, day3]))

    _edit(admin, run, django_capture_on_commit_callbacks, m=_move(day2, "10:00", "14:00"))
    _sync(run, django_capture_on_commit_callbacks)
    catch_up()
    day2.refresh_from_db()
    for person in (kari, ola):
        expect(person, times_of([day1, day2, day3]))

    day4_date = day3.date + timedelta(days=7)
    _edit(admin, run, django_capture_on_commit_callbacks, a=_add(day4_date, "12:00", "15:00"))
    _sync(run, django_capture_on_commit_callbacks)
    catch_up()
    day4 = run.sessions.get(date=day4_date)
    for person in (kari, ola):
        expect(person, times_of([day1, day2, day3, day4]))

    def delete(data):
        data[f"sessions-{session_index(data, day1)}-DELETE"] = "1"

    _edit(admin, run, django_capture_on_commit_callbacks, r=delete)
    _sync(run, django_capture_on_commit_callbacks)
    catch_up()
    for person in (kari, ola):
        expect(person, times_of([day2, day3, day4]))

    cancel(reg_kari, actor=kari)
    catch_up()
    expect(kari, [])
    expect(ola, times_of([day2, day3, day4]))

    _edit(admin, run, django_capture_on_commit_callbacks, status="cancelled")
    _sync(run, django_capture_on_commit_callbacks)
    catch_up()
    expect(kari, [])
    expect(ola, [])


def test_calendar_program_follows_register_move_cancel(
    course_a, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a)
    person = make_participant()
    store = CalendarStore()
    registration = register(run, person)
    seen = store.feed(person)
    [event] = store.events.values()
    assert event["start"].strftime("%H:%M") == "09:00"
    assert event["start"].date() == run.ordered_sessions()[0].date

    [session] = run.ordered_sessions()
    _edit(admin, run, django_capture_on_commit_callbacks, m=_move(session, "10:00", "16:30"))
    _sync(run, django_capture_on_commit_callbacks)
    seen = store.feed(person, seen)
    [event] = store.events.values()
    assert (event["start"].strftime("%H:%M"), event["end"].strftime("%H:%M")) == (
        "10:00",
        "16:30",
    )

    cancel(registration, actor=person)
    store.feed(person, seen)
    assert store.events == {}

    # Replaying the first invitation late (out of order) does not bring it back with the old
    # time over a newer state: it is older than what a store would have kept.
    replay = CalendarStore()
    history = [r for r in rows(person) if r.calendar]
    for row in [history[1], history[0]]:
        replay.apply(row.calendar)
    [event] = replay.events.values()
    assert event["start"].strftime("%H:%M") == "10:00"


class VobjectStore(CalendarStore):
    """The same calendar program, reading the messages with vobject."""

    def apply(self, text):
        import vobject

        cal = vobject.readOne(text)
        method = cal.method.value
        for event in cal.vevent_list:
            uid, seq = event.uid.value, int(event.sequence.value)
            stored = self.events.get(uid)
            if stored is not None and seq < stored["sequence"]:
                continue
            if method == "CANCEL":
                self.events.pop(uid, None)
            else:
                self.events[uid] = {
                    "sequence": seq,
                    "start": event.dtstart.value,
                    "end": event.dtend.value,
                }
