"""Seats left on a run: the one place availability is computed.

Invariant: availability is derived from live rows at query time, never from a stored counter,
so it cannot drift. Until registrations exist, seats left equals the capacity; the registration
issue extends ``seats_left_expression`` with ``- confirmed - open offers``.
"""

from django.db.models import F, IntegerField, Value
from django.db.models.functions import Greatest


def seats_left_expression():
    """SQL expression for the seats left on a run (never below zero)."""
    return Greatest(F("capacity"), Value(0), output_field=IntegerField())


def with_availability(runs):
    """Annotate a CourseRun queryset with ``seats_left`` in the same query."""
    return runs.annotate(seats_left=seats_left_expression())


def seats_left(run):
    """Seats left on one run, computed the same way as for lists."""
    annotated = getattr(run, "seats_left", None)
    if annotated is not None:
        return annotated
    return (
        with_availability(type(run).objects.filter(pk=run.pk))
        .values_list("seats_left", flat=True)
        .get()
    )
