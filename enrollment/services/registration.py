"""Registering for a course run, cancelling, and the organisers' changes to a run.

Invariants (every function locks the run first, then checks, then writes, in one
transaction):
- confirmed + open offers never exceed the capacity;
- seats reserved for a profession are not given to others before the release time;
- a person has at most one active registration per run (also a database constraint);
- someone who registers while people eligible for the same seat are waiting goes behind them;
- every change is recorded (``RegistrationEvent``) and the person is told by email.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.log_actions import log

from courses.models import RunStatus
from enrollment.models import (
    ACTIVE_STATUSES,
    SEAT_HOLDING_STATUSES,
    Registration,
    new_offer_nonce,
)
from enrollment.models import RegistrationStatus as Status

from .availability import load_roster, seat_state
from .errors import (
    AlreadyRegistered,
    EnrollmentError,
    NotAllowed,
    PrerequisiteMissing,
    ProfileIncomplete,
    RegistrationClosed,
    RunFull,
    RunNotFound,
)
from .events import transition
from .locking import lock_run, pause_for_race_test
from .waitlist import fill_free_seats, offer_deadline, refresh


def has_completed_prerequisite(user, course):
    """True if the course has no prerequisites, or the person completed one of them."""
    required = list(course.prerequisites.values_list("pk", flat=True))
    if not required:
        return True
    return Registration.objects.filter(
        user=user, run__course_id__in=required, completed_at__isnull=False
    ).exists()


def _waiting(run):
    return list(
        Registration.objects.filter(run=run, status=Status.WAITLISTED).values_list(
            "profession", "employer_id"
        )
    )


def check_eligible(
    run, user, *, now, organiser=False, waive_prerequisites=False, already_registered=None
):
    """Raise the reason ``user`` cannot be registered for the (locked) ``run`` now, if any.
    ``already_registered`` may be passed by a caller that read the run's registrations."""
    if not organiser and (run.status == RunStatus.DRAFT or not run.course.live):
        raise RunNotFound()  # not public: as if it did not exist
    if user.current_membership is None or not user.profession:
        raise ProfileIncomplete()
    if run.status == RunStatus.CANCELLED:
        raise RegistrationClosed(_("This course run has been cancelled."))
    if run.status != RunStatus.PUBLISHED and not organiser:
        raise RegistrationClosed()
    if not organiser and not run.registration_is_open(now):
        raise RegistrationClosed()
    if already_registered is None:
        already_registered = Registration.objects.filter(
            run=run, user=user, status__in=ACTIVE_STATUSES
        ).exists()
    if already_registered:
        raise AlreadyRegistered()
    if (
        not waive_prerequisites
        and getattr(run, "has_prerequisites", True)
        and not has_completed_prerequisite(user, run.course)
    ):
        titles = ", ".join(p.title for p in run.course.prerequisites.all())
        raise PrerequisiteMissing(
            _("This course requires that you have completed: %(courses)s.") % {"courses": titles}
        )


def seat_is_free(run, state, profession, employer_id, now, waiting=None):
    """Whether a newcomer of this profession and employer would get a seat now. After the
    offer cutoff, free seats stay for those already waiting (handled by the organisers).
    ``waiting`` holds the (profession, employer id) of the people waitlisted, read if not given."""
    if not state.can_seat(profession, employer_id):
        return False
    if offer_deadline(run, now) is not None:
        return True
    waiting = _waiting(run) if waiting is None else waiting
    return not any(state.can_seat(p, employer) for p, employer in waiting)


