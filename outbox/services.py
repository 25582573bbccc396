"""Queueing and delivering outbox messages.

Invariants:
- ``enqueue`` writes only the intent (template, recipient, language, references, small
  ``params``) and a Message-ID fixed at that moment, inside the caller's transaction; nothing
  is rendered there. After commit the worker is asked to send; if the broker is unreachable the
  row stays queued and the sweep sends it;
- the worker renders each message at delivery, from the current state (``composers``), and
  sends due messages in batches, over one SMTP connection for as long as it finds due ones;
- a message is claimed (``sending``, with a lease) in its own short transaction before it is
  sent, and marked sent right after, in groups of at most ``SENT_FLUSH``, so no transaction or
  lock is held while talking to the SMTP server; a worker that dies mid-batch leaves claimed
  rows that are sent again once the lease has run out, under the same Message-ID, which mail
  clients show as one message;
- a temporary SMTP failure (4xx, a dropped connection) of one message is retried with
  exponential backoff without holding up the others in the batch; a permanent one (5xx) fails
  that message; after ``MAX_ATTEMPTS`` attempts a message fails;
- a message whose composer reports it superseded (a calendar update followed by a newer one
  for the same entry) is not sent.
"""

import logging
import smtplib
import threading
from contextlib import contextmanager
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import composers, mime, tasks
from .models import MessageStatus, OutgoingMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
BATCH_SIZE = 100
SENT_FLUSH = 20  # sent messages marked in one UPDATE
SENT_FIELDS = [
    "status",
    "sent_at",
    "subject",
    "body_text",
    "body_html",
    "calendar",
    "calendar_method",
    "last_error",
    "lease_until",
    "next_attempt_at",
]
# While set, a send task is queued or running and will see every message committed before it
# ends, so more commits need not queue another (tasks.send_outbox).
KICK_KEY = "outbox:send-queued"

_local = threading.local()


def host():
    """The site's host name, for Message-IDs and calendar UIDs."""
    return settings.SITE_BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":")[0]


def new_message_id():
    return make_msgid(domain=host())


def enqueue(*, to, template, language="nb", kind="", registration=None, params=None):
    """Record that ``template`` is to be sent to ``to``; it is sent once the surrounding
    transaction commits. Inside ``collect()`` the row is written when the block ends."""
    message = OutgoingMessage(
        to=to,
        template=template,
        language=language or settings.LANGUAGE_CODE,
        kind=kind or template.rsplit("/", 1)[-1],
        registration=registration,
        params=params or {},
        message_id=new_message_id(),
    )
    batch = getattr(_local, "batch", None)
    if batch is not None:
        batch.append(message)
    else:
        message.save()
        transaction.on_commit(kick)
    return message


@contextmanager
def collect():
    """Write every message enqueued in the block with one INSERT at its end (the block must
    run inside a transaction, whose commit sends them)."""
    outer = getattr(_local, "batch", None)
    if outer is not None:  # nested: the outermost block writes
        yield outer
        return
    _local.batch = batch = []
    try:
        yield batch
    finally:
        _local.batch = None
    if batch:
        OutgoingMessage.objects.bulk_create(batch)
        transaction.on_commit(kick)


def kick():
    """Ask a worker to send what is due, unless a send task is already queued or running
    (it will see this commit), so a busy moment is sent in batches, not a task per email."""
    if not cache.add(KICK_KEY, 1, timeout=30):
        return
    try:
        tasks.send_outbox.delay()
    except Exception:  # broker down: the rows are safe, the sweep will send them
        cache.delete(KICK_KEY)
        logger.warning("Could not queue the outbox task; the sweep will send the messages")


def _backoff(attempts):
    base = getattr(settings, "OUTBOX_RETRY_BASE_SECONDS", 30)
    return timedelta(seconds=min(base * 2 ** (attempts - 1), 3600))


def _permanent(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _connection_lost(exc):
    """Whether the SMTP connection is unusable after ``exc`` (a refused recipient or message
    leaves it ready for the next one)."""
    return isinstance(exc, smtplib.SMTPServerDisconnected | OSError) or not isinstance(
        exc, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused
    )


class CalendarEmail(EmailMultiAlternatives):
    """Adds ``method=`` to text/calendar parts, which Outlook needs to treat the part as an
    invitation rather than a file."""

    calendar_method = ""

    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)
        if mimetype == "text/calendar" and self.calendar_method:
            part.set_param("method", self.calendar_method)
        return part


