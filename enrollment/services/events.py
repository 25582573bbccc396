"""The one way a registration changes status.

Invariants: a registration moves only as ``ALLOWED_TRANSITIONS`` says (anything else is a bug in
the caller and raises ``TransitionNotAllowed`` before anything is written); every change is
recorded (``RegistrationEvent``: who, when, from, to, why),
announced with ``enrollment.signals.registration_changed`` and, when the participant is to be
told, queued as one email, all in the caller's transaction, so the apps that follow
registrations (calendars) never miss one and the email and the change commit together.
"""

from enrollment.models import ALLOWED_TRANSITIONS, RegistrationEvent
from enrollment.signals import registration_changed
from outbox.services import collect

from .notify import registration_email


class TransitionNotAllowed(RuntimeError):
    """A caller tried a move the state machine forbids (a programming error, never a user's)."""


def transition(
    registration, to_status, *, now, actor=None, reason="", fields=(), email=None, **params
):
    """Move a registration to ``to_status`` and record who, when, from, to and why. ``email``
    names the ``enrollment/email/`` template that tells the participant, with ``params``."""
    from_status = registration.status if registration.pk else ""
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise TransitionNotAllowed(f"{from_status or 'new'} -> {to_status}")
    registration.status = to_status
    if registration.pk:
        registration.save(update_fields=["status", "updated_at", *fields])
    else:
        registration.save()
    RegistrationEvent.objects.create(
        registration=registration,
        run_id=registration.run_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=now,
        from_status=from_status,
        to_status=to_status,
        reason=str(reason)[:300],
    )
    # Collected, so receivers can still add to the email (calendars puts a session on it).
    with collect():
        notice = registration_email(registration, email, **params) if email else None
        registration_changed.send(
            sender=type(registration),
            registration=registration,
            from_status=from_status,
            to_status=to_status,
            now=now,
            notice=notice,
        )
    return registration