def register(
    run,
    user,
    *,
    needs="",
    actor=None,
    now=None,
    organiser=False,
    waive_prerequisites=False,
    force_waitlist=False,
    hold=False,
    state=None,
    notify=True,
):
    """Register ``user`` for ``run`` (a run or its id): confirmed if a seat is free for them,
    else waitlisted (or RunFull when the run has no waitlist).

    ``organiser=True`` ignores the registration window (organisers add people by hand);
    ``waive_prerequisites`` records the override; ``force_waitlist`` puts the person on the
    waitlist even if a seat is free (a coordinator's "whole team on the waitlist");
    ``hold`` gives a free seat as an offer instead of a confirmation (someone enrolled by a
    coordinator before having an account: the seat lapses if they do not take it in time).
    ``state`` lets a caller that registers several people under one lock pass its SeatState;
    ``notify=False`` leaves the email to the caller (who sends one combined message).

    The lock is held only to read the run's registrations once, decide, and write the
    registration, its event, its calendar entries and the email intents; nothing is rendered.
    """
    actor = actor or user
    if user.current_membership is None or not user.profession:
        raise ProfileIncomplete()
    run_id = getattr(run, "pk", run)
    try:
        with transaction.atomic():
            run = lock_run(run_id)
            # The clock is read once the lock is held, so waitlist times follow the lock's order.
            now = now or timezone.now()
            if state is None:
                roster = load_roster(run, now, user.pk)
                if roster.needs_refresh(offer_deadline(run, now) is not None):
                    refresh(run, now)
                    roster = load_roster(run, now, user.pk)
                state, waiting = roster.state, roster.waiting
                already = roster.user_registered
            else:
                waiting = already = None
            check_eligible(
                run,
                user,
                now=now,
                organiser=organiser,
                waive_prerequisites=waive_prerequisites,
                already_registered=already,
            )
            return _register_locked(
                run,
                user,
                actor=actor,
                now=now,
                state=state,
                waiting=waiting,
                needs=needs,
                organiser=organiser,
                waive_prerequisites=waive_prerequisites,
                force_waitlist=force_waitlist,
                hold=hold,
                notify=notify,
            )
    except IntegrityError as exc:
        # The one-active-registration constraint: only a caller that did not hold the run
        # lock (a test switching it off) can get here.
        raise AlreadyRegistered() from exc


def _register_locked(
    run,
    user,
    *,
    actor,
    now,
    state,
    waiting,
    needs,
    organiser,
    waive_prerequisites,
    force_waitlist,
    hold,
    notify,
):
    employer = user.current_membership.organisation
    seat_free = not force_waitlist and seat_is_free(
        run, state, user.profession, employer.pk, now, waiting
    )
    if not seat_free and not run.waitlist_enabled:
        raise RunFull()
    pause_for_race_test()
    registration = Registration(
        run=run,
        user=user,
        profession=user.profession,
        employer=employer,
        enrolled_by=actor if actor.pk != user.pk else None,
        needs=needs.strip(),
        prerequisite_waived_by=actor if waive_prerequisites else None,
    )
    if seat_free and hold:
        registration.offered_at = now
        registration.offer_expires_at = offer_deadline(run, now) or run.starts_at
        registration.offer_nonce = new_offer_nonce()
        status, email = Status.OFFERED, None  # the coordinator's invitation tells them
    elif seat_free:
        registration.confirmed_at = now
        status, email = Status.CONFIRMED, "confirmed"
    else:
        registration.waitlisted_at = now
        status, email = Status.WAITLISTED, "waitlisted"
    if organiser:
        reason = _("Added by an organiser")
    elif actor.pk != user.pk:
        reason = _("Enrolled by %(name)s") % {"name": actor}
    else:
        reason = _("Registered")
    transition(
        registration,
        status,
        now=now,
        actor=actor,
        reason=reason,
        email=email if notify else None,
    )
    if status != Status.WAITLISTED:
        state.add(registration.profession, employer.pk)
    return registration


def can_cancel(registration, now=None):
    now = now or timezone.now()
    return registration.status in ACTIVE_STATUSES and (
        now < registration.run.effective_cancellation_deadline
        if registration.run.effective_cancellation_deadline
        else True
    )


