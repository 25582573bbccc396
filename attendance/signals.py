"""What attendance tells the apps above it. Receivers run inside the transaction that closed
the register, with the run locked, so what they write (outbox intents, rows) commits or rolls
back with it; they must only write rows, never render or send."""

from django.dispatch import Signal

# An organiser closed the register of ``run`` at ``now``. ``attended`` is the list of confirmed
# registrations with at least one session attended (present or late: the attendance the
# completion rule counts), no-shows left out, each with ``user`` and ``employer`` loaded.
register_closed = Signal()
