"""Providers' certificate templates in the Wagtail admin: listed for those allowed, with a PDF
preview that is never stored; others are refused."""

import pytest
from django.urls import reverse

from attendance.models import Certificate, CertificateTemplate

from .conftest import pdf_text


@pytest.fixture
def template(provider_a):
    return CertificateTemplate.objects.create(
        provider=provider_a,
        signatory_name="Siri Signatur",
        signatory_title="Leder",
        wording_nb="Kurset gir grunnlag for arbeid som jobbspesialist.",
        wording_en="The course qualifies for work as an employment specialist.",
    )


def test_superuser_lists_templates_and_previews_a_pdf(client, superuser, template):
    client.force_login(superuser)
    listing = client.get("/admin/certificate_templates/")
    assert listing.status_code == 200
    assert "IPS ressurssenter Nord" in listing.content.decode()
    url = reverse("certificate_template_preview", args=[template.pk])
    assert url in listing.content.decode()

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for shown in ("Kari Nordmann", "Siri Signatur", "IPS ressurssenter Nord", "jobbspesialist"):
        assert shown in text, shown
    assert not Certificate.objects.exists()


def test_english_preview_uses_the_english_wording(client, superuser, template):
    client.force_login(superuser)
    url = reverse("certificate_template_preview", args=[template.pk])
    text = pdf_text(client.get(url, {"lang": "en"}).content)
    assert "Course certificate" in text
    assert "employment specialist" in text


def test_without_permission_the_preview_is_403(client, editor_a, template):
    client.force_login(editor_a)  # may use the admin, not change certificate templates
    url = reverse("certificate_template_preview", args=[template.pk])
    assert client.get(url).status_code == 403
    listing = client.get("/admin/certificate_templates/")
    assert listing.status_code in (302, 403)
    if listing.status_code == 302:
        assert "certificate_templates" not in listing.url


def test_unknown_template_preview_is_404(client, superuser, db):
    client.force_login(superuser)
    assert client.get(reverse("certificate_template_preview", args=[999999])).status_code == 404


def test_anonymous_is_sent_to_the_admin_login(client, template):
    response = client.get(reverse("certificate_template_preview", args=[template.pk]))
    assert response.status_code == 302
    assert "login" in response.url
