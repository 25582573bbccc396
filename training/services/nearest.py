"""Upcoming runs with free seats for a package step, nearest first.

Invariants:
- "nearest" ranks a run by where a person can attend it from their employer's county: in
  person (or hybrid) in that county first, then in a neighbouring county, then digital runs
  (and hybrid runs elsewhere, which can be joined digitally), then in-person runs further
  away; within a rank, the earliest first;
- neighbouring counties come from ``data/county_neighbours_2024.csv``: our own compilation of
  the land borders between the 15 counties of 1 January 2024 (ferry links are not counted);
  counties are matched by number, so a county of another period simply has no neighbours;
- a run is suggested only when it is published, upcoming, open for registration now and has
  a seat free for the given profession, counting the seats reserved for that profession and
  leaving out those reserved for others (the same rule as registering,
  ``enrollment.services.availability``);
- the runs for any number of course modules cost a fixed number of queries.
"""

import csv
from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CourseFormat, CourseRun, CourseSession
from enrollment.models import ACTIVE_STATUSES, Registration
from enrollment.services.availability import reservation_summaries, with_availability

NEIGHBOURS_FILE = Path(__file__).resolve().parent.parent / "data" / "county_neighbours_2024.csv"

SAME_COUNTY, NEIGHBOUR, DIGITAL, FURTHER = range(4)
RANK_LABELS = {
    SAME_COUNTY: _("In your county"),
    NEIGHBOUR: _("In a neighbouring county"),
    DIGITAL: _("Digital"),
    FURTHER: _("Further away"),
}


def _load_neighbours(path=NEIGHBOURS_FILE):
    with open(path, encoding="utf-8") as handle:
        return {
            row["county_number"]: frozenset(row["neighbour_numbers"].split())
            for row in csv.DictReader(handle)
        }


NEIGHBOURS = _load_neighbours()


def neighbours_of(county_number):
    return NEIGHBOURS.get(county_number or "", frozenset())


def distance_rank(run, home_county_number):
    if run.format == CourseFormat.DIGITAL:
        return DIGITAL
    county = run.municipality.county.number if run.municipality_id else None
    if home_county_number and county == home_county_number:
        return SAME_COUNTY
    if county and county in neighbours_of(home_county_number):
        return NEIGHBOUR
    if run.format == CourseFormat.HYBRID:
        return DIGITAL
    return FURTHER


def free_for(run, profession):
    """Seats on an annotated run (``with_availability`` + ``reservation_summaries``) that a
    person of ``profession`` could take now, and how many of them are reserved for it."""
    reserved_for_others = sum(
        left for reservation, left in run.open_reservations if reservation.profession != profession
    )
    reserved_for_them = sum(
        left for reservation, left in run.open_reservations if reservation.profession == profession
    )
    free = max(0, run.capacity - run.seats_taken - reserved_for_others)
    return free, min(free, reserved_for_them)


def upcoming_runs(course_ids, profession, home_county_number, *, now=None, limit=None):
    """Runs of ``course_ids`` a person of ``profession`` could register for now, nearest
    first. Each run gets ``free_for_profession``, ``reserved_for_profession`` (of those, the
    seats kept for the profession), ``rank`` and ``rank_label``. Four queries."""
    now = now or timezone.now()
    runs = list(
        with_availability(
            CourseRun.objects.published()
            .upcoming(timezone.localdate(now))
            .filter(course_id__in=list(course_ids))
            .select_related("course", "municipality__county")
            .prefetch_related(
                Prefetch("sessions", queryset=CourseSession.objects.order_by("date", "start_time"))
            ),
            now,
        )
    )
    reservation_summaries(runs, now)
    result = []
    for run in runs:
        if not run.registration_is_open(now):
            continue
        run.free_for_profession, run.reserved_for_profession = free_for(run, profession)
        if run.free_for_profession <= 0:
            continue
        run.rank = distance_rank(run, home_county_number)
        run.rank_label = RANK_LABELS[run.rank]
        result.append(run)
    result.sort(key=lambda r: (r.rank, r.first_date, r.pk))
    return result[:limit] if limit else result


def active_run_ids(user_ids, run_ids):
    """{user id: {run ids}} of active registrations (one query)."""
    taken = {}
    for user_id, run_id in Registration.objects.filter(
        user_id__in=list(user_ids), run_id__in=list(run_ids), status__in=ACTIVE_STATUSES
    ).values_list("user_id", "run_id"):
        taken.setdefault(user_id, set()).add(run_id)
    return taken
