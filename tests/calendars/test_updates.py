"""Changes to a run made in the Wagtail admin reach participants' calendars: one update per
burst of edits (after the run settles), the same UIDs with a higher SEQUENCE, CANCEL for
removed sessions, cancelled registrations and cancelled runs. A tiny calendar store applying
the messages in order shows what a participant's calendar program ends up with."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calendars.services import sync_run
from courses.models import CourseRun
from enrollment.models import Registration
from enrollment.services.registration import cancel, register

from .conftest import (
    edit_form,
    last_pk,
    make_digital_run,
    make_participant,
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


def _invite(person):
    [row] = rows(person, kind="confirmed")
    return row


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
    before = {p.pk: uid_sequences(_invite(p).calendar) for p in people}
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
        assert row.kind == "calendar_update" and row.calendar_method == "REQUEST"
        assert "METHOD:REQUEST" in row.calendar
        seqs = uid_sequences(row.calendar)
        assert seqs.keys() == before[person.pk].keys()  # same UIDs
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
    before = {p.pk: uid_sequences(_invite(p).calendar) for p in people}
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
    mark = last_pk()
    _edit(admin, run, django_capture_on_commit_callbacks, capacity="12")
    assert _sync(run, django_capture_on_commit_callbacks) == 0
    assert rows(after=mark) == []


def test_removing_a_session_cancels_its_uid(
    course_a, people, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a, sessions=3)
    _confirm(run, people[:2])
    removed = run.ordered_sessions()[2]
    uids = {p.pk: uid_sequences(_invite(p).calendar) for p in people[:2]}
    mark = last_pk()

    def delete(data):
        data[f"sessions-{session_index(data, removed)}-DELETE"] = "1"

    _edit(admin, run, django_capture_on_commit_callbacks, remove=delete)
    assert run.sessions.count() == 2
    _sync(run, django_capture_on_commit_callbacks)

    for person in people[:2]:
        new = rows(person, after=mark)
        [cancel_row] = [r for r in new if r.calendar_method == "CANCEL"]
        assert "METHOD:CANCEL" in cancel_row.calendar
        [event] = vevents(cancel_row.calendar)
        uid = str(event["UID"])
        assert f"-s{removed.pk}@" in uid and uid in uids[person.pk]
        assert int(event["SEQUENCE"]) == uids[person.pk][uid] + 1
        assert str(event["STATUS"]) == "CANCELLED"
        assert removed.starts_at.strftime("%d.%m.%Y") in cancel_row.body_text
        # Any REQUEST sent alongside (summaries went from x/3 to x/2) leaves the removed
        # session out and keeps the others' UIDs.
        for row in new:
            if row.calendar_method == "REQUEST":
                assert uid not in uid_sequences(row.calendar)
                assert set(uid_sequences(row.calendar)) < set(uids[person.pk])


def test_adding_a_session_requests_a_new_uid(
    course_a, people, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a)
    _confirm(run, people[:2])
    [first] = run.ordered_sessions()
    old = {p.pk: uid_sequences(_invite(p).calendar) for p in people[:2]}
    new_day = first.date + timedelta(days=7)
    mark = last_pk()

    def add(data):
        n = int(data["sessions-TOTAL_FORMS"])
        data["sessions-TOTAL_FORMS"] = str(n + 1)
        data.update(
            {
                f"sessions-{n}-date": new_day.isoformat(),
                f"sessions-{n}-start_time": "09:00",
                f"sessions-{n}-end_time": "12:00",
                f"sessions-{n}-id": "",
                f"sessions-{n}-ORDER": str(n + 1),
                f"sessions-{n}-DELETE": "",
            }
        )

    _edit(admin, run, django_capture_on_commit_callbacks, add=add)
    assert run.sessions.count() == 2
    _sync(run, django_capture_on_commit_callbacks)

    for person in people[:2]:
        [row] = rows(person, after=mark)
        assert row.calendar_method == "REQUEST"
        seqs = uid_sequences(row.calendar)
        [new_uid] = set(seqs) - set(old[person.pk])
        assert seqs[new_uid] == 0
        assert _starts(row.calendar)[new_uid].date() == new_day
        for uid, seq in old[person.pk].items():
            assert seqs[uid] >= seq
        assert new_day.strftime("%d.%m.%Y") in row.body_text


def test_sequences_only_rise_and_cancelled_registration_gets_cancel(
    course_a, people, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a, sessions=2)
    registrations = _confirm(run, people[:1])
    person = people[0]
    first, second = run.ordered_sessions()
    _edit(admin, run, django_capture_on_commit_callbacks, m=_move(first, "10:00", "16:00"))
    _sync(run, django_capture_on_commit_callbacks)
    _edit(admin, run, django_capture_on_commit_callbacks, m=_move(second, "08:00", "15:00"))
    _sync(run, django_capture_on_commit_callbacks)
    cancel(registrations[0], actor=person)

    history = [r for r in rows(person) if r.calendar]
    assert [r.calendar_method for r in history] == ["REQUEST", "REQUEST", "REQUEST", "CANCEL"]
    seen = {}
    for row in history:
        for event in vevents(row.calendar):
            uid, seq = str(event["UID"]), int(event["SEQUENCE"])
            previous = seen.get(uid)
            if previous is not None:
                assert seq >= previous[0]
                if previous[1] != event.decoded("DTSTART") or row.calendar_method == "CANCEL":
                    assert seq > previous[0], (uid, seq, previous)
            seen[uid] = (seq, event.decoded("DTSTART"))
    cancelled = uid_sequences(history[-1].calendar)
    assert set(cancelled) == set(uid_sequences(history[0].calendar))
    assert all(
        cancelled[uid] > max(uid_sequences(r.calendar).get(uid, -1) for r in history[:-1])
        for uid in cancelled
    )


def test_cancelling_the_run_in_the_admin(
    course_a, people, admin, django_capture_on_commit_callbacks
):
    run = make_digital_run(course_a, capacity=3)
    confirmed = _confirm(run, people[:2])
    offered = register(run, make_participant(), hold=True)
    waiting = register(run, make_participant())
    assert (offered.status, waiting.status) == ("offered", "waitlisted")
    invites = {r.user.pk: uid_sequences(_invite(r.user).calendar) for r in confirmed}
    mark = last_pk()

    _edit(admin, run, django_capture_on_commit_callbacks, status="cancelled")
    assert CourseRun.objects.get(pk=run.pk).status == "cancelled"
    assert rows(after=mark) == []
    _sync(run, django_capture_on_commit_callbacks)

    for registration in confirmed:
        [row] = rows(registration.user, after=mark)
        assert row.kind == "run_cancelled" and row.calendar_method == "CANCEL"
        seqs = uid_sequences(row.calendar)
        before = invites[registration.user.pk]
        assert seqs.keys() == before.keys()
        assert all(seqs[u] > before[u] for u in seqs)
        assert {str(e["STATUS"]) for e in vevents(row.calendar)} == {"CANCELLED"}
    for registration in (offered, waiting):
        [row] = rows(registration.user, after=mark)
        assert row.kind == "run_cancelled" and row.calendar == ""
    assert set(Registration.objects.filter(run=run).values_list("status", flat=True)) == {
        "cancelled"
    }


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

    def feed(self, person, after=0):
        for row in rows(person, after=after):
            if row.calendar:
                self.apply(row.calendar)
        return max([after] + [r.pk for r in rows(person, after=after)])


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
