"""Reminder emails before a run: each due reminder once per confirmed registration, none to
cancelled ones, only the nearest to late registrants, and ``reminder_days`` per run."""

from datetime import timedelta

import pytest

from calendars.reminders import send_due_reminders
from enrollment.services.registration import cancel, register
from tests.factories import make_participant

from .conftest import edit_form, last_pk, make_digital_run, post_edit, rows

H = timedelta(hours=1)
D = timedelta(days=1)


def _reminders(person, after=0):
    return rows(person, kind="reminder", after=after)


@pytest.fixture
def run(course_a):
    return make_digital_run(course_a, days_ahead=30)


def test_seven_and_one_day_reminders_once_each(run):
    start = run.starts_at
    keen, quitter = make_participant(), make_participant()
    register(run, keen)
    cancel(register(run, quitter), actor=quitter)

    assert send_due_reminders(now=start - 8 * D) == 0
    assert send_due_reminders(now=start - 7 * D + H) == 1
    assert send_due_reminders(now=start - 7 * D + 2 * H) == 0  # the next sweep: nothing
    assert send_due_reminders(now=start - 2 * D) == 0
    assert send_due_reminders(now=start - D + H) == 1
    assert send_due_reminders(now=start - D + 5 * H) == 0
    assert send_due_reminders(now=start + H) == 0  # started: no more

    first, second = _reminders(keen)
    assert "7" in first.subject and first.calendar == ""
    assert "7" not in second.subject
    assert run.meeting_url in first.body_text  # digital: the link is in the reminder
    assert _reminders(quitter) == []


def test_late_registrant_gets_only_the_nearest(run):
    start = run.starts_at
    early = make_participant()
    register(run, early)
    assert send_due_reminders(now=start - 7 * D + H) == 1

    # Registers 3 days before: no "7 days left" now, just the 1-day reminder later.
    late = make_participant()
    register(run, late, now=start - 3 * D)
    mark = last_pk()
    send_due_reminders(now=start - 3 * D + H)
    assert rows(after=mark) == []
    send_due_reminders(now=start - D + H)
    [only] = _reminders(late)
    assert "7" not in only.subject
    assert len(_reminders(early)) == 2

    # Registers 12 hours before: all reminders are past; the nearest (1 day) comes at once.
    very_late = make_participant()
    register(run, very_late, now=start - 12 * H)
    assert send_due_reminders(now=start - 12 * H + 10 * 60 * (H / 3600)) == 1
    [only] = _reminders(very_late)
    assert "7" not in only.subject
    assert send_due_reminders(now=start - 6 * H) == 0
    assert len(_reminders(early)) == 2 and len(_reminders(late)) == 1


def test_reminder_days_per_run(course_a, client, editor_a):
    three = make_digital_run(course_a, days_ahead=20, reminder_days="3")
    none = make_digital_run(course_a, days_ahead=20)
    # The editor empties the field in the admin: no reminders for this run.
    client.force_login(editor_a)
    post_edit(client, none, {**edit_form(client, none), "reminder_days": ""})
    none.refresh_from_db()
    assert none.reminder_days == ""
    a, b = make_participant(), make_participant()
    register(three, a)
    register(none, b)
    start = three.starts_at
    for offset in (7 * D - H, 3 * D - H, 3 * D - 2 * H, D - H, H):
        send_due_reminders(now=start - offset)
    [reminder] = _reminders(a)
    assert "3" in reminder.subject
    assert _reminders(b) == []
