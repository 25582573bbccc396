"""Attendance, check-in and certificates.

Who may do what: a run's organisers and instructors (``courses.permissions.taught_run``)
keep the register and show the check-in code; instructors close the register only when the run
allows it; only organisers (``organised_run``) override completion and manage certificates;
a participant checks only themselves in and reports only their own absence; coordinators
read their organisation's attendance and certificates; anyone can verify a certificate code
(rate-limited).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.archives import stream_zip
from common.client_ip import client_ip
from common.errors import RuleError
from courses.models import CourseRun, CourseSession
from courses.permissions import is_organiser, may_close_register, organised_run, taught_run
from enrollment.models import Registration, RegistrationStatus
from organisations.access import coordinated_organisation
from people.access import participant_required

from .models import AttendanceRecord, AttendanceStatus, Certificate, CertificateBatch
from .services import checkin
from .services.certificates import issue, normalise_code, qr_data_uri, revoke
from .services.register import (
    close_register,
    confirmed,
    mark_all_present,
    override_completion,
    report_absence,
    save_register,
)

VERIFY_LIMIT = 30  # lookups per minute and address


RUNS = CourseRun.objects.select_related("course").prefetch_related("sessions")


def _organiser_run(request, run_id):
    return organised_run(request.user, run_id, RUNS)


def _teacher_run(request, run_id):
    return taught_run(request.user, run_id, RUNS)


def _session(run, session_id):
    return get_object_or_404(CourseSession, pk=session_id, run=run)


@login_required
def run_overview(request, run_id):
    run = _teacher_run(request, run_id)
    batch = CertificateBatch.objects.filter(run=run).order_by("-pk").first()
    if request.GET.get("fragment"):
        # The progress alone, fetched by static/js/live.js while certificates are made.
        return render(
            request,
            "attendance/_batch_progress.html",
            {"run": run, "batch": batch, "is_organiser": is_organiser(request.user, run)},
        )
    participants = list(confirmed(run))
    records = {}
    for r in AttendanceRecord.objects.filter(session__run=run):
        records[(r.registration_id, r.session_id)] = r
    sessions = run.ordered_sessions()
    # The newest current certificate per participant, in one query (newest last wins).
    certificates = {
        c.registration_id: c
        for c in Certificate.objects.filter(
            registration__run=run, superseded_by__isnull=True
        ).order_by("issued_at", "pk")
    }
    rows = [
        {
            "registration": p,
            "cells": [records.get((p.pk, s.pk)) for s in sessions],
            "certificate": certificates.get(p.pk),
        }
        for p in participants
    ]
    return render(
        request,
        "attendance/run_overview.html",
        {
            "run": run,
            "sessions": sessions,
            "rows": rows,
            "batch": batch,
            "is_organiser": is_organiser(request.user, run),
            "may_close": may_close_register(request.user, run),
        },
    )


@login_required
def session_register(request, run_id, session_id):
    run = _teacher_run(request, run_id)
    session = _session(run, session_id)
    participants = list(confirmed(run))
    errors = {}
    if request.method == "POST":
        if "all_present" in request.POST:
            added = mark_all_present(session, actor=request.user)
            messages.success(request, _("%(n)d marked present.") % {"n": added})
            return redirect("session_register", run_id=run.pk, session_id=session.pk)
        statuses = {}
        for p in participants:
            status = request.POST.get(f"status-{p.pk}")
            if status:
                statuses[p.pk] = (status, request.POST.get(f"reason-{p.pk}", ""))
        errors = save_register(session, statuses, actor=request.user)
        if not errors:
            messages.success(request, _("The register was saved."))
            return redirect("session_register", run_id=run.pk, session_id=session.pk)
        messages.error(request, _("Nothing was saved. Correct the marked rows."))
    records = {r.registration_id: r for r in AttendanceRecord.objects.filter(session=session)}
    rows = [
        {
            "registration": p,
            "record": records.get(p.pk),
            "error": errors.get(p.pk),
            "posted": request.POST.get(f"status-{p.pk}") if errors else None,
        }
        for p in participants
    ]
    return render(
        request,
        "attendance/session_register.html",
        {"run": run, "session": session, "rows": rows, "statuses": AttendanceStatus.choices},
        status=400 if errors else 200,
    )


@login_required
def checkin_display(request, run_id, session_id):
    """For the instructor's screen: the QR code and the typed code, renewed every 30 s (by
    static/js/live.js fetching ``?fragment=1``; without JavaScript, by a plain link)."""
    run = _teacher_run(request, run_id)
    session = _session(run, session_id)
    code = checkin.current_code(session)
    url = request.build_absolute_uri(f"/innsjekk/{session.pk}/?code={code}")
    return render(
        request,
        "attendance/_checkin_code.html"
        if request.GET.get("fragment")
        else "attendance/checkin_display.html",
        {
            "run": run,
            "session": session,
            "code": code,
            "qr": qr_data_uri(url),
            "open": checkin.is_open(session),
        },
    )


def _organiser_action(request, run, action, success):
    """Run one organiser action: its refusal or ``success`` is shown, then back to the run."""
    try:
        action()
    except RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("run_attendance", run_id=run.pk)


@require_POST
@login_required
def close(request, run_id):
    run = _teacher_run(request, run_id)
    if not may_close_register(request.user, run):
        raise PermissionDenied
    return _organiser_action(
        request,
        run,
        lambda: close_register(run, actor=request.user),
        _("The register is closed. Certificates are being made."),
    )


@require_POST
@login_required
def completion_override(request, run_id, registration_id):
    run = _organiser_run(request, run_id)
    registration = get_object_or_404(Registration, pk=registration_id, run=run)
    return _organiser_action(
        request,
        run,
        lambda: override_completion(
            registration,
            completed=request.POST.get("completed") == "1",
            reason=request.POST.get("reason", ""),
            actor=request.user,
        ),
        _("Completion was changed."),
    )


def _run_certificate(request, run_id, certificate_id):
    run = _organiser_run(request, run_id)
    return run, get_object_or_404(Certificate, pk=certificate_id, registration__run=run)


@require_POST
@login_required
def certificate_revoke(request, run_id, certificate_id):
    run, certificate = _run_certificate(request, run_id, certificate_id)
    return _organiser_action(
        request,
        run,
        lambda: revoke(certificate, reason=request.POST.get("reason", ""), actor=request.user),
        _("The certificate was revoked."),
    )


@require_POST
@login_required
def certificate_reissue(request, run_id, certificate_id):
    run, certificate = _run_certificate(request, run_id, certificate_id)
    return _organiser_action(
        request,
        run,
        lambda: issue(certificate.registration),
        _("A new version of the certificate was issued."),
    )


@login_required
def certificates_zip(request, run_id):
    run = _organiser_run(request, run_id)
    certificates = Certificate.objects.filter(
        registration__run=run, revoked_at__isnull=True, superseded_by__isnull=True
    )
    files = (
        (
            f"{certificate.participant_name} {certificate.code}.pdf".replace("/", "-"),
            lambda certificate=certificate: certificate.pdf.open("rb"),
        )
        for certificate in certificates.iterator()
    )
    response = StreamingHttpResponse(stream_zip(files), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="kursbevis-{run.pk}.zip"'
    return response


def _pdf_response(certificate):
    return FileResponse(
        certificate.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"kursbevis-{certificate.code}.pdf",
    )


@participant_required
def my_certificate(request, certificate_id):
    certificate = get_object_or_404(Certificate, pk=certificate_id, registration__user=request.user)
    return _pdf_response(certificate)


@login_required
def organisation_certificate(request, pk, certificate_id):
    organisation = coordinated_organisation(request.user, pk)
    certificate = get_object_or_404(
        Certificate, pk=certificate_id, registration__employer=organisation
    )
    return _pdf_response(certificate)


@login_required
def organisation_attendance(request, pk, run_id):
    """A coordinator's read-only view of their organisation's attendance on one run."""
    organisation = coordinated_organisation(request.user, pk)
    registrations = list(
        Registration.objects.filter(
            run_id=run_id, employer=organisation, status=RegistrationStatus.CONFIRMED
        ).select_related("user", "run__course")
    )
    if not registrations:
        raise Http404
    run = registrations[0].run
    sessions = list(run.sessions.order_by("date", "start_time"))
    records = {
        (r.registration_id, r.session_id): r
        for r in AttendanceRecord.objects.filter(registration__in=registrations)
    }
    rows = [
        {
            "registration": r,
            "cells": [records.get((r.pk, s.pk)) for s in sessions],
            "certificate": Certificate.objects.filter(
                registration=r, revoked_at__isnull=True, superseded_by__isnull=True
            ).first(),
        }
        for r in registrations
    ]
    return render(
        request,
        "attendance/organisation_attendance.html",
        {"organisation": organisation, "run": run, "sessions": sessions, "rows": rows},
    )


@participant_required
def checkin_page(request, session_id):
    """Where the QR code leads: the signed-in participant checks themselves in."""
    session = get_object_or_404(CourseSession.objects.select_related("run__course"), pk=session_id)
    code = request.POST.get("code") if request.method == "POST" else request.GET.get("code", "")
    status = 200
    if request.method == "POST":
        try:
            record = checkin.check_in(session, request.user, code)
        except RuleError as exc:
            messages.error(request, exc.message)
            status = 400
        else:
            messages.success(
                request,
                _("You are checked in: %(status)s.") % {"status": record.get_status_display()},
            )
            return redirect("my_courses")
    return render(
        request,
        "attendance/checkin.html",
        {"session": session, "code": code or ""},
        status=status,
    )


@require_POST
@participant_required
def absence(request, registration_id, session_id):
    registration = get_object_or_404(
        Registration.objects.select_related("run"), pk=registration_id, user=request.user
    )
    session = get_object_or_404(CourseSession, pk=session_id, run=registration.run)
    try:
        report_absence(
            registration, session, user=request.user, reason=request.POST.get("reason", "")
        )
    except RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you. The organiser can see your absence."))
    return redirect("my_courses")


def verify(request, code=None):
    """Public: is this certificate valid, superseded or revoked? Only what the certificate
    itself says is shown. Lookups are limited per address."""
    code = code or request.GET.get("code")
    context = {"code": code or ""}
    status = 200
    if code:
        address = client_ip(request)
        key = f"certificate-verify:{address}:{int(timezone.now().timestamp() // 60)}"
        count = cache.get_or_set(key, 0, 70)
        cache.incr(key)
        if count >= VERIFY_LIMIT:
            context["error"] = _("Too many lookups. Please wait a minute and try again.")
            return render(request, "attendance/verify.html", context, status=429)
        normalised = normalise_code(code)
        certificate = Certificate.objects.filter(code=normalised).first() if normalised else None
        if certificate is None:
            context["error"] = _("No certificate has this code. Check that it is typed correctly.")
            status = 404
        else:
            context["certificate"] = certificate
    return render(request, "attendance/verify.html", context, status=status)
