"""Issuing course certificates in bulk: how many a second, rendered (WeasyPrint, tagged PDF)
and stored, as the background task does when an organiser closes a register.

Creates a finished run with N confirmed, completed participants, then times the real task
(``attendance.tasks.generate_certificates``) with the certificate email left out, so the
number is render + store; queuing one email is timed separately on a sample. Everything the
bench creates (rows and stored files) is removed afterwards.
"""

import statistics
import time
from datetime import time as dtime
from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from attendance.models import AttendanceRecord, Certificate, CertificateBatch
from attendance.services import certificates as certificate_service
from attendance.tasks import generate_certificates
from courses.models import CoursePage, CourseRun, CourseSession, RunStatus
from enrollment.models import Registration, RegistrationEvent, RegistrationStatus
from organisations.models import Membership, Organisation
from outbox.models import OutgoingMessage

BENCH_DOMAIN = "bench-certificates.invalid"


def _setup(count):
    course = CoursePage.objects.live().first()
    if course is None:
        raise SystemExit("No course pages: run seed_demo first.")
    now = timezone.now()
    org = Organisation.objects.create(name="Bench certificates organisation")
    User = get_user_model()
    User.objects.bulk_create(
        User(
            email=f"bench-cert-{i}@{BENCH_DOMAIN}",
            first_name="Bench",
            last_name=f"Deltaker {i}",
            profession="job_specialist",
            preferred_language="nb",
        )
        for i in range(count)
    )
    users = list(User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}"))
    Membership.objects.bulk_create(Membership(user=u, organisation=org) for u in users)
    run = CourseRun.objects.create(
        course=course,
        title="Bench certificates run",
        status=RunStatus.PUBLISHED,
        capacity=count,
        format="digital",
    )
    first = timezone.localdate() - timedelta(days=10)
    for day in range(3):
        CourseSession.objects.create(
            run=run, date=first + timedelta(days=day), start_time=dtime(9), end_time=dtime(15)
        )
    Registration.objects.bulk_create(
        Registration(
            run=run,
            user=u,
            status=RegistrationStatus.CONFIRMED,
            profession="job_specialist",
            employer=org,
            confirmed_at=now,
            completed_at=now,
        )
        for u in users
    )
    run.register_closed_at = now
    run.save(update_fields=["register_closed_at"])
    return run, org, users


def _cleanup(run, org, users):
    certificates = list(Certificate.objects.filter(registration__run=run))
    for certificate in certificates:
        certificate.pdf.delete(save=False)
    with transaction.atomic():
        Certificate.objects.filter(registration__run=run).update(superseded_by=None)
        Certificate.objects.filter(registration__run=run).delete()
        CertificateBatch.objects.filter(run=run).delete()
        OutgoingMessage.objects.filter(registration__run=run).delete()
        AttendanceRecord.objects.filter(session__run=run).delete()
        RegistrationEvent.objects.filter(run=run).delete()
        Registration.objects.filter(run=run).delete()
        run.delete()
        Membership.objects.filter(organisation=org).delete()
        get_user_model().objects.filter(pk__in=[u.pk for u in users]).delete()
        org.delete()


def bench_certificates(stdout, count):
    run, org, users = _setup(count)
    try:
        # Warm up WeasyPrint (fonts, CSS) outside the timing, as a running worker would be.
        sample = Registration.objects.filter(run=run).select_related("user", "run__course")
        warm = time.perf_counter()
        certificate_service.render_pdf(
            certificate_service.certificate_context(
                name="Warm Up",
                course=run.course.title,
                provider_name="",
                first=timezone.localdate(),
                last=timezone.localdate(),
                hours=18,
                code=certificate_service.new_code(),
                template=None,
            ),
            "nb",
        )
        warm_ms = (time.perf_counter() - warm) * 1000

        batch = CertificateBatch.objects.create(run=run, total=count)
        with mock.patch.object(certificate_service, "_email", lambda certificate: None):
            start = time.perf_counter()
            generate_certificates(batch.pk)
            elapsed = time.perf_counter() - start
        issued = Certificate.objects.filter(registration__run=run).count()
        sizes = [c.pdf.size for c in Certificate.objects.filter(registration__run=run)[:20]]

        # Render alone, bare WeasyPrint on the same HTML, and queuing the email with the PDF
        # attached, on a few samples.
        renders, emails, bare, bare_shared = [], [], [], []
        for certificate in list(Certificate.objects.filter(registration__run=run)[:10]):
            context = certificate_service.certificate_context(
                name=certificate.participant_name,
                course=certificate.course_title,
                provider_name=certificate.provider_name,
                first=certificate.first_date,
                last=certificate.last_date,
                hours=certificate.hours,
                code=certificate.code,
                template=None,
            )
            with translation.override("nb"):
                html = render_to_string(
                    "attendance/certificate.html", {**context, "language": "nb"}
                )
            t = time.perf_counter()
            HTML(string=html, base_url=settings.SITE_BASE_URL).write_pdf(pdf_variant="pdf/ua-1")
            bare.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            HTML(string=html, base_url=settings.SITE_BASE_URL).write_pdf(
                pdf_variant="pdf/ua-1", font_config=certificate_service.font_config()
            )
            bare_shared.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            certificate_service.render_pdf(context, "nb")
            renders.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            with transaction.atomic():
                certificate_service._email(certificate)
                transaction.set_rollback(True)  # keep it out of the outbox
            emails.append((time.perf_counter() - t) * 1000)
        del sample

        stdout.write(f"{connection.vendor}, {count} completed participants, one process")
        stdout.write(f"first render (warm-up)          {warm_ms:8.0f} ms")
        stdout.write(f"issued                          {issued:8d}")
        stdout.write(f"total (render + store + rows)   {elapsed:8.1f} s")
        stdout.write(f"certificates per second         {issued / elapsed:8.2f}")
        stdout.write(f"ms per certificate              {elapsed * 1000 / max(issued, 1):8.0f}")
        stdout.write(f"render only, median             {statistics.median(renders):8.0f} ms")
        per_certificate = elapsed * 1000 / max(issued, 1)
        stdout.write(f"bare WeasyPrint, same HTML, med {statistics.median(bare):8.0f} ms")
        shared = statistics.median(bare_shared)
        stdout.write(f"  with one font config, median  {shared:8.0f} ms")
        stdout.write(
            f"pipeline / bare WeasyPrint      {per_certificate / statistics.median(bare):8.2f}x"
            f"  (against bare with one font config {per_certificate / shared:.2f}x)"
        )
        stdout.write(f"queue email (not in total), med {statistics.median(emails):8.1f} ms")
        stdout.write(f"PDF size, median                {statistics.median(sizes) / 1024:8.1f} KB")
    finally:
        _cleanup(run, org, users)
