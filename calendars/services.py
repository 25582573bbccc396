"""Keeping participants' calendars right.

Invariants:
- a confirmed registration has one calendar entry per session, with a UID that never changes,
  a SEQUENCE that only rises, and the time, place and title the calendar was last told;
- every iTIP message holds one VEVENT, one session: Outlook reads only the first VEVENT of a
  message. The email that tells the participant about the registration itself (confirmation,
  cancellation, run cancelled) carries the earliest session; every other session gets a short
  message of its own;
- after a run is edited, only sessions whose time, place or title changed are sent (REQUEST,
  higher SEQUENCE); a removed session gets one CANCEL; untouched sessions get nothing; running
  a sync twice sends nothing the second time;
- changes to a run are applied a minute after the last edit (``RUN_SETTLE``), so a burst of
  edits sends one update per changed session, with the final state;
- entries and message intents are written in the transaction that makes the change; the
  worker renders the iCalendar text at delivery (``calendars.emails``).
"""

import threading
from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from courses.models import CourseRun, RunStatus
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.locking import lock_run
from enrollment.services.notify import email_participant
from outbox.services import collect, host

from . import itip, tasks
from .models import CalendarEntry

RUN_SETTLE = timedelta(seconds=60)

_local = threading.local()

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


def desired(registration):
    """session id -> (starts_at, ends_at, location, summary) the calendar should show."""
    run = registration.run
    if registration.status != RegistrationStatus.CONFIRMED or run.status == RunStatus.CANCELLED:
        return {}
    location = itip.location_for(run)
    summary = itip.summary_for(run)
    return {s.pk: (s.starts_at, s.ends_at, location, summary) for s in run.ordered_sessions()}


def _told(entry):
    return {
        "starts_at": entry.starts_at.isoformat(),
        "ends_at": entry.ends_at.isoformat(),
        "location": entry.location,
    }


def plan(registration, now, entries=None):
    """Bring the stored entries in line with what the calendar should show. Returns the
    changes ``(kind, entry, before)``, earliest session first, where ``before`` is what the
    calendar was told until now (None for a new session)."""
    wanted = desired(registration)
    if entries is None:
        entries = list(registration.calendar_entries.all())
    # Entries of deleted sessions have session=None; they are cancelled below.
    by_session = {e.session_id: e for e in entries if e.session_id is not None}
    added, changes = [], []
    for session_id, (starts, ends, location, summary) in wanted.items():
        entry = by_session.get(session_id)
        if entry is None:
            added.append(
                CalendarEntry(
                    registration=registration,
                    session_id=session_id,
                    uid=f"ipskurs-reg{registration.pk}-s{session_id}@{host()}",
                    starts_at=starts,
                    ends_at=ends,
                    location=location,
                    summary=summary,
                    sent_at=now,
                )
            )
        elif (entry.starts_at, entry.ends_at, entry.location, entry.summary, entry.cancelled) != (
            starts,
            ends,
            location,
            summary,
            False,
        ):
            before = _told(entry)
            entry.starts_at, entry.ends_at, entry.location, entry.summary = (
                starts,
                ends,
                location,
                summary,
            )
            changes.append((CHANGED, entry, before))
    for entry in entries:
        if entry.session_id not in wanted and not entry.cancelled:
            entry.cancelled = True
            changes.append((REMOVED, entry, _told(entry)))
    for _kind, entry, _before in changes:
        entry.sequence += 1
        entry.sent_at = now
    if changes:
        CalendarEntry.objects.bulk_update(
            [entry for _kind, entry, _before in changes],
            ["sequence", "cancelled", "starts_at", "ends_at", "location", "summary", "sent_at"],
        )
    if added:
        pending = getattr(_local, "pending", None)
        if pending is not None:
            pending.extend(added)  # written when the ``batched()`` block ends
        else:
            CalendarEntry.objects.bulk_create(added)
        changes += [(ADDED, entry, None) for entry in added]
    return sorted(changes, key=lambda change: (change[1].starts_at, change[1].pk or 0))