def build_email(message, composition):
    email = CalendarEmail(
        composition.subject,
        composition.text,
        to=[message.to],
        reply_to=composition.reply_to or None,
        headers={
            "Message-ID": message.message_id,
            "Content-Language": message.language,
            "Auto-Submitted": "auto-generated",
        },
    )
    if composition.html:
        email.attach_alternative(composition.html, "text/html")
    if composition.calendar:
        email.calendar_method = composition.calendar_method
        email.attach_alternative(composition.calendar, "text/calendar")
        filename = "invite.ics" if composition.calendar_method == "REQUEST" else "cancel.ics"
        email.attach(filename, composition.calendar.encode("utf-8"), "text/calendar")
    for filename, content, content_type in composition.attachments:
        email.attach(filename, content, content_type)
    return email


def _send(backend, message, composition):
    """Send one composed message over the open ``backend``. Over SMTP the bytes are written by
    ``mime`` and handed to smtplib (Django's builder costs more than the sending); other
    backends (tests, the console) get Django's ``EmailMessage``."""
    client = getattr(backend, "connection", None)
    if isinstance(client, smtplib.SMTP) and mime.supports(composition):
        raw = mime.as_bytes(message, composition)
        client.sendmail(mime.address(settings.DEFAULT_FROM_EMAIL), [mime.address(message.to)], raw)
    else:
        backend.send_messages([build_email(message, composition)])


def due_q(now):
    """Messages a worker should send now: queued, retries that are due, and claims whose
    worker died (lease run out)."""
    return (
        Q(status=MessageStatus.QUEUED)
        | Q(status=MessageStatus.AWAITING_RETRY, next_attempt_at__lte=now)
        | Q(status=MessageStatus.SENDING, lease_until__lte=now)
    )


def claim(limit, now):
    """Mark up to ``limit`` due messages as being sent by this worker; returns their ids."""
    return [message.pk for message in claim_messages(limit, now)]


def claim_messages(limit, now):
    """Mark up to ``limit`` due messages as being sent by this worker (``sending``, a lease,
    one more attempt) and return them, oldest first. On PostgreSQL in one statement (UPDATE
    of the rows a SKIP LOCKED subquery picks, RETURNING them); elsewhere in a transaction."""
    lease_until = now + timedelta(seconds=getattr(settings, "OUTBOX_LEASE_SECONDS", 300))
    due = OutgoingMessage.objects.filter(due_q(now)).order_by("pk")
    if connection.vendor == "postgresql":
        meta = OutgoingMessage._meta
        quote = connection.ops.quote_name
        table, pk = quote(meta.db_table), quote(meta.pk.column)
        status, lease, attempts = (
            quote(meta.get_field(name).column) for name in ("status", "lease_until", "attempts")
        )
        picked, params = due.values("pk")[:limit].query.sql_with_params()
        # Identifiers from the model's metadata, quoted; the values go as parameters.
        sql = (
            f"UPDATE {table} SET {status} = %s, {lease} = %s, {attempts} = {attempts} + 1 "  # noqa: S608
            f"WHERE {pk} IN ({picked} FOR UPDATE SKIP LOCKED) RETURNING *"
        )
        claimed = OutgoingMessage.objects.raw(sql, [MessageStatus.SENDING, lease_until, *params])
        return sorted(claimed, key=lambda message: message.pk)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            OutgoingMessage.objects.filter(pk__in=ids).update(
                status=MessageStatus.SENDING, lease_until=lease_until, attempts=F("attempts") + 1
            )
    return list(OutgoingMessage.objects.filter(pk__in=ids).order_by("pk")) if ids else []


class _Connection:
    """The SMTP connection of one ``send_due`` run: opened for its first message, kept across
    its batches, dropped when an error leaves it unusable (the next message opens another)."""

    def __init__(self):
        self.backend = None

    def get(self):
        if self.backend is None:
            backend = get_connection()
            backend.open()
            self.backend = backend
        return self.backend

    def close(self):
        if self.backend is not None:
            backend, self.backend = self.backend, None
            try:
                backend.close()
            except (smtplib.SMTPException, OSError):  # sent is sent: QUIT failing changes nothing
                logger.warning("Closing the SMTP connection failed", exc_info=True)


