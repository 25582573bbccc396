"""Who reaches what: only a run's organisers (editors of the provider that owns the course, or
a superuser) keep its register and manage its certificates; everyone else gets 404 and nothing
changes. Participants download only their own certificates; coordinators only their
organisation's, and read its attendance without changing it."""

import io
import zipfile

import pytest
from django.test import Client

from attendance.models import AttendanceRecord, AttendanceStatus, Certificate, CertificateBatch
from attendance.services.certificates import revoke
from attendance.services.register import close_register, save_register
from tests.factories import make_person

from .conftest import (
    body,
    close_url,
    enrol,
    fake_certificate,
    issue_for,
    override_url,
    overview_url,
    register_url,
    reissue_url,
    revoke_url,
    stored_pdf,
    zip_url,
)


@pytest.fixture
def setting(past_run, org_a, org_b, editor_a):
    """A closed run with two participants from organisation A and one from B; A's first
    participant has a certificate (a placeholder file, no rendering)."""
    kari = make_person(org_a, first_name="Kari")
    ola = make_person(org_a, first_name="Ola")
    berit = make_person(org_b, first_name="Berit")
    regs = {u.first_name: enrol(past_run, u) for u in (kari, ola, berit)}
    for session in past_run.ordered_sessions():
        save_register(
            session,
            {r.pk: (AttendanceStatus.PRESENT, "") for r in regs.values()},
            actor=editor_a,
        )
    close_register(past_run, actor=editor_a)  # on-commit generation does not run here
    for r in regs.values():
        r.refresh_from_db()
    certificate = fake_certificate(regs["Kari"])
    berit_certificate = fake_certificate(regs["Berit"])
    return {
        "run": past_run,
        "users": {"Kari": kari, "Ola": ola, "Berit": berit},
        "regs": regs,
        "certificate": certificate,
        "berit_certificate": berit_certificate,
    }


def snapshot(run):
    run.refresh_from_db()
    return (
        run.register_closed_at,
        sorted(AttendanceRecord.objects.filter(session__run=run).values_list("pk", "status")),
        sorted(
            Certificate.objects.filter(registration__run=run).values_list(
                "pk", "revoked_at", "superseded_by"
            )
        ),
        CertificateBatch.objects.count(),
        sorted(run.registrations.values_list("pk", "completed_at")),
    )


def organiser_requests(setting):
    run, regs, cert = setting["run"], setting["regs"], setting["certificate"]
    session = run.ordered_sessions()[0]
    kari = regs["Kari"]
    return [
        ("get", overview_url(run), {}),
        ("get", register_url(run, session), {}),
        ("post", register_url(run, session), {f"status-{kari.pk}": "absent"}),
        ("post", register_url(run, session), {"all_present": "1"}),
        ("get", f"/arrangor/kurs/{run.pk}/okt/{session.pk}/innsjekk/", {}),
        ("post", close_url(run), {}),
        ("post", override_url(run, kari), {"completed": "0", "reason": "Fordi"}),
        ("post", revoke_url(cert), {"reason": "Fordi"}),
        ("post", reissue_url(cert), {}),
        ("get", zip_url(run), {}),
    ]


@pytest.mark.parametrize(
    "who", ["editor_b", "participant", "coordinator_a", "staff_without_provider"]
)
def test_others_get_404_and_nothing_changes(request, client, setting, who, coordinator_a):
    if who == "editor_b":
        user = request.getfixturevalue("editor_b")
    elif who == "participant":
        user = setting["users"]["Kari"]
    elif who == "coordinator_a":
        user = coordinator_a
    else:
        user = make_person()
        user.is_staff = True
        user.save()
    client.force_login(user)
    before = snapshot(setting["run"])
    for method, url, data in organiser_requests(setting):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (who, method, url, response.status_code)
    assert snapshot(setting["run"]) == before


def test_anonymous_is_sent_to_login(client, setting):
    before = snapshot(setting["run"])
    for method, url, data in organiser_requests(setting):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    assert snapshot(setting["run"]) == before