def cancel(registration, *, actor, reason="", now=None, organiser=False, on_behalf=False):
    """Cancel an active registration; a freed seat goes to the waitlist at once.
    Participants (or their coordinator, ``on_behalf``) cancel until the run's cancellation
    deadline; organisers at any time."""
    now = now or timezone.now()
    with transaction.atomic():
        run = lock_run(registration.run_id)
        registration = Registration.objects.select_related("user", "run__course").get(
            pk=registration.pk
        )
        if registration.status not in ACTIVE_STATUSES:
            raise EnrollmentError(_("This registration is no longer active."))
        if not organiser:
            if actor.pk != registration.user_id and not on_behalf:
                raise NotAllowed()
            deadline = run.effective_cancellation_deadline
            if deadline and now >= deadline:
                raise EnrollmentError(
                    _("The cancellation deadline has passed. Contact the organiser.")
                )
        held_seat = registration.status in SEAT_HOLDING_STATUSES
        registration.cancelled_at = now
        registration.offer_nonce = ""
        transition(
            registration,
            Status.CANCELLED,
            now=now,
            actor=actor,
            reason=reason or pgettext_lazy("registration status", "Cancelled"),
            fields=["cancelled_at", "offer_nonce"],
            email="cancelled",
        )
        if held_seat:
            fill_free_seats(run, now)
    return registration


def change_capacity(run, capacity, *, actor, reason="", now=None):
    """Set a new capacity; never below the seats already held (nobody confirmed is removed).
    More seats move the waitlist at once."""
    now = now or timezone.now()
    with transaction.atomic():
        run = lock_run(run.pk)
        held = seat_state(run, now).taken
        if capacity < held:
            raise EnrollmentError(
                _("%(held)d seats are taken; the capacity cannot be lower.") % {"held": held}
            )
        old = run.capacity
        run.capacity = capacity
        run.save(update_fields=["capacity", "updated_at"])
        log(
            instance=run,
            action="enrollment.capacity",
            user=actor,
            data={"from": old, "to": capacity, "reason": str(reason)},
        )
        refresh(run, now)
    return run


def set_priority(registration, priority, *, actor, reason, now=None):
    """Raise (or lower) a waitlisted person's priority; the reason is recorded."""
    now = now or timezone.now()
    if not str(reason).strip():
        raise EnrollmentError(_("Give a reason for the priority."))
    with transaction.atomic():
        run = lock_run(registration.run_id)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status != Status.WAITLISTED:
            raise EnrollmentError(_("Only people on the waitlist have a priority."))
        registration.priority = priority
        registration.priority_reason = str(reason).strip()[:300]
        registration.save(update_fields=["priority", "priority_reason", "updated_at"])
        transition(
            registration,
            Status.WAITLISTED,
            now=now,
            actor=actor,
            reason=_("Priority set to %(p)d: %(reason)s")
            % {"p": priority, "reason": registration.priority_reason},
        )
        fill_free_seats(run, now)
    return registration


def record_completion(registration, *, completed, now, actor, reason=""):
    """Set (or clear) the completion of a confirmed registration and record who and why. The
    run must be locked. Used by ``mark_completed`` and by closing the attendance register."""
    if registration.status != Status.CONFIRMED:
        raise EnrollmentError(_("Only confirmed participants can complete a course."))
    registration.completed_at = now if completed else None
    registration.save(update_fields=["completed_at", "updated_at"])
    transition(
        registration,
        Status.CONFIRMED,
        now=now,
        actor=actor,
        reason=reason or (_("Marked as completed") if completed else _("Completion removed")),
    )
    return registration


def mark_completed(registration, *, actor, completed=True, now=None, reason=""):
    """An organiser marks a confirmed registration completed (or not), outside the attendance
    rule; ``reason`` is recorded with the change."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_run(registration.run_id)
        registration = Registration.objects.get(pk=registration.pk)
        return record_completion(
            registration, completed=completed, now=now, actor=actor, reason=reason
        )


def close_cancelled_run(run_id, *, actor=None, now=None):
    """The organiser cancelled the run: every active registration (confirmed, waitlisted or
    offered) is cancelled and the person told; the calendar entries follow (calendars
    listens)."""
    now = now or timezone.now()
    with transaction.atomic():
        run = lock_run(run_id)
        if run.status != RunStatus.CANCELLED:
            return []
        active = list(
            Registration.objects.filter(run=run, status__in=ACTIVE_STATUSES).select_related("user")
        )
        for registration in active:
            registration.run = run
            registration.cancelled_at = now
            registration.offer_nonce = ""
            transition(
                registration,
                Status.CANCELLED,
                now=now,
                actor=actor,
                reason=_("The course run was cancelled"),
                fields=["cancelled_at", "offer_nonce"],
                email="run_cancelled",
            )
    return active
