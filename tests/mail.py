"""Reading the outbox in tests. Rows are intents that the worker renders when it sends them;
``outbox()`` first lets the worker send what is due (as it would right after a commit), then
returns the rows as sent, with what was rendered for them."""

from outbox.models import MessageStatus, OutgoingMessage
from outbox.services import send_due


def outbox(to=None, kind=None, after=0):
    """Sent outbox rows in the order they were written, optionally for one address or of
    one kind, after the row with pk ``after``. Superseded rows were never sent: left out."""
    send_due()
    rows = OutgoingMessage.objects.filter(pk__gt=after, status=MessageStatus.SENT).order_by("pk")
    if to is not None:
        rows = rows.filter(to=getattr(to, "email", to))
    if kind is not None:
        rows = rows.filter(kind=kind)
    return list(rows)
