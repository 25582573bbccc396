"""The package certificate: finishing the last required step issues it once, made like a
course certificate (rendered once and stored, verifiable at the public verification page,
revocable), and it is the participant's alone."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from pypdf import PdfReader

from attendance.models import Certificate
from enrollment.services.registration import mark_completed, register
from tests.factories import UserFactory
from training.models import PackageCompletion

from .conftest import JS, LE, TH, completed, past_run, person, text_of

pytestmark = pytest.mark.django_db


def finish(user, course, organiser, capture):
    """The organiser marks the person as having completed a run of ``course`` (committed)."""
    run = past_run(course, 3, register_closed_at=None)
    registration = register(run, user, organiser=True, notify=False)
    with capture():
        mark_completed(registration, actor=organiser)
    return registration


def pdf_text(data):
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def organiser(db):
    return UserFactory(email="arrangor@example.no")


@pytest.fixture
def napha_editor(db):
    group = Group.objects.create(name="NAPHA (test)")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="training",
            codename__in=["view_packagecompletion", "change_packagecompletion"],
        ),
    )
    return UserFactory(email="napha.redaktor@example.no", groups=[group])


@pytest.fixture
def therapist(package, courses, tromso):
    user = person(tromso, TH, first_name="Tone", last_name="Terapeut")
    completed(user, courses["basic_vest"])
    return user


def test_the_last_required_step_issues_the_package_certificate(
    client, therapist, courses, organiser, capture
):
    assert not PackageCompletion.objects.exists()
    finish(therapist, courses["therapists"], organiser, capture)
    completion = PackageCompletion.objects.get(user=therapist)
    certificate = completion.certificate
    assert certificate.registration is None
    assert certificate.state == "valid"
    assert (certificate.participant_name, certificate.course_title) == (
        "Tone Terapeut",
        "Opplæringspakke IPS",
    )
    assert certificate.provider_name == "NAPHA"  # the national competence service issues it
    text = pdf_text(certificate.pdf.read())
    assert "Tone Terapeut" in text and "Opplæringspakke IPS" in text
    assert (
        "Grunnkurs (Grunnkurs i IPS – Vest)" in text
        and "Behandlerkurs (IPS for behandlere)" in text
    )
    assert certificate.code in text
    # Sent by email with the PDF attached.
    (message,) = [m for m in mail.outbox if "Opplæringspakke IPS" in m.subject]
    assert message.to == [therapist.email]
    ((_name, content, kind),) = message.attachments
    assert kind == "application/pdf" and content[:4] == b"%PDF"
    # Verifiable at the course certificates' public page.
    page = client.get(f"/certificates/verify/{certificate.code}/")
    assert page.status_code == 200
    assert "Gyldig kursbevis" in text_of(page) and "Opplæringspakke IPS" in text_of(page)
    # Downloadable from My courses, by the participant only.
    client.force_login(therapist)
    my_courses = client.get("/min-side/kurs/").content.decode()
    url = f"/min-side/opplaeringspakke/{completion.pk}/kursbevis.pdf"
    assert url in my_courses
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == certificate.pdf.open("rb").read()
    client.force_login(person(therapist.current_membership.organisation, TH))
    assert client.get(url).status_code == 404


def test_issued_once_and_never_re_rendered(therapist, courses, organiser, capture):
    finish(therapist, courses["therapists"], organiser, capture)
    certificate = PackageCompletion.objects.get(user=therapist).certificate
    stored = certificate.pdf.open("rb").read()
    # A recommended step finished later, and a name change, change nothing issued.
    therapist.last_name = "Nytt-Navn"
    therapist.save()
    finish(therapist, courses["network"], organiser, capture)
    assert PackageCompletion.objects.count() == 1
    assert Certificate.objects.filter(registration__isnull=True).count() == 1
    certificate.refresh_from_db()
    assert certificate.pdf.open("rb").read() == stored
    assert certificate.participant_name == "Tone Terapeut"


def test_no_certificate_while_a_required_step_is_missing(
    package, courses, tromso, organiser, capture
):
    specialist = person(tromso, JS)
    leader = person(tromso, LE)
    finish(leader, courses["network"], organiser, capture)  # recommended only
    assert not PackageCompletion.objects.exists()
    finish(specialist, courses["basic_nord"], organiser, capture)
    assert PackageCompletion.objects.filter(user=specialist).count() == 1


def test_revoked_and_re_issued(client, therapist, courses, organiser, napha_editor, capture):
    finish(therapist, courses["therapists"], organiser, capture)
    completion = PackageCompletion.objects.get(user=therapist)
    first = completion.certificate
    client.force_login(napha_editor)
    listing = client.get("/admin/training/certificates/")
    assert first.code in listing.content.decode()
    response = client.post(f"/admin/training/certificates/{completion.pk}/revoke/", {"reason": ""})
    first.refresh_from_db()
    assert first.state == "valid"  # a reason is required
    client.post(
        f"/admin/training/certificates/{completion.pk}/revoke/", {"reason": "Utstedt ved en feil"}
    )
    first.refresh_from_db()
    assert first.state == "revoked" and first.revoked_by == napha_editor
    page = client.get(f"/certificates/verify/{first.code}/")
    assert "Tilbaketrukket kursbevis" in text_of(page)
    # Not issued again by itself.
    finish(therapist, courses["network"], organiser, capture)
    assert Certificate.objects.filter(registration__isnull=True).count() == 1
    client.force_login(therapist)
    assert "Kursbeviset for pakken er trukket tilbake." in text_of(client.get("/min-side/kurs/"))
    # A re-issue is a new version; the old one is superseded.
    client.force_login(napha_editor)
    with capture():
        response = client.post(f"/admin/training/certificates/{completion.pk}/reissue/")
    assert response.status_code == 302
    completion.refresh_from_db()
    first.refresh_from_db()
    assert completion.certificate.version == 2 and completion.certificate.state == "valid"
    assert first.superseded_by == completion.certificate


def test_only_napha_revokes(client, therapist, courses, organiser, capture, tromso, coordinator):
    finish(therapist, courses["therapists"], organiser, capture)
    completion = PackageCompletion.objects.get(user=therapist)
    client.force_login(coordinator)
    response = client.post(
        f"/admin/training/certificates/{completion.pk}/revoke/", {"reason": "Nei"}
    )
    assert response.status_code in (302, 403)
    completion.certificate.refresh_from_db()
    assert completion.certificate.state == "valid"


def test_a_version_with_certificates_cannot_be_deleted(
    client, therapist, courses, organiser, capture, superuser, package
):
    finish(therapist, courses["therapists"], organiser, capture)
    version = package.versions.get()
    client.force_login(superuser)
    response = client.post(f"/admin/snippets/training/packageversion/delete/{version.pk}/")
    assert response.status_code == 302
    assert package.versions.filter(pk=version.pk).exists()
    page = client.get(response.url)
    assert "kan ikke slettes" in page.content.decode()
    response = client.post(f"/admin/snippets/training/trainingpackage/delete/{package.pk}/")
    assert response.status_code == 302 and type(package).objects.filter(pk=package.pk).exists()


def test_the_data_export_lists_package_certificates(client, therapist, courses, organiser, capture):
    finish(therapist, courses["therapists"], organiser, capture)
    code = PackageCompletion.objects.get(user=therapist).certificate.code
    client.force_login(therapist)
    data = client.get("/min-side/mine-data.json").json()
    assert data["package_certificates"] == [
        {
            "package": "Opplæringspakke IPS",
            "version": 1,
            "completed_at": PackageCompletion.objects.get().completed_at.isoformat(),
            "certificate": code,
            "state": "valid",
        }
    ]
    assert data["account"]["email"] == therapist.email
