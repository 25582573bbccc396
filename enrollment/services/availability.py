"""Seats on a run: the one place availability is computed.

Invariants:
- availability is derived from live rows at query time, never from a stored counter;
- a seat is held by a confirmed registration or by an offer that has not expired;
- seats reserved for a profession stay closed to other professions until the reservation's
  release time, for as many of them as that profession has not filled;
- seats left = capacity - held, never below zero.
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from courses.models import ReservedSeats
from enrollment.models import ACTIVE_STATUSES, Registration, RegistrationStatus


def holding_q(now, prefix=""):
    """Registrations that hold a seat at ``now``."""
    return Q(**{f"{prefix}status": RegistrationStatus.CONFIRMED}) | Q(
        **{f"{prefix}status": RegistrationStatus.OFFERED, f"{prefix}offer_expires_at__gt": now}
    )


def _count(condition):
    rows = (
        Registration.objects.filter(run=OuterRef("pk"))
        .filter(condition)
        .order_by()
        .values("run")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_availability(runs, now=None):
    """Annotate a CourseRun queryset with ``seats_taken``, ``seats_left`` and
    ``waitlist_length`` in the same SQL query."""
    now = now or timezone.now()
    return runs.annotate(
        seats_taken=_count(holding_q(now)),
        waitlist_length=_count(Q(status=RegistrationStatus.WAITLISTED)),
    ).annotate(
        seats_left=Greatest(F("capacity") - F("seats_taken"), Value(0), output_field=IntegerField())
    )


def seats_left(run, now=None):
    """Seats left on one run, computed the same way as for lists."""
    annotated = getattr(run, "seats_left", None)
    if annotated is not None:
        return annotated
    return (
        with_availability(type(run).objects.filter(pk=run.pk), now)
        .values_list("seats_left", flat=True)
        .get()
    )


@dataclass
class SeatState:
    """Who holds the seats of one run, for deciding the next confirmation or offer."""

    capacity: int
    reservations: dict  # profession -> seats still reserved (release time not reached)
    employer_cap: int | None = None
    by_profession: Counter = field(default_factory=Counter)
    by_employer: Counter = field(default_factory=Counter)

    @property
    def taken(self):
        return sum(self.by_profession.values())

    def unfilled_reserved(self, for_profession=None):
        """Reserved seats not yet taken by their profession, except ``for_profession``'s."""
        return sum(
            max(0, seats - self.by_profession[profession])
            for profession, seats in self.reservations.items()
            if profession != for_profession
        )

    def free_for(self, profession):
        return max(0, self.capacity - self.taken - self.unfilled_reserved(profession))

    def employer_has_room(self, employer_id):
        return (
            self.employer_cap is None
            or employer_id is None
            or self.by_employer[employer_id] < self.employer_cap
        )

    def can_seat(self, profession, employer_id):
        return self.free_for(profession) > 0 and self.employer_has_room(employer_id)

    def add(self, profession, employer_id, seats=1):
        self.by_profession[profession] += seats
        if employer_id is not None:
            self.by_employer[employer_id] += seats


def seat_state(run, now):
    """Load the seat state of a run (two queries)."""
    reservations = {r.profession: r.seats for r in run.reserved_seats.all() if r.release_at > now}
    state = SeatState(
        capacity=run.capacity, reservations=reservations, employer_cap=run.employer_cap
    )
    holders = (
        Registration.objects.filter(run=run)
        .filter(holding_q(now))
        .values_list("profession", "employer_id")
    )
    for profession, employer_id in holders:
        state.add(profession, employer_id)
    return state


def reservation_summaries(runs, now=None):
    """Attach ``run.open_reservations`` = [(reservation, seats still reserved)] to each run,
    with one query for the whole list (the seats each reservation's profession holds are a
    subquery per open reservation)."""
    now = now or timezone.now()
    runs = list(runs)
    ids = [run.pk for run in runs]
    reservations = {}
    if ids:
        held = (
            Registration.objects.filter(run=OuterRef("run_id"), profession=OuterRef("profession"))
            .filter(holding_q(now))
            .order_by()
            .values("run")
            .annotate(n=Count("pk"))
            .values("n")
        )
        open_reservations = ReservedSeats.objects.filter(
            run_id__in=ids, release_at__gt=now
        ).annotate(seats_held=Coalesce(Subquery(held, output_field=IntegerField()), Value(0)))
        for reservation in open_reservations:
            reservations.setdefault(reservation.run_id, []).append(reservation)
    for run in runs:
        run.open_reservations = [
            (r, max(0, r.seats - r.seats_held)) for r in reservations.get(run.pk, [])
        ]
    return runs


@dataclass
class Roster:
    """The active registrations of one run, read once under the run lock: enough to decide a
    registration without asking the database again."""

    state: SeatState
    user_registered: bool  # the person registering has an active registration already
    waiting: list  # (profession, employer id) of the groups on the waitlist
    offers_lapsed: bool  # an offer's deadline has passed and it is not yet applied

    def needs_refresh(self, offers_allowed):
        """Whether ``waitlist.refresh`` would change anything: a lapsed offer to apply, or a
        free seat for someone waiting while offers may still be made."""
        return self.offers_lapsed or (
            offers_allowed and any(self.state.can_seat(p, e) for p, e in self.waiting)
        )


@cache
def _roster_sql(vendor):
    """The run's active registrations counted by status, profession, employer and whether an
    offer is still open, and whether one of them is the given person's: plain SQL that
    PostgreSQL and SQLite both run. One row per group, so the cost does not grow with the
    number of participants. Built once per database backend (``vendor``)."""
    meta = Registration._meta
    quote = connection.ops.quote_name

    def column(name):
        return quote(meta.get_field(name).column)

    live = f"CASE WHEN {column('offer_expires_at')} > %s THEN 1 ELSE 0 END"
    statuses = ", ".join(["%s"] * len(ACTIVE_STATUSES))
    # Names from the model's own metadata, quoted; every value is a parameter.
    return (
        f"SELECT {column('status')}, {column('profession')}, {column('employer')}, "  # noqa: S608
        f"{live}, COUNT(*), MAX(CASE WHEN {column('user')} = %s THEN 1 ELSE 0 END) "
        f"FROM {quote(meta.db_table)} WHERE {column('run')} = %s "
        f"AND {column('status')} IN ({statuses}) GROUP BY 1, 2, 3, 4"
    )


def load_roster(run, now, user_id=None):
    """The run's roster in one query (reserved seats come with the locked run);
    ``user_registered`` tells whether ``user_id`` has an active registration."""
    reservations = {r.profession: r.seats for r in run.reserved_seats.all() if r.release_at > now}
    roster = Roster(
        state=SeatState(
            capacity=run.capacity, reservations=reservations, employer_cap=run.employer_cap
        ),
        user_registered=False,
        waiting=[],
        offers_lapsed=False,
    )
    params = [
        connection.ops.adapt_datetimefield_value(now),
        user_id,
        run.pk,
        *(str(status) for status in ACTIVE_STATUSES),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_roster_sql(connection.vendor), params)
        rows = cursor.fetchall()
    for status, profession, employer_id, live, count, mine in rows:
        roster.user_registered = roster.user_registered or bool(mine)
        if status == RegistrationStatus.WAITLISTED:
            roster.waiting.append((profession, employer_id))
        elif status == RegistrationStatus.CONFIRMED or live:
            roster.state.add(profession, employer_id, count)
        else:
            roster.offers_lapsed = True
    return roster
