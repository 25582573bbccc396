"""Calendar parts and session messages, composed at delivery (see ``outbox.composers``).

Invariants:
- a message's calendar part is rendered from the entry as it is when the message is sent: a
  confirmation whose session has since been removed carries no invitation for it, and an
  update that a newer update of the same entry has overtaken is not sent at all;
- every text/calendar part holds exactly one VEVENT.
"""

from datetime import datetime

from django.utils import timezone

from enrollment.emails import RegistrationComposer
from outbox.composers import Part, Superseded

from . import itip
from .models import CalendarEntry


def _entries_for(messages):
    """Set ``message.calendar_entry`` from ``params["calendar"]``: the entry's UID, or its
    id in messages queued before UIDs were used."""
    told = [(m, m.params["calendar"]) for m in messages if "calendar" in m.params]
    uids = {c["uid"] for _m, c in told if "uid" in c}
    ids = {c["entry"] for _m, c in told if "uid" not in c}
    by_uid = CalendarEntry.objects.in_bulk(uids, field_name="uid") if uids else {}
    by_id = CalendarEntry.objects.in_bulk(ids) if ids else {}
    for message, calendar in told:
        if "uid" in calendar:
            message.calendar_entry = by_uid.get(calendar["uid"])
        else:
            message.calendar_entry = by_id.get(calendar["entry"])


class CalendarPart(Part):
    """Adds the session a message carries (``params["calendar"]``) as an iTIP part."""

    def prefetch(self, messages):
        _entries_for(messages)

    def add(self, message, composition):
        entry = getattr(message, "calendar_entry", None)
        registration = message.registration
        if entry is None or registration is None:
            return
        if entry.cancelled and message.params["calendar"]["method"] == itip.REQUEST:
            return  # the session was removed before this invitation went out
        method = itip.CANCEL if entry.cancelled else itip.REQUEST
        run = registration.run
        provider = run.provider.title if getattr(run, "provider", None) else run.course.title
        composition.calendar = itip.build(registration, entry, method, provider, timezone.now())
        composition.calendar_method = method


def _before(params):
    told = params.get("before")
    if not told:
        return None
    return {
        "starts_at": datetime.fromisoformat(told["starts_at"]),
        "ends_at": datetime.fromisoformat(told["ends_at"]),
        "location": told["location"],
    }


class SessionComposer(RegistrationComposer):
    """``calendars/email/*``: the short message that carries one session."""

    def context(self, message):
        entry = getattr(message, "calendar_entry", None)
        if entry is None or entry.sequence > message.params["calendar"]["sequence"]:
            raise Superseded  # a newer message tells this session's calendar entry
        context = super().context(message)
        context.update(
            entry=entry,
            before=_before(message.params),
            day=itip.session_label(context["run"], entry),
        )
        return context
