"""Content-Security-Policy and Permissions-Policy: strict on the site (no inline script or
style anywhere in its templates), looser where the Wagtail and Django admins need it."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Not served to browsers as pages (emails, PDFs) or only under /admin/ (looser policy; the
# report charts are included only by admin pages).
NOT_SITE = (
    "email",
    "admin",
    "certificate.html",
    "readiness_pdf.html",
    "_bars.svg.html",
    "national.html",
    "provider.html",
)
INLINE = re.compile(r"""<style|<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=|javascript:""", re.I)


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/kurs/", "/accounts/login/", "/en/kurs/", "/nope/"])
def test_site_pages_have_the_strict_policy(client, site, url):
    response = client.get(url)
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "data:" in policy["img-src"]  # QR codes on the check-in screen
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions


def test_the_admin_works_under_its_own_policy(client, superuser, site):
    client.force_login(superuser)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-inline'" in policy["style-src"]
    assert "blob:" in policy["img-src"]
    assert response["Permissions-Policy"]


@pytest.mark.django_db(False)
def test_site_templates_have_no_inline_script_or_style():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        relative = path.relative_to(TEMPLATES)
        if any(part in NOT_SITE for part in relative.parts):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if INLINE.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()[:80]}")
    assert offenders == []
