"""The coordinator's digest: an opt-in email, daily or weekly, about colleagues' courses.

Invariants: a coordinator who opts in is told only about what happens from then on; each
digest covers exactly the period from the end of the previous one (the membership's
``digest_watermark``) to the moment it is made, so nothing is reported twice and nothing in
between is lost; when nothing happened no email is sent (the watermark still moves); only
colleagues registered with the coordinator's organisation as employer are reported; the
watermark moves in the same transaction that queues the email, under the membership's row lock.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from attendance.models import Certificate
from enrollment.models import Registration, RegistrationEvent, RegistrationStatus
from organisations.models import Membership, MembershipRole, Organisation
from outbox import services as outbox
from outbox.composers import Composer, Superseded

TEMPLATE = "reports/email/digest"
PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
# The task runs every hour; a digest due within this margin goes out now rather than an hour
# late.
MARGIN = timedelta(minutes=30)


@dataclass
class Happenings:
    registered: list = field(default_factory=list)
    cancelled: list = field(default_factory=list)
    offered: list = field(default_factory=list)
    lapsed: list = field(default_factory=list)
    completed: list = field(default_factory=list)
    certified: list = field(default_factory=list)

    def __bool__(self):
        return any(self.__dict__.values())


def happenings(organisation, since, until):
    """What happened to the organisation's colleagues' registrations in (since, until]."""
    found = Happenings()
    events = (
        RegistrationEvent.objects.filter(
            registration__employer=organisation, at__gt=since, at__lte=until
        )
        .select_related("registration__user", "run__course")
        .order_by("at", "pk")
    )
    for event in events:
        if not event.from_status:
            found.registered.append(event)
        elif event.from_status == event.to_status:
            continue  # completion or priority: reported from the registration below
        elif event.to_status == RegistrationStatus.CANCELLED:
            found.cancelled.append(event)
        elif event.to_status == RegistrationStatus.OFFERED:
            found.offered.append(event)
        elif event.to_status == RegistrationStatus.EXPIRED:
            found.lapsed.append(event)
    found.completed = list(
        Registration.objects.filter(
            employer=organisation, completed_at__gt=since, completed_at__lte=until
        )
        .select_related("user", "run__course")
        .order_by("completed_at", "pk")
    )
    found.certified = list(
        Certificate.objects.filter(
            registration__employer=organisation,
            issued_at__gt=since,
            issued_at__lte=until,
            revoked_at__isnull=True,
        )
        .select_related("registration__user", "registration__run__course")
        .order_by("issued_at", "pk")
    )
    return found


def set_digest(membership, frequency, now=None):
    """Opt in ("daily"/"weekly") or out (""); reporting starts now."""
    membership.digest = frequency
    membership.digest_watermark = (now or timezone.now()) if frequency else None
    membership.save(update_fields=["digest", "digest_watermark"])


def due_memberships(now):
    memberships = (
        Membership.objects.current()
        .filter(role=MembershipRole.COORDINATOR, user__is_active=True)
        .exclude(digest="")
    )
    return [
        m
        for m in memberships
        if m.digest_watermark is None or m.digest_watermark + PERIODS[m.digest] - MARGIN <= now
    ]


def send_due_digests(now=None):
    """Make every due digest; returns how many emails were queued."""
    now = now or timezone.now()
    sent = 0
    for candidate in due_memberships(now):
        with transaction.atomic():
            membership = (
                Membership.objects.select_for_update()
                .select_related("user", "organisation")
                .filter(pk=candidate.pk, ended_at__isnull=True)
                .exclude(digest="")
                .first()
            )
            if membership is None:
                continue
            since = membership.digest_watermark
            if since is not None and since + PERIODS[membership.digest] - MARGIN > now:
                continue  # another worker just made it
            if since is not None and happenings(membership.organisation, since, now):
                outbox.enqueue(
                    to=membership.user.email,
                    template=TEMPLATE,
                    language=membership.user.preferred_language,
                    kind="digest",
                    params={
                        "organisation": membership.organisation_id,
                        "since": since.isoformat(),
                        "until": now.isoformat(),
                    },
                )
                sent += 1
            membership.digest_watermark = now
            membership.save(update_fields=["digest_watermark"])
    return sent


class DigestComposer(Composer):
    """Lists the period's happenings, read at sending time from the immutable event rows."""

    def context(self, message):
        organisation = Organisation.objects.filter(pk=message.params["organisation"]).first()
        if organisation is None:
            raise Superseded
        since = datetime.fromisoformat(message.params["since"])
        until = datetime.fromisoformat(message.params["until"])
        return {
            "organisation": organisation,
            "since": since,
            "until": until,
            "happenings": happenings(organisation, since, until),
        }
