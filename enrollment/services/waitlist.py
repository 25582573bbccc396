"""The waitlist: positions, time-limited offers, accept, decline and expiry.

Invariants (each function runs with the run locked, see ``locking.lock_run``):
- first come, first served, unless an organiser raised a priority (reason recorded): the order
  is priority (high first), then time joined, then id;
- whenever a seat is free for someone eligible on the waitlist, the first such person gets an
  offer that holds the seat; nobody is skipped unless the seat is reserved for another
  profession or their employer is at its cap;
- an offer lasts the run's offer window, but never past the offer cutoff before the start;
  after the cutoff no new offers are made;
- an offer link works once: accepting or declining changes the offer's nonce state, and an
  expired offer is applied (and the seat passed on) whenever anyone touches it.
"""

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enrollment.models import Registration, RegistrationStatus, new_offer_nonce

from .availability import seat_state
from .errors import NotAllowed, OfferNotValid
from .events import transition
from .locking import lock_run

OFFER_SALT = "enrollment.offer"


def offer_cutoff(run):
    start = run.starts_at
    return start - timedelta(hours=run.offer_cutoff_hours) if start else None


def offer_deadline(run, now):
    """When an offer made now would expire, or None if no offer may be made now."""
    cutoff = offer_cutoff(run)
    if cutoff is None or now >= cutoff:
        return None
    return min(now + timedelta(hours=run.offer_window_hours), cutoff)


def position(registration):
    """1-based place in the waitlist, or None if not waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        run_id=registration.run_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(priority__gt=registration.priority)
        | Q(priority=registration.priority, waitlisted_at__lt=registration.waitlisted_at)
        | Q(
            priority=registration.priority,
            waitlisted_at=registration.waitlisted_at,
            pk__lt=registration.pk,
        )
    )
    return ahead.count() + 1


def offer_token(registration):
    return signing.dumps({"r": registration.pk, "n": registration.offer_nonce}, salt=OFFER_SALT)


def registration_for_token(token):
    try:
        data = signing.loads(token, salt=OFFER_SALT)
        registration = Registration.objects.select_related("run__course", "user").get(pk=data["r"])
    except (signing.BadSignature, KeyError, TypeError, Registration.DoesNotExist) as exc:
        raise OfferNotValid(_("This link is not valid.")) from exc
    if registration.offer_nonce != data["n"] or registration.status != RegistrationStatus.OFFERED:
        raise OfferNotValid(_("This offer has already been answered or is no longer valid."))
    return registration


def _make_offer(registration, deadline, now):
    registration.offered_at = now
    registration.offer_expires_at = deadline
    registration.offer_nonce = new_offer_nonce()
    transition(
        registration,
        RegistrationStatus.OFFERED,
        now=now,
        reason=_("A seat became free"),
        fields=["offered_at", "offer_expires_at", "offer_nonce"],
        email="offered",
    )


def fill_free_seats(run, now):
    """Offer every free seat to the first eligible person waiting. The run must be locked."""
    deadline = offer_deadline(run, now)
    if deadline is None:
        return []
    state = seat_state(run, now)
    if state.taken >= run.capacity:
        return []
    offered = []
    waiting = (
        Registration.objects.filter(run=run, status=RegistrationStatus.WAITLISTED)
        .select_related("user", "run__course")
        .waitlist_order()
    )
    for registration in waiting:
        if state.taken >= run.capacity:
            break
        if state.can_seat(registration.profession, registration.employer_id):
            _make_offer(registration, deadline, now)
            state.add(registration.profession, registration.employer_id)
            offered.append(registration)
    return offered


def expire_due_offers(run, now):
    """Expire offers whose deadline passed and pass their seats on. The run must be locked."""
    expired = list(
        Registration.objects.filter(
            run=run, status=RegistrationStatus.OFFERED, offer_expires_at__lte=now
        ).select_related("user", "run__course")
    )
    for registration in expired:
        transition(
            registration,
            RegistrationStatus.EXPIRED,
            now=now,
            reason=_("Offer expired"),
            email="offer_expired",
        )
    return expired


def refresh(run, now):
    """Apply expiry and hand out free seats. The run must be locked."""
    expire_due_offers(run, now)
    return fill_free_seats(run, now)


def refresh_run(run_id, now=None):
    """Lock a run, expire due offers and offer free seats (used by the periodic task and
    whenever someone looks at an offer)."""
    now = now or timezone.now()
    with transaction.atomic():
        run = lock_run(run_id)
        return refresh(run, now)


OFFER_EXPIRED = _("The offer expired and the seat has gone to the next person.")


def _locked_offer(registration, now, actor):
    """Lock the run and reload the offer. An offer found expired is applied (its seat passed
    on) and ``None`` returned: the caller must let that transaction commit and only then raise
    ``OfferNotValid(OFFER_EXPIRED)``, or the expiry would be rolled back with the error."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("_locked_offer() must be called inside a transaction")
    run = lock_run(registration.run_id)
    registration = Registration.objects.select_related("user", "run__course").get(
        pk=registration.pk
    )
    if registration.status == RegistrationStatus.OFFERED and registration.offer_expires_at <= now:
        refresh(run, now)
        return run, None
    if registration.status != RegistrationStatus.OFFERED:
        raise OfferNotValid()
    if actor is not None and actor.is_authenticated and actor.pk != registration.user_id:
        raise NotAllowed()
    return run, registration


def accept_offer(registration, *, now=None, actor=None):
    """Take the offered seat."""
    now = now or timezone.now()
    with transaction.atomic():
        _run, offered = _locked_offer(registration, now, actor)
        if offered is not None:
            offered.confirmed_at = now
            offered.offer_nonce = ""
            transition(
                offered,
                RegistrationStatus.CONFIRMED,
                now=now,
                actor=offered.user,
                reason=_("Offer accepted"),
                fields=["confirmed_at", "offer_nonce"],
                email="confirmed",
            )
    if offered is None:
        raise OfferNotValid(OFFER_EXPIRED)
    return offered


def decline_offer(registration, *, now=None, actor=None):
    """Say no to the offered seat; it goes to the next person."""
    now = now or timezone.now()
    with transaction.atomic():
        run, offered = _locked_offer(registration, now, actor)
        if offered is not None:
            offered.offer_nonce = ""
            transition(
                offered,
                RegistrationStatus.DECLINED,
                now=now,
                actor=offered.user,
                reason=_("Offer declined"),
                fields=["offer_nonce"],
            )
            fill_free_seats(run, now)
    if offered is None:
        raise OfferNotValid(OFFER_EXPIRED)
    return offered