def send_due(batch_size=BATCH_SIZE, on_burst=None):
    """Send every due message, a batch at a time, over one SMTP connection. Returns how many
    were sent. When the first batch is full (a burst), ``on_burst`` is called once: the task
    uses it to ask another worker process to help, which claims other rows (SKIP LOCKED)."""
    sent = 0
    smtp = _Connection()
    try:
        while messages := claim_messages(batch_size, timezone.now()):
            if on_burst is not None and len(messages) == batch_size:
                on_burst()
                on_burst = None
            sent += _send_batch(messages, smtp)
    finally:
        smtp.close()
    return sent


def _send_batch(messages, smtp):
    with composers.batch(messages):
        return _send_messages(messages, smtp)


def _send_messages(messages, smtp):
    unreachable = None  # the error of a failed connect: the rest of the batch waits too
    retry_at, done = [], []
    sent = 0
    for message in messages:
        try:
            composition = composers.compose(message)
        except composers.Superseded:
            _update(message, status=MessageStatus.SUPERSEDED)
            continue
        except Exception as exc:  # a rendering bug must not stop the other messages
            logger.exception("Outbox message %s could not be rendered", message.pk)
            retry_at.append(_failed(message, exc))
            continue
        if unreachable is not None:
            retry_at.append(_failed(message, unreachable))
            continue
        try:
            try:
                backend = smtp.get()
            except (smtplib.SMTPException, OSError) as exc:
                unreachable = exc
                raise
            _send(backend, message, composition)
        except (smtplib.SMTPException, OSError) as exc:
            retry_at.append(_failed(message, exc))
            if unreachable is None and _connection_lost(exc):
                smtp.close()
        else:
            message.status, message.sent_at = MessageStatus.SENT, timezone.now()
            message.subject, message.body_text = composition.subject[:300], composition.text
            message.body_html = composition.html
            message.calendar = composition.calendar
            message.calendar_method = composition.calendar_method
            message.last_error, message.lease_until, message.next_attempt_at = "", None, None
            done.append(message)
            sent += 1
            if len(done) >= SENT_FLUSH:
                _mark_sent(done)
    _mark_sent(done)
    retry_at = [at for at in retry_at if at is not None]
    if retry_at:
        _schedule_retry(min(retry_at))
    return sent


def _mark_sent(messages):
    """One round trip for a group of sent messages (executemany; psycopg pipelines it). The
    ORM's bulk_update builds a CASE per field and row, which costs more than the sending."""
    if not messages:
        return
    meta = OutgoingMessage._meta
    columns = [meta.get_field(name) for name in SENT_FIELDS]
    quote = connection.ops.quote_name
    # Identifiers from the model's own metadata, quoted; the values go as parameters.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in columns),
        quote(meta.pk.column),
    )
    rows = [
        [field.get_db_prep_save(getattr(m, field.attname), connection) for field in columns]
        + [m.pk]
        for m in messages
    ]
    # One transaction: in autocommit every row would be a commit of its own, each waiting
    # for its WAL flush.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    messages.clear()


def _update(message, **fields):
    fields.setdefault("lease_until", None)
    fields.setdefault("next_attempt_at", None)
    OutgoingMessage.objects.filter(pk=message.pk).update(**fields)


def _failed(message, exc):
    """Record a failed attempt; returns when to try again, or None if it failed for good."""
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    logger.warning("Outbox message %s failed: %s", message.pk, error)
    attempts = message.attempts  # this attempt was counted when the message was claimed
    if _permanent(exc) or attempts >= MAX_ATTEMPTS:
        _update(message, status=MessageStatus.FAILED, last_error=error)
        return None
    retry_at = timezone.now() + _backoff(attempts)
    _update(
        message, status=MessageStatus.AWAITING_RETRY, last_error=error, next_attempt_at=retry_at
    )
    return retry_at


def _schedule_retry(at):
    delay = max((at - timezone.now()).total_seconds(), 1)
    try:
        tasks.send_outbox.apply_async(countdown=delay)
    except Exception:
        logger.warning("Could not schedule an outbox retry; the sweep will send it")


def resend(message):
    """Queue a failed or sent message again (from the admin). A message that was sent gets a
    new Message-ID: the copy is meant to be seen as a new message."""
    fields = {"status": MessageStatus.QUEUED, "next_attempt_at": None, "attempts": 0}
    if message.status == MessageStatus.SENT:
        fields["message_id"] = new_message_id()
    OutgoingMessage.objects.filter(pk=message.pk).update(**fields)
    transaction.on_commit(kick)
