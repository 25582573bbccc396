"""Two tasks done with the keyboard alone, in Chromium: registering for a course, and taking
the attendance list. Only Tab, arrows, Space and Enter; the mouse is never used."""

import pytest

from attendance.models import AttendanceRecord, AttendanceStatus
from enrollment.models import Registration, RegistrationStatus

from .conftest import PHONE
from .world import build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(live_server):
    return build()


def tab_to(page, predicate, limit=80):
    """Press Tab until the focused element matches ``predicate`` (a JS function body taking
    ``el``); fails if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"never reached by Tab: {predicate}")


def test_register_by_keyboard(world, visit, django_user_model):
    person = django_user_model.objects.get(email="deltaker3@ipskurs.no")
    v = visit(person, "participant")
    page = v.page
    page.set_viewport_size(PHONE)
    v.goto(f"/kurs/pamelding/{world.run.pk}/")
    tab_to(page, "el.id === 'id_needs'")
    page.keyboard.type("Vegetar")
    tab_to(page, "el.type === 'submit' && el.closest('form').method === 'post'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/min-side/kurs/")
    registration = Registration.objects.get(run=world.run, user=person)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.needs == "Vegetar"
    # The confirmation is announced in a status region, and the run is under My courses.
    assert page.locator("[role=status]").count() == 1
    assert page.get_by_role("link", name=world.run.display_title).count() >= 1


def test_attendance_list_by_keyboard(world, visit):
    v = visit(world.organiser, "organiser")
    page = v.page
    session = world.session
    v.goto(f"/arrangor/kurs/{world.past_run.pk}/okt/{session.pk}/")
    registrations = list(
        Registration.objects.filter(run=world.past_run, status=RegistrationStatus.CONFIRMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert len(registrations) == 2
    first, second = registrations
    # First participant: the first choice (present) is reached by Tab and chosen with Space.
    tab_to(page, f"el.name === 'status-{first}'")
    page.keyboard.press("Space")
    # Second participant: Tab into the group, then the arrow keys move to "absent".
    tab_to(page, f"el.name === 'status-{second}'")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    chosen = page.evaluate(f"document.querySelector('input[name=status-{second}]:checked').value")
    tab_to(page, "el.type === 'submit' && el.name !== 'all_present'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    records = dict(
        AttendanceRecord.objects.filter(session=session).values_list("registration_id", "status")
    )
    assert records[first] == AttendanceStatus.PRESENT
    assert records[second] == chosen != AttendanceStatus.PRESENT
