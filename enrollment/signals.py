"""What enrollment tells the apps above it. Receivers run inside the transaction that made the
change, with the run locked, so what they write (calendar entries, outbox intents) commits or
rolls back with it; they must only write rows, never render or send."""

from django.dispatch import Signal

# A registration moved from ``from_status`` ("" when new) to ``to_status`` at ``now``.
# ``registration.run`` is the locked run with its sessions loaded. ``notice`` is the email
# (an outbox intent not yet written) that tells the participant about the change, or None;
# receivers may add params to it.
registration_changed = Signal()
