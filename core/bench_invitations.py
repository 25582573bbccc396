"""Calendar invitations: how fast they are rendered and sent.

1. render: for N confirmed registrations, write the confirmation email with its iTIP REQUEST
   into the outbox (``registration_email``: calendar entries, iCalendar text, subject, text,
   HTML), one transaction each, as registering does;
2. send: deliver every outbox row with ``outbox.services.deliver`` (row lock, MIME with the
   text/calendar part and .ics attachment, one SMTP connection per message) to a local aiosmtpd
   server the bench starts;
3. for comparison, N plain messages sent with smtplib directly to the same server, with one
   connection per message and with one connection for all.

The Celery hand-off after commit is switched off while rendering (the bench sends itself), so
no broker is needed. Everything the bench creates is removed afterwards.

python manage.py bench --invitations 1000
"""

import smtplib
import socket
import time
from datetime import time as dtime
from datetime import timedelta
from email.message import EmailMessage
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from courses.models import CoursePage, CourseRun, CourseSession, RunStatus
from enrollment.models import Registration, RegistrationEvent, RegistrationStatus
from organisations.models import Organisation
from outbox import services as outbox_services
from outbox.models import MessageStatus, OutgoingMessage

BENCH_DOMAIN = "bench-invitations.invalid"
TITLE = "Benk: Grunnkurs i IPS; Tromsø, Ålesund og Bodø – vår/høst"


class _Counter:
    def __init__(self):
        self.count = 0
        self.bytes = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        self.bytes += len(envelope.content)
        return "250 OK"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _course(created):
    """A live course page; a temporary provider and course when the database has none."""
    course = CoursePage.objects.live().first()
    if course is not None:
        return course
    from cms.models import ResourceCentrePage
    from cms.setup import ensure_site

    home, _catalogue = ensure_site()
    provider = home.add_child(
        instance=ResourceCentrePage(title="Benk ressurssenter", slug="benk-invitasjoner")
    )
    course = provider.add_child(
        instance=CoursePage(title="Benk-kurs", slug="benk-kurs", summary="Benk.", live=True)
    )
    course.save_revision().publish()
    created.append(provider)
    return CoursePage.objects.get(pk=course.pk)


def _setup(count, created):
    User = get_user_model()
    User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
    organisation = Organisation.objects.create(name="Benk arbeidsgiver (invitasjoner)")
    created.append(organisation)
    course = _course(created)
    run = CourseRun.objects.create(
        course=course,
        title=TITLE,
        status=RunStatus.PUBLISHED,
        capacity=count,
        format="digital",
        meeting_url="https://meet.example.no/j/benk?pwd=hemmelig",
    )
    first = timezone.localdate() + timedelta(days=60)
    CourseSession.objects.bulk_create(
        CourseSession(
            run=run, date=first + timedelta(days=i), start_time=dtime(9), end_time=dtime(15)
        )
        for i in range(2)
    )
    users = User.objects.bulk_create(
        User(
            email=f"inv-{i}@{BENCH_DOMAIN}",
            first_name="Åse",
            last_name=f"Ødegård {i}",
            profession="job_specialist",
            preferred_language="nb",
        )
        for i in range(count)
    )
    now = timezone.now()
    Registration.objects.bulk_create(
        Registration(
            run=run,
            user=user,
            status=RegistrationStatus.CONFIRMED,
            profession="job_specialist",
            employer=organisation,
            confirmed_at=now,
        )
        for user in users
    )
    registrations = list(
        Registration.objects.filter(run=run)
        .select_related("user", "run__course")
        .prefetch_related("run__sessions")
        .order_by("pk")
    )
    return run, registrations


def _cleanup(run, created):
    User = get_user_model()
    with transaction.atomic():
        if run is not None:
            OutgoingMessage.objects.filter(registration__run=run).delete()
            RegistrationEvent.objects.filter(run=run).delete()
            Registration.objects.filter(run=run).delete()  # calendar entries cascade
            run.delete()
        User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
        for obj in reversed(created):
            obj.delete()


def _plain(i, port_to):
    message = EmailMessage()
    message["From"] = "kurs@ipskurs.no"
    message["To"] = port_to.format(i=i)
    message["Subject"] = f"Benk {i}"
    message.set_content("Hei, dette er en vanlig e-post uten kalender.\n")
    return message


def bench_invitations(stdout, count=1000):
    from aiosmtpd.controller import Controller

    handler = _Counter()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    created, run = [], None
    stdout.write(f"{connection.vendor}: {count} invitations, SMTP server 127.0.0.1:{port}")
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
        ):
            run, registrations = _setup(count, created)
            from enrollment.services.notify import registration_email

            # 1. Render: calendar entries + iTIP + email into the outbox, one commit each.
            start = time.perf_counter()
            with mock.patch.object(outbox_services, "_schedule", lambda *a, **k: None):
                for registration in registrations:
                    with transaction.atomic():
                        registration_email(registration, "confirmed")
            rendered = time.perf_counter() - start
            ids = list(
                OutgoingMessage.objects.filter(registration__run=run)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            assert len(ids) == count, len(ids)
            sample = OutgoingMessage.objects.get(pk=ids[0])
            assert sample.calendar_method == "REQUEST" and "BEGIN:VEVENT" in sample.calendar

            # 2. Send through the outbox to the SMTP server.
            start = time.perf_counter()
            for message_id in ids:
                outbox_services.deliver(message_id)
            sent_time = time.perf_counter() - start
            sent = OutgoingMessage.objects.filter(pk__in=ids, status=MessageStatus.SENT).count()
            received, size = handler.count, handler.bytes

            # 3. Plain smtplib: a connection per message, then one connection for all.
            to = "plain-{i}@" + BENCH_DOMAIN
            start = time.perf_counter()
            for i in range(count):
                with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                    smtp.send_message(_plain(i, to))
            plain_each = time.perf_counter() - start
            start = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                for i in range(count):
                    smtp.send_message(_plain(i, to))
            plain_one = time.perf_counter() - start
            plain_received = handler.count - received
    finally:
        try:
            _cleanup(run, created)
        finally:
            controller.stop()

    stdout.write(
        f"  render (iTIP + email into the outbox): {count / rendered:8.1f} invitations/s "
        f"({rendered * 1000 / count:.2f} ms each)"
    )
    stdout.write(
        f"  send (outbox deliver → SMTP):          {count / sent_time:8.1f} invitations/s "
        f"({sent_time * 1000 / count:.2f} ms each; {sent} sent, {received} received, "
        f"{size / max(received, 1) / 1024:.1f} KB each)"
    )
    stdout.write(
        f"  render + send:                         {count / (rendered + sent_time):8.1f} "
        f"invitations/s"
    )
    stdout.write(f"  plain smtplib, connection per message: {count / plain_each:8.1f} messages/s")
    stdout.write(
        f"  plain smtplib, one connection:         {count / plain_one:8.1f} messages/s "
        f"({plain_received} received)"
    )
