"""Coordinators enrolling colleagues: one by one, typed addresses, or a spreadsheet.

Invariants:
- a coordinator acts only for an organisation they currently coordinate, and only for its
  members (people without an account are created as members of that organisation);
- every enrolment follows exactly the rules of self-registration (``register``): capacity,
  reserved seats, employer cap, prerequisites, waitlist, locking;
- the whole team is planned and applied under one run lock, all or nothing: if any person
  cannot be enrolled when applying, nobody is;
- a team that does not fit entirely is either enrolled as far as seats go with the rest on the
  waitlist, or put on the waitlist as a whole, as the coordinator chose;
- each person gets one email; the coordinator gets one summary per action.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from courses.models import RunStatus
from enrollment.models import ACTIVE_STATUSES, Registration, RegistrationStatus
from organisations.models import Membership
from organisations.services.memberships import is_coordinator
from outbox.services import collect, enqueue
from people.professions import Profession
from people.services.invited import create_invited_person

from .availability import seat_state
from .errors import EnrollmentError, ProfileIncomplete, RegistrationClosed
from .locking import lock_run
from .notify import registration_email
from .registration import register, seat_is_free
from .waitlist import accept_offer, refresh

FIT = "fit"  # the team is enrolled as far as seats go, the rest waitlisted
WAITLIST_ALL = "waitlist_all"  # the whole team waits if it does not fit entirely


@dataclass
class Entry:
    """One person in a coordinator's list, with what would happen to them."""

    row: int | None
    name: str
    email: str
    profession: str = ""
    user: object = None
    problems: list = field(default_factory=list)
    invite: bool = False  # no account yet: will be created and invited
    outcome: str = ""  # confirmed / waitlisted / held

    @property
    def ok(self):
        return not self.problems


def _profession_code(value):
    """A profession from its code or its Norwegian or English label, in any case."""
    value = (value or "").strip().lower()
    for language in ("nb", "en"):
        with translation.override(language):
            for code, label in Profession.choices:
                if value in (code, str(label).lower()):
                    return code
    return None


def entries_from_rows(rows, organisation, run):
    """Validate spreadsheet or typed rows: a per-row report, three queries in all."""
    User = get_user_model()
    entries = []
    seen = set()
    emails = set()
    for number, row in enumerate(rows, start=2):
        entry = Entry(
            row=row.get("row", number), name=row.get("name", ""), email=row.get("email", "").lower()
        )
        if not entry.name.strip():
            entry.problems.append(_("the name is missing"))
        elif len(entry.name) > 150:
            entry.problems.append(_("the name is longer than 150 characters"))
        try:
            if len(entry.email) > 254:
                raise ValidationError("too long")
            validate_email(entry.email)
        except ValidationError:
            entry.problems.append(
                _("'%(email)s' is not an email address") % {"email": row.get("email", "")}
            )
        profession = _profession_code(row.get("profession"))
        if profession is None:
            entry.problems.append(
                _("unknown profession '%(p)s'") % {"p": row.get("profession", "")}
            )
        else:
            entry.profession = profession
        if entry.email in seen:
            entry.problems.append(_("the same email appears on an earlier row"))
        seen.add(entry.email)
        emails.add(entry.email)
        entries.append(entry)
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    members = {
        email.lower()
        for email in Membership.objects.current()
        .filter(organisation=organisation, user__email__in=emails)
        .values_list("user__email", flat=True)
    }
    registered = set(
        Registration.objects.filter(
            run=run, status__in=ACTIVE_STATUSES, user__email__in=emails
        ).values_list("user__email", flat=True)
    )
    for entry in entries:
        user = users.get(entry.email)
        if user is None:
            if entry.ok:
                entry.invite = True
            continue
        entry.user = user
        if entry.email in registered:
            entry.problems.append(_("already registered for this course"))
        elif entry.email not in members:
            entry.problems.append(_("has an account but is not a member of your organisation"))
    return entries


def entries_for_members(users):
    return [
        Entry(row=None, name=u.get_full_name(), email=u.email, profession=u.profession, user=u)
        for u in users
    ]


def _run_check(run, now):
    """The run-level rules of ``check_eligible`` (status and window), or the refusal."""
    if run.status != RunStatus.PUBLISHED or not run.registration_is_open(now):
        return RegistrationClosed().message
    return None


