"""Every role's main pages in a real browser: no axe violations at WCAG 2.1 A and AA, no
sideways scrolling at 320 px, no markup in the title; on a phone (390x844) and a desktop, in
Norwegian and English."""

import pytest

from .conftest import DESKTOP, PHONE, report
from .world import build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(live_server):
    return build()


def both(visitor, path, name=None):
    """The page on a phone in Norwegian and on a desktop in English."""
    visitor.check(path, viewport=PHONE, name=name)
    visitor.check("/en" + path, viewport=DESKTOP, name=name and f"{name}-en")


def test_anonymous(world, visit):
    v = visit()
    for path, name in [
        ("/", "home"),
        ("/kurs/", "catalogue"),
        ("/nord/", None),
        (world.course.url_path.removeprefix("/home"), "course"),
        (world.advanced_course.url_path.removeprefix("/home"), None),
        (f"/kurs/pamelding/{world.run.pk}/", "run"),
        ("/om/", None),
        ("/personvern/", None),
        ("/tilgjengelighet/", "accessibility-statement"),
        ("/accounts/login/", "login"),
        ("/accounts/signup/", None),
        ("/accounts/password/reset/", None),
        ("/certificates/verify/", None),
    ]:
        both(v, path, name)
    v.check("/finnes-ikke/", status=404)
    report(v)


def test_participant(world, visit):
    v = visit(world.participant, "participant")
    for path, name in [
        ("/min-side/", "participant-my-page"),
        ("/min-side/kurs/", "participant-my-courses"),
        ("/min-side/profil/", None),
        ("/min-side/arbeidsgiver/", None),
        ("/min-side/slett-konto/", None),
        (f"/min-side/kurs/{world.registration.pk}/avmeld/", "participant-cancel-confirm"),
        (f"/kurs/pamelding/{world.run.pk}/", "participant-run"),
        (f"/kurs/pamelding/{world.offer_run.pk}/", None),
        (f"/innsjekk/{world.session.pk}/", None),
    ]:
        both(v, path, name)
    report(v)


def test_waitlisted_with_offer(world, visit):
    v = visit(world.waitlisted, "waitlisted")
    both(v, world.offer_path, "offer")
    both(v, "/min-side/kurs/")
    report(v)


def test_coordinator(world, visit):
    v = visit(world.coordinator, "coordinator")
    org = world.organisation.pk
    for path, name in [
        ("/organisasjon/", "coordinator-organisations"),
        (f"/organisasjon/{org}/", "coordinator-organisation"),
        (f"/organisasjon/{org}/pameldinger/", None),
        (f"/organisasjon/{org}/dekning/", None),
        (f"/organisasjon/{org}/opplaering/", "coordinator-readiness"),
        (f"/organisasjon/{org}/oppmote/{world.past_run.pk}/", None),
        (f"/kurs/pamelding/{world.run.pk}/kolleger/", None),
        (f"/kurs/pamelding/{world.run.pk}/", "coordinator-run"),
    ]:
        both(v, path, name)
    report(v)


def test_organiser(world, visit):
    """The organiser (and the instructor, who has no pages of their own yet)."""
    v = visit(world.organiser, "organiser")
    run, session = world.past_run.pk, world.session.pk
    for path, name in [
        (f"/arrangor/kurs/{run}/", "organiser-run"),
        (f"/arrangor/kurs/{run}/okt/{session}/", "organiser-register"),
        (f"/arrangor/kurs/{run}/okt/{session}/innsjekk/", "organiser-checkin"),
        (f"/arrangor/kurs/{run}/deltakere/", None),
        (f"/arrangor/kurs/{run}/meldinger/", None),
        (f"/arrangor/kurs/{run}/evaluering/", None),
        ("/arrangor/", None),
    ]:
        both(v, path, name)
    # Our own pages in the Wagtail admin, in the admin's own language setting.
    for path in ("/admin/reports/my-runs/", "/admin/reports/evaluations/"):
        v.check(path, viewport=DESKTOP)
        v.check(path, viewport=PHONE)
    report(v)


def test_napha(world, visit):
    v = visit(world.napha, "napha")
    v.check("/admin/reports/participation/", viewport=DESKTOP, name="napha-report")
    v.check("/admin/reports/participation/", viewport=PHONE)
    for path in ("/admin/reports/evaluations/national/", "/admin/training/readiness/"):
        v.check(path, viewport=DESKTOP)
        v.check(path, viewport=PHONE)
    report(v)
