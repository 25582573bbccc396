"""Course certificates (kursbevis).

Invariants:
- a certificate's PDF is rendered once, when it is issued, and stored; nothing re-renders it,
  so later changes to a name, course or template never alter an issued certificate;
- a correction issues a new version that supersedes the old; revoking records who and why;
- the verification code carries 80 random bits in 16 characters of Crockford's base32
  (no I, L, O or U), grouped in fours so people can type it.
"""

import base64
import functools
import io
import secrets
from decimal import Decimal

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from courses.models import attach_providers
from enrollment.services.notify import registration_email

from ..models import Certificate, CertificateTemplate
from .errors import AttendanceError

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32


def new_code():
    value = secrets.randbits(80)
    chars = []
    for _i in range(16):
        value, index = divmod(value, 32)
        chars.append(CODE_ALPHABET[index])
    raw = "".join(chars)
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_code(code):
    """Accept what people type: any case, spaces, O for 0 and I/L for 1."""
    raw = "".join((code or "").upper().split()).replace("-", "")
    raw = raw.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))
    if len(raw) != 16 or any(c not in CODE_ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def verify_url(code):
    return settings.SITE_BASE_URL + reverse("certificate_verify_code", args=[code])


QR_MASK = 0


def qr_data_uri(url):
    """The verification link as a QR code (SVG). The mask is fixed: any of the eight is valid
    and scanners read them all, and choosing the best one costs segno more than the rest of
    the code (about 7 of 9 ms)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", mask=QR_MASK).save(
        buffer, kind="svg", scale=4, border=2, dark="#000000"
    )
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _template_for(provider):
    if provider is None:
        return None
    return CertificateTemplate.objects.filter(provider=provider).select_related("logo").first()


@functools.cache
def font_config():
    """One WeasyPrint font configuration per process: building it (fontconfig, Pango's font
    map) for every certificate cost about as much as laying the certificate out. The
    certificate has no @font-face rules, so nothing is added to it between renders."""
    return FontConfiguration()


def render_pdf(context, language):
    """PDF bytes, tagged (PDF/UA-1) so screen readers can read it."""
    with translation.override(language):
        html = render_to_string("attendance/certificate.html", {**context, "language": language})
    return HTML(string=html, base_url=settings.SITE_BASE_URL).write_pdf(
        pdf_variant="pdf/ua-1", font_config=font_config()
    )


def certificate_context(*, name, course, provider_name, first, last, hours, code, template):
    logo = None
    if template and template.logo:
        # Resized by Pillow through Wagtail's renditions.
        rendition = template.logo.get_rendition("max-400x160|format-png")
        with rendition.file.open("rb") as handle:
            logo = "data:image/png;base64," + base64.b64encode(handle.read()).decode()
    url = verify_url(code)
    return {
        "name": name,
        "course": course,
        "provider_name": provider_name,
        "first": first,
        "last": last,
        "hours": hours,
        "code": code,
        "verify_url": url,
        "qr": qr_data_uri(url),
        "template": template,
        "logo": logo,
    }


def issue(registration, *, now=None):
    """Issue (or re-issue) the certificate of a completed registration; returns it."""
    now = now or timezone.now()
    if not registration.completed_at:
        raise AttendanceError(_("Only completed participants get a certificate."))
    run = registration.run
    attach_providers([run])
    sessions = run.ordered_sessions()
    hours = Decimal(str(round(sum(s.hours for s in sessions), 1)))
    language = registration.user.preferred_language or settings.LANGUAGE_CODE
    template = _template_for(run.provider)
    name = registration.user.get_full_name() or registration.user.email
    provider_name = run.provider.title if run.provider else ""
    code = new_code()
    pdf = render_pdf(
        certificate_context(
            name=name,
            course=run.course.title,
            provider_name=provider_name,
            first=sessions[0].date,
            last=sessions[-1].date,
            hours=hours,
            code=code,
            template=template,
        ),
        language,
    )
    with transaction.atomic():
        previous = (
            Certificate.objects.select_for_update()
            .filter(registration=registration)
            .order_by("-version")
            .first()
        )
        certificate = Certificate(
            registration=registration,
            version=(previous.version + 1) if previous else 1,
            code=code,
            participant_name=name,
            course_title=run.course.title,
            provider_name=provider_name,
            first_date=sessions[0].date,
            last_date=sessions[-1].date,
            hours=hours,
            language=language,
            issued_at=now,
        )
        certificate.pdf.save(f"kursbevis-{code}.pdf", ContentFile(pdf), save=False)
        certificate.save()
        if previous and previous.superseded_by_id is None:
            previous.superseded_by = certificate
            previous.save(update_fields=["superseded_by"])
        _email(certificate)
    return certificate


def _email(certificate):
    """The participant gets the certificate by email; the PDF is attached at delivery from
    the stored file (``attendance.emails``)."""
    registration_email(certificate.registration, "certificate", certificate=certificate.pk)


def valid_certificate(registration):
    return (
        Certificate.objects.filter(
            registration=registration, revoked_at__isnull=True, superseded_by__isnull=True
        )
        .order_by("-version")
        .first()
    )


def revoke(certificate, *, reason, actor, now=None):
    if not str(reason).strip():
        raise AttendanceError(_("Give a reason for revoking the certificate."))
    if certificate.revoked_at:
        raise AttendanceError(_("This certificate is already revoked."))
    certificate.revoked_at = now or timezone.now()
    certificate.revoked_reason = str(reason).strip()[:300]
    certificate.revoked_by = actor
    certificate.save(update_fields=["revoked_at", "revoked_reason", "revoked_by"])
    return certificate