@pytest.mark.parametrize("who", ["editor_a", "superuser"])
def test_organisers_reach_the_run(request, client, setting, who):
    client.force_login(request.getfixturevalue(who))
    run = setting["run"]
    assert client.get(overview_url(run)).status_code == 200
    session = run.ordered_sessions()[0]
    assert client.get(register_url(run, session)).status_code == 200
    response = client.post(
        register_url(run, session), {f"status-{setting['regs']['Ola'].pk}": "late"}
    )
    assert response.status_code == 302
    assert (
        AttendanceRecord.objects.get(registration=setting["regs"]["Ola"], session=session).status
        == AttendanceStatus.LATE
    )


def test_participant_downloads_only_own_certificate(client, setting):
    cert = setting["certificate"]
    client.force_login(setting["users"]["Kari"])
    response = client.get(f"/min-side/kursbevis/{cert.pk}.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body(response) == stored_pdf(cert)
    assert (
        client.get(f"/min-side/kursbevis/{setting['berit_certificate'].pk}.pdf").status_code == 404
    )

    client.force_login(setting["users"]["Ola"])  # same organisation, not theirs
    assert client.get(f"/min-side/kursbevis/{cert.pk}.pdf").status_code == 404
    assert Client().get(f"/min-side/kursbevis/{cert.pk}.pdf").status_code == 302


def test_coordinator_gets_only_own_organisations_certificates(
    client, setting, org_a, org_b, coordinator_a, coordinator_b
):
    cert, berit_cert = setting["certificate"], setting["berit_certificate"]
    client.force_login(coordinator_a)
    response = client.get(f"/organisasjon/{org_a.pk}/kursbevis/{cert.pk}.pdf")
    assert response.status_code == 200
    assert body(response) == stored_pdf(cert)
    # B's participant, asked through A's organisation or B's: not for A's coordinator.
    assert client.get(f"/organisasjon/{org_a.pk}/kursbevis/{berit_cert.pk}.pdf").status_code == 404
    assert client.get(f"/organisasjon/{org_b.pk}/kursbevis/{berit_cert.pk}.pdf").status_code == 404

    client.force_login(coordinator_b)
    assert client.get(f"/organisasjon/{org_a.pk}/kursbevis/{cert.pk}.pdf").status_code == 404
    assert client.get(f"/organisasjon/{org_b.pk}/kursbevis/{cert.pk}.pdf").status_code == 404
    assert client.get(f"/organisasjon/{org_b.pk}/kursbevis/{berit_cert.pk}.pdf").status_code == 200

    client.force_login(setting["users"]["Ola"])  # a member, not a coordinator
    assert client.get(f"/organisasjon/{org_a.pk}/kursbevis/{cert.pk}.pdf").status_code == 404


def test_coordinator_reads_own_organisations_attendance(
    client, setting, org_a, org_b, coordinator_a, coordinator_b, course_a
):
    run = setting["run"]
    url_a = f"/organisasjon/{org_a.pk}/oppmote/{run.pk}/"
    client.force_login(coordinator_a)
    response = client.get(url_a)
    assert response.status_code == 200
    page = response.content.decode()
    assert setting["users"]["Kari"].last_name in page
    assert setting["users"]["Ola"].last_name in page
    assert setting["users"]["Berit"].last_name not in page
    before = snapshot(run)
    assert client.post(url_a, {f"status-{setting['regs']['Kari'].pk}": "absent"}).status_code in (
        200,
        405,
    )
    assert snapshot(run) == before

    client.force_login(coordinator_b)
    assert client.get(url_a).status_code == 404
    # B's own page for the same run shows only B's participant.
    response = client.get(f"/organisasjon/{org_b.pk}/oppmote/{run.pk}/")
    assert response.status_code == 200
    assert setting["users"]["Kari"].last_name not in response.content.decode()

    client.force_login(setting["users"]["Kari"])
    assert client.get(url_a).status_code == 404


def test_organisers_zip_has_one_pdf_per_valid_certificate(client, editor_a, past_run, org_a):
    regs = [enrol(past_run, make_person(org_a)) for _ in range(3)]
    certificates = [issue_for(r) for r in regs]
    revoke(certificates[2], reason="Feil kurs", actor=editor_a)
    client.force_login(editor_a)
    response = client.get(zip_url(past_run))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response.streaming  # sent while it is written, not built in memory first
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert len(names) == 2
    expected = {stored_pdf(c) for c in certificates[:2]}
    assert {archive.read(n) for n in names} == expected
    assert all(n.endswith(".pdf") for n in names)
    assert any(certificates[0].code in n for n in names)
