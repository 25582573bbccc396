"""Package progress: which steps a person has done, booked or still lacks.

Invariants:
- a step is done when the person completed any of its course modules (a registration marked
  completed), whenever and wherever that was;
- otherwise it is booked when they hold a seat (confirmed, or an unexpired offer) on a run of
  one of its modules whose attendance register is not closed yet; otherwise waiting when they
  are on a waitlist for one; otherwise missing;
- the package is complete when every required step that applies to the person's profession is
  done; recommended steps never hold it up, and with no required step for the profession there
  is nothing to complete;
- the next step is the first required step, in package order, that is neither done nor booked;
  when every required step is done or booked, the first such recommended step;
- everything is computed from rows loaded in a fixed number of queries, for one person or a
  thousand (``registrations_by_user``).
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from enrollment.models import Registration, RegistrationStatus

DONE = "done"
BOOKED = "booked"
WAITING = "waiting"
MISSING = "missing"
LACKING = (WAITING, MISSING)  # neither done nor booked


class Attempt(NamedTuple):
    """One registration of a person for a package course module, as progress needs it."""

    user_id: int
    course_id: int
    course_title: str
    run_id: int
    run_title: str
    status: str
    created_on: object  # the day registered (Europe/Oslo)
    completed_on: object  # the day completed, or None
    offer_open: bool  # an offer that has not expired (only for status "offered")
    starts_on: object
    register_closed_at: object


def registrations_by_user(users, course_ids, now=None):
    """{user id: [Attempt]} for ``users`` (ids, or a queryset of users or of user ids) on
    ``course_ids``: one query. Days and the offer check are computed by the database, which is
    much cheaper than loading thousands of aware datetimes."""
    now = now or timezone.now()
    rows = (
        Registration.objects.filter(user__in=users, run__course_id__in=list(course_ids))
        .exclude(status__in=[RegistrationStatus.DECLINED, RegistrationStatus.EXPIRED])
        .order_by("created_at", "pk")
        .values_list(
            "user_id",
            "run__course_id",
            "run__course__title",
            "run_id",
            "run__title",
            "status",
            TruncDate("created_at"),
            TruncDate("completed_at"),
            ExpressionWrapper(Q(offer_expires_at__gt=now), output_field=BooleanField()),
            "run__starts_on",
            "run__register_closed_at",
        )
    )
    result = {}
    for row in rows:
        attempt = Attempt(*row)
        if not attempt.run_title:  # a run without its own title is called by its course
            attempt = attempt._replace(run_title=attempt.course_title)
        result.setdefault(attempt.user_id, []).append(attempt)
    return result


def started_on(attempts, course_ids):
    """The day the person started the package: their first confirmed registration for one of
    its course modules (None: not started)."""
    days = [
        a.created_on
        for a in attempts
        if a.status == RegistrationStatus.CONFIRMED and a.course_id in course_ids
    ]
    return min(days) if days else None


@dataclass
class StepProgress:
    step: object
    state: str
    attempt: Attempt | None = None  # the completion, the booking or the waitlist place

    @property
    def done(self):
        return self.state == DONE

    @property
    def lacking(self):
        return self.state in LACKING


@dataclass
class PackageProgress:
    package: object
    version: object
    profession: str
    started_on: object
    steps: list = field(default_factory=list)  # StepProgress for the steps that apply

    @property
    def required(self):
        return [s for s in self.steps if s.step.required]

    @property
    def recommended(self):
        return [s for s in self.steps if not s.step.required]

    @property
    def has_requirements(self):
        return bool(self.required)

    @property
    def complete(self):
        return self.has_requirements and all(s.done for s in self.required)

    @property
    def all_booked(self):
        """Not complete, but every required step is done or booked."""
        return self.has_requirements and not self.complete and not self.missing_required

    @property
    def missing_required(self):
        return [s for s in self.required if s.lacking]

    @property
    def next_step(self):
        for group in (self.required, self.recommended):
            for step in group:
                if step.lacking:
                    return step
        return None

    def by_title(self):
        return {s.step.title: s for s in self.steps}

    def done_attempts(self):
        return [s.attempt for s in self.required if s.done]


def _state(step, attempts, now):
    mine = [a for a in attempts if a.course_id in step.course_ids]
    completed = [a for a in mine if a.completed_on is not None]
    if completed:
        return DONE, min(completed, key=lambda a: a.completed_on)
    for attempt in mine:
        holds = attempt.status == RegistrationStatus.CONFIRMED or (
            attempt.status == RegistrationStatus.OFFERED and attempt.offer_open
        )
        if holds and attempt.register_closed_at is None:
            return BOOKED, attempt
    for attempt in mine:
        if attempt.status == RegistrationStatus.WAITLISTED:
            return WAITING, attempt
    return MISSING, None


def progress(package, profession, attempts, *, today=None, now=None):
    """A person's progress in ``package`` (None when no version is in force)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    started = started_on(attempts, package.course_ids)
    version = package.version_for(started, today)
    if version is None:
        return None
    result = PackageProgress(
        package=package, version=version, profession=profession, started_on=started
    )
    for step in version.steps_for(profession):
        state, attempt = _state(step, attempts, now)
        result.steps.append(StepProgress(step=step, state=state, attempt=attempt))
    return result