@contextmanager
def batched():
    """Write the entries that ``plan`` adds in the block with one INSERT at its end, as
    ``outbox.services.collect`` does for the messages (a run update for many participants
    otherwise pays a round trip per participant). Messages refer to an entry by its UID,
    which is fixed before the row is written. Each registration must be planned at most
    once in the block (a second ``plan`` would not see the entries still pending)."""
    if getattr(_local, "pending", None) is not None:  # nested: the outermost block writes
        yield
        return
    _local.pending = pending = []
    try:
        yield
    finally:
        _local.pending = None
    if pending:
        CalendarEntry.objects.bulk_create(pending)


def calendar_params(entry):
    """What a message needs to carry ``entry``'s calendar part: it is rendered at delivery."""
    return {
        "uid": entry.uid,
        "sequence": entry.sequence,
        "method": itip.CANCEL if entry.cancelled else itip.REQUEST,
    }


SESSION_TEMPLATES = {
    # (why the calendar changes, what changed for the session) -> template
    ("confirmed", ADDED): "session_invitation",
    ("cancelled", REMOVED): "session_cancelled",
    ("edited", ADDED): "session_added",
    ("edited", CHANGED): "session_changed",
    ("edited", REMOVED): "session_removed",
}


def session_email(registration, reason, kind, entry, before):
    """Queue the short message that carries one session's REQUEST or CANCEL."""
    template = SESSION_TEMPLATES[(reason, kind)]
    return email_participant(
        registration,
        f"calendars/email/{template}",
        calendar=calendar_params(entry),
        before=before,
    )


def tell(registration, changes, reason, notice=None):
    """Queue the calendar messages for ``changes``: the earliest rides with ``notice`` (the
    email about the registration) when there is one, every other change gets its own."""
    if notice is not None and changes:
        notice.params["calendar"] = calendar_params(changes[0][1])
        changes = changes[1:]
    for kind, entry, before in changes:
        session_email(registration, reason, kind, entry, before)


def follow_registration(registration, from_status, to_status, now, notice=None):
    """A confirmation opens the calendar entries; leaving ``confirmed`` cancels them."""
    confirmed = RegistrationStatus.CONFIRMED
    if (to_status == confirmed) == (from_status == confirmed):
        return
    # A brand-new registration has no entries yet: no need to ask the database.
    entries = [] if not from_status else None
    changes = plan(registration, now, entries)
    tell(registration, changes, "confirmed" if to_status == confirmed else "cancelled", notice)


def mark_run_changed(run):
    """Sessions, place or title of a run changed: update calendars once edits settle."""
    CourseRun.objects.filter(pk=run.pk).update(calendar_changed_at=timezone.now())
    transaction.on_commit(
        lambda: tasks.sync_run_calendars.apply_async(
            (run.pk,), countdown=RUN_SETTLE.total_seconds() + 1
        )
    )


def sync_run(run_id, now=None, force=False):
    """Bring every confirmed participant's calendar in line with the run. Skips (returns None)
    while the run was edited less than RUN_SETTLE ago, unless ``force``. Returns the number of
    sessions told."""
    now = now or timezone.now()
    with transaction.atomic():
        run = lock_run(run_id)
        if run.calendar_changed_at is None:
            return 0
        if not force and now - run.calendar_changed_at < RUN_SETTLE:
            return None
        registrations = (
            Registration.objects.filter(run=run, status=RegistrationStatus.CONFIRMED)
            .select_related("user")
            .prefetch_related("calendar_entries")
        )
        told = 0
        with collect(), batched():
            for registration in registrations:
                registration.run = run
                changes = plan(registration, now)
                tell(registration, changes, "edited")
                told += len(changes)
        CourseRun.objects.filter(pk=run.pk).update(calendar_changed_at=None)
    return told


def dirty_runs(now=None):
    now = now or timezone.now()
    return CourseRun.objects.filter(calendar_changed_at__lte=now - RUN_SETTLE).values_list(
        "pk", flat=True
    )
