"""Package certificates: finishing every required step of a training package.

Invariants:
- a person's packages are those of their employer's programmes (``grants_by_programme``);
  a package certificate is issued when every required step that applies to their profession,
  in the version they are judged against, is done;
- at most one per person and package (a database constraint); issuing twice returns the first;
- it is made exactly like a course certificate, with the course certificates' own machinery
  (``attendance.services.certificates``): rendered once with WeasyPrint as a tagged PDF with a
  verification code and QR code, stored, and never re-rendered; it is an
  ``attendance.Certificate`` row without a registration, so the public verification page shows
  it and revoking and superseding work the same way;
- a revoked package certificate is not issued again by itself; a re-issue makes a new version
  that supersedes the old one;
- the person gets the certificate by email through the outbox, in the same transaction.
"""

from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from attendance.models import Certificate, CertificateTemplate
from attendance.services.certificates import certificate_context, new_code, render_pdf
from attendance.services.certificates import revoke as revoke_certificate
from cms.localisation import originals
from cms.models import ResourceCentrePage
from courses.models import CourseSession
from outbox.services import enqueue

from ..models import PackageCompletion
from .packages import load_packages
from .progress import progress, registrations_by_user
from .readiness import grants_by_programme


def person_packages(user, today=None):
    """{programme: Package} for the programmes of the person's current employer."""
    membership = user.current_membership
    if membership is None:
        return {}
    return load_packages(list(grants_by_programme(membership.organisation, today)))


def person_progress(user, *, today=None, now=None):
    """[PackageProgress] of the person in their employer's packages (eight queries)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    packages = person_packages(user, today)
    if not packages:
        return []
    course_ids = frozenset().union(*(p.course_ids for p in packages.values()))
    attempts = registrations_by_user([user.pk], course_ids, now).get(user.pk, [])
    results = []
    for package in packages.values():
        result = progress(package, user.profession, attempts, today=today, now=now)
        if result is not None and result.steps:
            results.append(result)
    return results


def issue_due(user, *, now=None):
    """Issue the package certificates the person has earned and not yet got."""
    now = now or timezone.now()
    done = [p for p in person_progress(user, now=now) if p.complete]
    if not done:
        return []
    have = set(
        PackageCompletion.objects.filter(
            user=user, package_id__in=[p.package.pk for p in done]
        ).values_list("package_id", flat=True)
    )
    return [issue(user, result, now=now) for result in done if result.package.pk not in have]


def _issuer(package):
    pages = originals(ResourceCentrePage.objects.all())
    if package.issuer_id:
        return pages.filter(pk=package.issuer_id).first()
    return pages.filter(is_national=True).order_by("path").first()


def _template(issuer, steps, language):
    """An unsaved copy of the issuer's certificate template whose wording lists the package's
    steps (so the course certificate layout needs no second version)."""
    saved = (
        CertificateTemplate.objects.filter(provider=issuer).select_related("logo").first()
        if issuer
        else None
    )
    with translation.override(language):
        wording = _("The training package consists of: %(steps)s.") % {"steps": "; ".join(steps)}
    return CertificateTemplate(
        logo=saved.logo if saved else None,
        signatory_name=saved.signatory_name if saved else "",
        signatory_title=saved.signatory_title if saved else "",
        wording_nb=wording,
        wording_en=wording,
    )


def _content(user, result, code):
    attempts = result.done_attempts()
    sessions = list(
        CourseSession.objects.filter(run_id__in=[a.run_id for a in attempts]).order_by(
            "date", "start_time"
        )
    )
    hours = Decimal(str(round(sum(s.hours for s in sessions), 1)))
    language = user.preferred_language or settings.LANGUAGE_CODE
    issuer = _issuer(result.package)
    steps = [f"{s.step.title} ({s.attempt.course_title})" for s in result.required]
    today = timezone.localdate()
    context = certificate_context(
        name=user.get_full_name() or user.email,
        course=result.package.title,
        provider_name=issuer.title if issuer else "",
        first=sessions[0].date if sessions else today,
        last=sessions[-1].date if sessions else today,
        hours=hours,
        code=code,
        template=_template(issuer, steps, language),
    )
    return context, language


def _certificate(user, result, *, now, version=1):
    code = new_code()
    context, language = _content(user, result, code)
    pdf = render_pdf(context, language)
    certificate = Certificate(
        registration=None,
        version=version,
        code=code,
        participant_name=context["name"],
        course_title=context["course"],
        provider_name=context["provider_name"],
        first_date=context["first"],
        last_date=context["last"],
        hours=context["hours"],
        language=language,
        issued_at=now,
    )
    certificate.pdf.save(f"kursbevis-{code}.pdf", ContentFile(pdf), save=False)
    certificate.save()
    return certificate


def issue(user, result, *, now=None):
    """Issue the package certificate for a complete ``result`` (PackageProgress); the first
    one stays if it exists (also when two workers race: the constraint decides)."""
    now = now or timezone.now()
    existing = PackageCompletion.objects.filter(user=user, package_id=result.package.pk).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            certificate = _certificate(user, result, now=now)
            completion = PackageCompletion.objects.create(
                user=user,
                package_id=result.package.pk,
                version_id=result.version.pk,
                completed_at=now,
                certificate=certificate,
            )
            _email(completion)
    except IntegrityError:
        return PackageCompletion.objects.get(user=user, package_id=result.package.pk)
    return completion


def reissue(completion, *, now=None):
    """A corrected certificate (e.g. after a name change): a new version supersedes the old."""
    now = now or timezone.now()
    user = completion.user
    packages = load_packages([completion.package.programme])
    package = packages[completion.package.programme]
    attempts = registrations_by_user([user.pk], package.course_ids, now).get(user.pk, [])
    result = progress(package, user.profession, attempts, now=now)
    with transaction.atomic():
        completion = PackageCompletion.objects.select_for_update().get(pk=completion.pk)
        previous = completion.certificate
        certificate = _certificate(user, result, now=now, version=previous.version + 1)
        if previous.superseded_by_id is None:
            previous.superseded_by = certificate
            previous.save(update_fields=["superseded_by"])
        completion.certificate = certificate
        completion.save(update_fields=["certificate"])
        _email(completion)
    return completion


def revoke(completion, *, reason, actor, now=None):
    """Revoke the package certificate (the reason is required, as for course certificates)."""
    return revoke_certificate(completion.certificate, reason=reason, actor=actor, now=now)


def personal_data(user):
    """The person's package certificates, for their data export (GDPR art. 15)."""
    return [
        {
            "package": c.package.title,
            "version": c.version.number,
            "completed_at": c.completed_at.isoformat(),
            "certificate": c.certificate.code,
            "state": c.certificate.state,
        }
        for c in PackageCompletion.objects.filter(user=user)
        .select_related("package", "version", "certificate")
        .order_by("completed_at")
    ]


def _email(completion):
    """The person gets the certificate by email; the stored PDF is attached at delivery
    (``training.emails``)."""
    user = completion.user
    enqueue(
        to=user.email,
        template="training/email/package_certificate",
        language=user.preferred_language or settings.LANGUAGE_CODE,
        params={"completion": completion.pk},
    )
