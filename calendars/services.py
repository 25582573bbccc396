"""Keeping participants' calendars right.

Invariants:
- each confirmed registration has one calendar entry per session, with a UID that never
  changes and a SEQUENCE that only rises;
- what a calendar was last told is stored; a sync sends REQUEST only for new or changed
  sessions and CANCEL (same UID, higher SEQUENCE) for removed sessions, cancelled
  registrations and cancelled runs, so running a sync twice sends nothing the second time;
- changes to a run are applied a minute after the last edit (``RUN_SETTLE``), so a burst of
  edits sends one update with the final state;
- every message goes through the outbox, in the same transaction as the state it describes.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrollment.models import Registration, RegistrationStatus

from . import itip
from .models import CalendarEntry

RUN_SETTLE = timedelta(seconds=60)


def _host():
    return settings.SITE_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0]


def _provider_name(run):
    from courses.catalogue import attach_providers

    attach_providers([run])
    return run.provider.title if run.provider else run.course.title


def desired(registration):
    """session id -> (starts_at, ends_at, location, summary) the calendar should show."""
    run = registration.run
    if registration.status != RegistrationStatus.CONFIRMED or run.status == "cancelled":
        return {}
    sessions = run.ordered_sessions()
    location = itip.location_for(run)
    return {
        s.pk: (s.starts_at, s.ends_at, location, itip.summary_for(run, i, len(sessions)))
        for i, s in enumerate(sessions, start=1)
    }


def plan(registration, now):
    """Update the stored entries to the desired state; return (requests, cancels, changes)
    where ``changes`` describes what moved, for the email text."""
    wanted = desired(registration)
    all_entries = list(registration.calendar_entries.all())
    # Entries of deleted sessions have session=None; they are cancelled below.
    entries = {e.session_id: e for e in all_entries if e.session_id is not None}
    requests, cancels, changes = [], [], []
    for session_id, (starts, ends, location, summary) in wanted.items():
        entry = entries.get(session_id)
        if entry is None:
            entry = CalendarEntry(
                registration=registration,
                session_id=session_id,
                uid=f"ipskurs-reg{registration.pk}-s{session_id}@{_host()}",
                sequence=0,
                starts_at=starts,
                ends_at=ends,
                location=location,
                summary=summary,
                sent_at=now,
            )
            entry.save()
            requests.append(entry)
            if entries:
                changes.append(("added", None, entry))
            continue
        old = (entry.starts_at, entry.ends_at, entry.location, entry.summary, entry.cancelled)
        if old == (starts, ends, location, summary, False):
            requests.append(entry)  # unchanged, but included so the REQUEST is complete
            continue
        before = CalendarEntry(
            starts_at=entry.starts_at, ends_at=entry.ends_at, location=entry.location
        )
        entry.sequence += 1
        entry.starts_at, entry.ends_at, entry.location, entry.summary = (
            starts,
            ends,
            location,
            summary,
        )
        entry.cancelled = False
        entry.sent_at = now
        entry.save()
        requests.append(entry)
        changes.append(("changed", before, entry))
    for entry in all_entries:
        if entry.session_id in wanted or entry.cancelled:
            continue
        entry.sequence += 1
        entry.cancelled = True
        entry.sent_at = now
        entry.save(update_fields=["sequence", "cancelled", "sent_at"])
        cancels.append(entry)
        changes.append(("removed", entry, None))
    return requests, cancels, changes


def invitation_for(registration, now=None):
    """(calendar text, method) for the confirmation email, creating the entries."""
    now = now or timezone.now()
    requests, _cancels, _changes = plan(registration, now)
    if not requests:
        return "", ""
    name = _provider_name(registration.run)
    return itip.build(registration, requests, "REQUEST", name, now), "REQUEST"


def cancellation_for(registration, now=None):
    """(calendar text, method) for a cancelled registration: CANCEL for every entry."""
    now = now or timezone.now()
    _requests, cancels, _changes = plan(registration, now)
    if not cancels:
        return "", ""
    name = _provider_name(registration.run)
    return itip.build(registration, cancels, "CANCEL", name, now), "CANCEL"


def sync_registration(registration, now=None):
    """Send what changed for one confirmed (or no longer confirmed) registration."""
    from enrollment.services.notify import registration_email

    now = now or timezone.now()
    requests, cancels, changes = plan(registration, now)
    if not changes:
        return 0
    name = _provider_name(registration.run)
    sent = 0
    template = "run_cancelled" if registration.run.status == "cancelled" else "calendar_update"
    if any(kind != "removed" for kind, _before, _after in changes):
        registration_email(
            registration,
            template,
            changes=changes,
            calendar=itip.build(registration, requests, "REQUEST", name, now),
            calendar_method="REQUEST",
        )
        sent += 1
    if cancels:
        # A second message: one iCalendar object carries one METHOD.
        registration_email(
            registration,
            template if not sent else "calendar_removed",
            changes=changes,
            calendar=itip.build(registration, cancels, "CANCEL", name, now),
            calendar_method="CANCEL",
        )
        sent += 1
    return sent


def mark_run_changed(run):
    """Sessions, place or status of a run changed: update calendars once edits settle."""
    from .tasks import sync_run_calendars

    now = timezone.now()
    type(run).objects.filter(pk=run.pk).update(calendar_changed_at=now)
    transaction.on_commit(
        lambda: sync_run_calendars.apply_async((run.pk,), countdown=RUN_SETTLE.total_seconds() + 1)
    )


def sync_run(run_id, now=None, force=False):
    """Bring every participant's calendar in line with the run. Skips (returns None) while
    the run was edited less than RUN_SETTLE ago, unless ``force``."""
    from courses.models import CourseRun
    from enrollment.services.locking import lock_run

    now = now or timezone.now()
    with transaction.atomic():
        run = lock_run(run_id)
        if run.calendar_changed_at is None:
            return 0
        if not force and now - run.calendar_changed_at < RUN_SETTLE:
            return None
        if run.status == "cancelled":
            _close_cancelled_run(run, now)
        sent = 0
        registrations = (
            Registration.objects.filter(run=run)
            .filter(calendar_entries__isnull=False)
            .distinct()
            .select_related("user", "run__course")
            .prefetch_related("calendar_entries")
        )
        for registration in registrations:
            registration.run = run
            sent += sync_registration(registration, now)
        CourseRun.objects.filter(pk=run.pk).update(calendar_changed_at=None)
    return sent


def _close_cancelled_run(run, now):
    """A cancelled run: tell those waiting and close open offers."""
    from enrollment.services.events import transition
    from enrollment.services.notify import registration_email

    waiting = Registration.objects.filter(
        run=run, status__in=[RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED]
    ).select_related("user")
    for registration in waiting:
        registration.cancelled_at = now
        registration.offer_nonce = ""
        registration.run = run
        transition(
            registration,
            RegistrationStatus.CANCELLED,
            now=now,
            reason=_("The course run was cancelled"),
            fields=["cancelled_at", "offer_nonce"],
        )
        registration_email(registration, "run_cancelled")
    confirmed = Registration.objects.filter(run=run, status=RegistrationStatus.CONFIRMED)
    for registration in confirmed.select_related("user"):
        registration.run = run
        registration.cancelled_at = now
        transition(
            registration,
            RegistrationStatus.CANCELLED,
            now=now,
            reason=_("The course run was cancelled"),
            fields=["cancelled_at"],
        )


def dirty_runs(now=None):
    from courses.models import CourseRun

    now = now or timezone.now()
    return CourseRun.objects.filter(calendar_changed_at__lte=now - RUN_SETTLE).values_list(
        "pk", flat=True
    )
