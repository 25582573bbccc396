"""Messages from the people who teach a run to its participants.

Invariants: only a run's organisers and instructors send (the views take the run through
``courses.permissions.taught_run``); recipients are always registrations of that run, whatever
ids a form posts; each recipient gets one email through the outbox in their preferred
language (English when the sender wrote it, else Norwegian); every message is stored with its
recipients and an entry in Wagtail's audit log; a run sends at most
``RUN_MESSAGES_PER_HOUR`` messages in any hour (checked under the run's row lock, so two
senders cannot both take the last one).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from attendance.models import ATTENDED
from common.errors import RuleError
from courses.models import CourseRun, attach_providers
from enrollment.models import Registration, RegistrationStatus
from outbox import services as outbox

from ..models import Audience, RunMessage

TEMPLATE = "teaching/email/run_message"


class MessageRefused(RuleError):
    pass


def per_hour():
    return getattr(settings, "RUN_MESSAGES_PER_HOUR", 5)


def candidates(run):
    """The run's registrations a message can go to: active ones, and confirmed ones of the
    past (attendees), with their people."""
    return (
        Registration.objects.filter(
            run=run,
            status__in=(
                RegistrationStatus.CONFIRMED,
                RegistrationStatus.WAITLISTED,
                RegistrationStatus.OFFERED,
            ),
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def recipients(run, audience, chosen_ids=()):
    """The registrations ``audience`` means on ``run``; ``chosen_ids`` only count when they
    are the run's own registrations."""
    registrations = candidates(run)
    if audience == Audience.CONFIRMED:
        return registrations.filter(status=RegistrationStatus.CONFIRMED)
    if audience == Audience.WAITLISTED:
        return registrations.filter(
            status__in=(RegistrationStatus.WAITLISTED, RegistrationStatus.OFFERED)
        )
    if audience == Audience.ATTENDEES:
        return registrations.filter(
            status=RegistrationStatus.CONFIRMED, attendance__status__in=ATTENDED
        ).distinct()
    if audience == Audience.CHOSEN:
        return registrations.filter(pk__in=[int(i) for i in chosen_ids])
    return registrations.none()


def reply_address(run):
    """The run's reply-to address, else its centre's email address, else none."""
    if run.reply_to:
        return run.reply_to
    (run,) = attach_providers([run])
    return run.provider.email if run.provider else ""


def sent_in_last_hour(run, now):
    return RunMessage.objects.filter(run=run, sent_at__gt=now - timedelta(hours=1)).count()


def send(
    run,
    *,
    sender,
    audience,
    subject_nb,
    body_nb,
    subject_en="",
    body_en="",
    chosen_ids=(),
    now=None,
):
    """Store the message and queue one email per recipient; raises ``MessageRefused`` with
    the reason when nobody would get it or the run has sent its hourly share."""
    now = now or timezone.now()
    reply_to = reply_address(run)
    with transaction.atomic():
        CourseRun.objects.select_for_update().filter(pk=run.pk).first()
        if sent_in_last_hour(run, now) >= per_hour():
            raise MessageRefused(
                _("This course run has sent %(n)d messages in the last hour. Try again later.")
                % {"n": per_hour()}
            )
        people = list(recipients(run, audience, chosen_ids))
        if not people:
            raise MessageRefused(_("Nobody would get this message. Choose other recipients."))
        message = RunMessage.objects.create(
            run=run,
            sender=sender,
            audience=audience,
            subject_nb=subject_nb,
            body_nb=body_nb,
            subject_en=subject_en,
            body_en=body_en,
            reply_to=reply_to,
            sent_at=now,
        )
        message.recipients.set(people)
        with outbox.collect():
            for registration in people:
                outbox.enqueue(
                    to=registration.user.email,
                    template=TEMPLATE,
                    language=registration.user.preferred_language,
                    kind="run_message",
                    registration=registration,
                    params={"message": message.pk},
                )
        log(
            instance=run,
            action="teaching.message",
            user=sender,
            data={
                "message": message.pk,
                "audience": audience,
                "recipients": len(people),
                "subject": subject_nb,
            },
        )
    return message