def _plan(run, entries, now, organisation=None):
    """Fill in each valid entry's outcome, in order, on a copy of the seat state. The same
    rules as ``register``, checked for the whole list in a fixed number of queries."""
    state = seat_state(run, now)
    closed = _run_check(run, now)
    user_ids = [e.user.pk for e in entries if e.user is not None]
    employers = dict(
        Membership.objects.current()
        .filter(user_id__in=user_ids)
        .values_list("user_id", "organisation_id")
    )
    registered = set(
        Registration.objects.filter(
            run=run, status__in=ACTIVE_STATUSES, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )
    required = list(run.course.prerequisites.values_list("pk", flat=True))
    qualified = set(
        Registration.objects.filter(
            user_id__in=user_ids, run__course_id__in=required, completed_at__isnull=False
        ).values_list("user_id", flat=True)
        if required
        else user_ids
    )
    for entry in entries:
        if not entry.ok:
            continue
        user = entry.user
        if closed:
            entry.problems.append(closed)
            continue
        if user is not None:
            if user.pk not in employers or not user.profession:
                entry.problems.append(ProfileIncomplete().message)
            elif user.pk in registered:
                entry.problems.append(_("already registered for this course"))
            elif user.pk not in qualified:
                entry.problems.append(_("has not completed the required course"))
            if not entry.ok:
                continue
        elif required:
            entry.problems.append(_("the course has prerequisites, which a new person lacks"))
            continue
        # Newcomers become members of the coordinator's organisation: its cap applies to them.
        employer_id = employers.get(user.pk) if user else getattr(organisation, "pk", None)
        profession = user.profession if user else entry.profession
        if seat_is_free(run, state, profession, employer_id, now):
            entry.outcome = "held" if entry.invite else "confirmed"
            state.add(profession, employer_id)
        elif run.waitlist_enabled:
            entry.outcome = "waitlisted"
        else:
            entry.problems.append(_("the course is full and has no waitlist"))
    return entries


def preview(run, entries, now=None, organisation=None):
    """What enrolling these people would do now (no lock, nothing written)."""
    return _plan(run, entries, now or timezone.now(), organisation)


class TeamError(EnrollmentError):
    status_code = 409

    def __init__(self, entries):
        self.entries = entries
        super().__init__(_("Some people cannot be enrolled. Nothing was changed."))


def enrol_team(run, coordinator, organisation, entries, *, mode=FIT, now=None):
    """Enrol everyone in ``entries`` for ``run`` on behalf of ``organisation``; all or
    nothing. Returns the registrations."""
    now = now or timezone.now()
    if not is_coordinator(coordinator, organisation):
        raise EnrollmentError(_("Only the organisation's coordinators can enrol colleagues."))
    if not entries:
        raise EnrollmentError(_("Choose at least one colleague."))
    with transaction.atomic(), collect():
        run = lock_run(run.pk)
        refresh(run, now)
        planned = _plan(run, entries, now, organisation)
        if not all(entry.ok for entry in planned):
            raise TeamError(planned)
        fits = all(entry.outcome in ("confirmed", "held") for entry in planned)
        force_waitlist = mode == WAITLIST_ALL and not fits
        state = seat_state(run, now)
        registrations = []
        for entry in planned:
            invitation = None
            user = entry.user
            if user is None:
                user, invitation = create_invited_person(
                    email=entry.email,
                    name=entry.name,
                    profession=entry.profession,
                    organisation=organisation,
                    invited_by=coordinator,
                )
            registration = register(
                run,
                user,
                actor=coordinator,
                now=now,
                force_waitlist=force_waitlist,
                hold=invitation is not None,
                state=state,
                notify=invitation is None,
            )
            if invitation is not None:
                registration_email(registration, "enrolled_invite", invitation=invitation.pk)
            registrations.append(registration)
        _summary(coordinator, organisation, run, registrations, force_waitlist)
    return registrations


def _summary(coordinator, organisation, run, registrations, force_waitlist):
    enqueue(
        to=coordinator.email,
        template="enrollment/email/team_summary",
        language=coordinator.preferred_language or "nb",
        params={
            "organisation": organisation.pk,
            "run": run.pk,
            "registrations": [registration.pk for registration in registrations],
            "whole_team_waitlisted": force_waitlist,
        },
    )


def confirm_held_seats(user, now=None):
    """After someone enrolled by a coordinator has claimed their account and completed the
    profile, the seats held for them become confirmed."""
    held = Registration.objects.filter(
        user=user,
        status=RegistrationStatus.OFFERED,
        enrolled_by__isnull=False,
        offer_expires_at__gt=now or timezone.now(),
    )
    confirmed = []
    for registration in held:
        try:
            confirmed.append(accept_offer(registration, now=now))
        except EnrollmentError:
            continue
    return confirmed
