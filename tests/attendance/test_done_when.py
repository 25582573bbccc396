"""The issue's "done when": an organiser keeps the register of a three-session run, closes
it, certificates are made for those who attended at least 80 % of the time, and each can be
verified, revoked and re-issued without an issued PDF ever changing."""

from django.test import Client

from attendance.models import AttendanceStatus, Certificate, CertificateBatch
from enrollment.models import RegistrationEvent
from outbox.models import OutgoingMessage
from tests.factories import make_person

from .conftest import (
    close_url,
    enrol,
    flashed,
    inflated,
    pdf_text,
    post_register,
    register_url,
    reissue_url,
    revoke_url,
    shows,
    statuses_of,
    stored_pdf,
    verify_url,
)

P, L, A, E = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


def test_register_close_certificates_verify_revoke_reissue(
    organiser, editor_a, past_run, org_a, capture
):
    run = past_run
    s1, s2, s3 = run.ordered_sessions()  # 4 h, 4 h, 2 h
    people = {
        "anne": make_person(org_a, first_name="Anne", last_name="Alfa"),
        "bjørn": make_person(org_a, first_name="Bjørn", last_name="Beta"),
        "cecilie": make_person(org_a, first_name="Cecilie", last_name="Gamma"),
        "dag": make_person(org_a, first_name="Dag", last_name="Delta"),
    }
    reg = {key: enrol(run, user) for key, user in people.items()}

    # Session 1: everyone present with one click, then Dag corrected to late.
    response = organiser.post(register_url(run, s1), {"all_present": "1"})
    assert response.status_code == 302
    assert post_register(organiser, run, s1, {reg["dag"]: L}).status_code == 302
    # Session 2: Cecilie's excused absence first, then the rest present.
    post_register(organiser, run, s2, {reg["cecilie"]: (E, "Sykdom")})
    organiser.post(register_url(run, s2), {"all_present": "1"})
    # Session 3: an excused absence without a reason is refused, and nothing is saved.
    response = post_register(organiser, run, s3, {reg["anne"]: P, reg["bjørn"]: E})
    assert response.status_code == 400
    assert statuses_of(s3) == {}
    post_register(
        organiser, run, s3, {reg["anne"]: P, reg["bjørn"]: A, reg["cecilie"]: P, reg["dag"]: A}
    )
    assert statuses_of(s1) == {
        reg["anne"].pk: P,
        reg["bjørn"].pk: P,
        reg["cecilie"].pk: P,
        reg["dag"].pk: L,
    }
    assert statuses_of(s2)[reg["cecilie"].pk] == E
    assert statuses_of(s2)[reg["anne"].pk] == P

    # Anne 10/10 h; Bjørn 8/10 = exactly 80 %; Dag 8/10 with one late arrival (late counts);
    # Cecilie 6/10: the excused 4 h do not count.
    with capture():
        response = organiser.post(close_url(run))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.register_closed_at is not None
    for key in reg:
        reg[key].refresh_from_db()
    assert {k for k, r in reg.items() if r.completed_at} == {"anne", "bjørn", "dag"}
    assert RegistrationEvent.objects.filter(
        registration=reg["bjørn"], actor=editor_a, to_status="confirmed"
    ).exists()

    batch = CertificateBatch.objects.get(run=run)
    assert (batch.total, batch.done) == (3, 3)
    assert batch.finished_at is not None
    certificates = {c.registration_id: c for c in Certificate.objects.filter(registration__run=run)}
    assert set(certificates) == {reg["anne"].pk, reg["bjørn"].pk, reg["dag"].pk}
    assert OutgoingMessage.objects.filter(kind="certificate").count() == 3

    anne_cert = certificates[reg["anne"].pk]
    anne_pdf = stored_pdf(anne_cert)
    assert anne_pdf.startswith(b"%PDF")
    text = pdf_text(anne_pdf)
    assert "Anne Alfa" in text
    assert "Grunnkurs i IPS" in text
    assert anne_cert.code in text
    # Tagged PDF (PDF/UA): a structure tree and MarkInfo /Marked true, in the catalogue that
    # sits inside a compressed object stream.
    raw = inflated(anne_pdf)
    assert b"/StructTreeRoot" in raw
    assert b"/MarkInfo <</Marked true" in raw.replace(b"<< /", b"<</")

    # The public verification page (no login needed).
    client = Client()
    response = client.get(verify_url(anne_cert.code))
    assert response.status_code == 200
    assert shows(response, "Valid certificate")
    assert "Anne Alfa" in response.content.decode()

    # Revoking needs a reason; then the page says revoked.
    dag_cert = certificates[reg["dag"].pk]
    organiser.post(revoke_url(dag_cert), {"reason": ""})
    dag_cert.refresh_from_db()
    assert dag_cert.revoked_at is None
    response = organiser.post(revoke_url(dag_cert), {"reason": "Registrert på feil person"})
    assert response.status_code == 302
    dag_cert.refresh_from_db()
    assert dag_cert.state == "revoked"
    assert dag_cert.revoked_reason == "Registrert på feil person"
    assert shows(client.get(verify_url(dag_cert.code)), "Revoked certificate")

    # A name change, then a new version: the old PDF keeps the old name byte for byte.
    anne = people["anne"]
    anne.last_name = "Alfa-Omega"
    anne.save()
    with capture():
        response = organiser.post(reissue_url(anne_cert))
    assert response.status_code == 302
    assert any("ny versjon" in m.lower() or "new version" in m.lower() for m in flashed(response))
    anne_cert.refresh_from_db()
    new_cert = Certificate.objects.get(supersedes=anne_cert)
    assert (anne_cert.state, new_cert.state) == ("superseded", "valid")
    assert new_cert.version == 2 and new_cert.code != anne_cert.code
    assert stored_pdf(anne_cert) == anne_pdf
    assert anne_cert.participant_name == "Anne Alfa"
    assert "Anne Alfa-Omega" in pdf_text(stored_pdf(new_cert))
    assert shows(client.get(verify_url(anne_cert.code)), "Replaced by a newer version")
    response = client.get(verify_url(new_cert.code))
    assert shows(response, "Valid certificate")
    assert "Anne Alfa-Omega" in response.content.decode()
