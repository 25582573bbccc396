"""Verification codes and the public verification page: 80 random bits as 16 Crockford base32
characters in groups of four, typed in any case with or without dashes; the page shows only
what the certificate says and its state; lookups are rate-limited per address."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from attendance.services.certificates import CODE_ALPHABET, new_code, normalise_code
from attendance.views import VERIFY_LIMIT
from tests.factories import make_person

from .conftest import enrol, fake_certificate, shows, verify_url

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def test_codes_are_16_crockford_characters_in_four_groups_and_unique():
    codes = [new_code() for _ in range(1000)]
    assert len(set(codes)) == 1000
    assert all(CODE.match(c) for c in codes), [c for c in codes if not CODE.match(c)][:3]
    assert set(CODE_ALPHABET) == set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    assert len(CODE_ALPHABET) == 32 and 16 * 5 == 80
    # The characters are spread over the whole alphabet (random bits, not a counter).
    assert set("".join(codes).replace("-", "")) == set(CODE_ALPHABET)


def test_normalising_typed_codes():
    assert normalise_code("abcd efgh jkmn pqrs") == "ABCD-EFGH-JKMN-PQRS"
    assert normalise_code("ABCDEFGHJKMNPQRS") == "ABCD-EFGH-JKMN-PQRS"
    assert normalise_code("o1l2-I345-6789-ABCD") == "0112-1345-6789-ABCD"
    for bad in ("", None, "ABCD-EFGH-JKMN", "ABCD-EFGH-JKMN-PQRSU", "ABCD-EFGH-JKMN-PQR!"):
        assert normalise_code(bad) is None


@pytest.fixture
def certificate(past_run, org_a):
    user = make_person(org_a, first_name="Ingrid", last_name="Iversen")
    return fake_certificate(enrol(past_run, user), code="0123-4567-89AB-CDEF")


@pytest.mark.parametrize(
    "typed",
    ["0123-4567-89AB-CDEF", "0123-4567-89ab-cdef", "0123456789abcdef", "o123-4567-89ab-cdef"],
)
def test_page_accepts_lowercase_and_missing_dashes(client, certificate, typed):
    response = client.get(verify_url(typed))
    assert response.status_code == 200
    assert shows(response, "Valid certificate")
    response = client.get("/certificates/verify/", {"code": typed})
    assert response.status_code == 200 and shows(response, "Valid certificate")


def test_page_shows_only_what_the_certificate_says(client, certificate, org_a):
    response = client.get(verify_url(certificate.code))
    page = response.content.decode()
    for shown in ("Ingrid Iversen", "Grunnkurs i IPS", "IPS ressurssenter Nord"):
        assert shown in page
    assert "02.03.2026" in page and "04.03.2026" in page
    user = certificate.registration.user
    for hidden in (user.email, org_a.name, "Jobbspesialist", certificate.pdf.name):
        assert hidden not in page, hidden
    assert f"/min-side/kursbevis/{certificate.pk}" not in page


def test_unknown_code_is_404_with_a_clear_message(client, db):
    for code in ("ZZZZ-ZZZZ-ZZZZ-ZZZZ", "not-a-code"):
        response = client.get(verify_url(code))
        assert response.status_code == 404
        assert shows(response, "No certificate has this code. Check that it is typed correctly.")


def test_the_empty_form_is_200(client, db):
    response = client.get("/certificates/verify/")
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_rate_limit_after_30_lookups_a_minute_from_one_address(client, certificate, clock):
    minute = timezone.now().replace(second=5, microsecond=0)
    with clock(minute):
        for i in range(VERIFY_LIMIT):
            code = certificate.code if i % 2 else "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
            assert client.get(verify_url(code)).status_code in (200, 404), i
        response = client.get(verify_url(certificate.code))
        assert response.status_code == 429
        assert shows(response, "Too many lookups. Please wait a minute and try again.")
        assert "Ingrid" not in response.content.decode()
        # Another address is not limited.
        other = client.get(verify_url(certificate.code), REMOTE_ADDR="10.0.0.2")
        assert other.status_code == 200
    with clock(minute + timedelta(minutes=1)):
        assert client.get(verify_url(certificate.code)).status_code == 200
    assert VERIFY_LIMIT == 30
