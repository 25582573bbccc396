"""Package versions: progress is judged against the version in force when the person started,
unless NAPHA marks a later version as applying to everyone; a version counts only from its
day; NAPHA makes a new version as a copy of an old one."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from cms.groups import ensure_national_group
from courses.models import OSLO
from tests.factories import UserFactory
from training.models import PackageVersion
from training.services.certificates import person_progress
from training.setup import ensure_package_editors

from .conftest import (
    JS,
    TH,
    add_version,
    booked,
    completed,
    person,
    readiness_url,
    tables,
    upcoming_run,
)

pytestmark = pytest.mark.django_db


def v2_steps(c):
    """Version 2: network gatherings become required for job specialists."""
    return [
        ("Grunnkurs", [c["basic_nord"], c["basic_vest"]], [JS, TH], False),
        ("Behandlerkurs", [c["therapists"]], [TH], False),
        ("Nettverkssamling", [c["network"]], [JS], False),
    ]


def version_of(user):
    (result,) = person_progress(user)
    return result.version.number, result.complete


@pytest.fixture
def started_early(package, courses, tromso):
    """A job specialist who signed up for (and completed) the basic course 100 days ago."""
    user = person(tromso, JS, last_name="Tidlig")
    completed(user, courses["basic_nord"], days_ago=70, signed_up=timezone.now() - timedelta(100))
    return user


@pytest.fixture
def started_late(package, courses, tromso):
    """A job specialist who signed up 10 days ago for a basic course next month."""
    user = person(tromso, JS, last_name="Sen")
    booked(user, upcoming_run(courses["basic_nord"], 30))
    return user


def test_people_keep_the_version_in_force_when_they_started(
    package, courses, tromso, started_early, started_late
):
    assert version_of(started_early) == (1, True)
    add_version(package, timezone.localdate() - timedelta(days=30), v2_steps(courses))
    # Started before version 2 came into force: still judged against version 1, so complete.
    assert version_of(started_early) == (1, True)
    # Started after it, or not yet started: version 2, which requires the network gathering.
    assert version_of(started_late) == (2, False)
    newcomer = person(tromso, JS)
    assert version_of(newcomer) == (2, False)
    (result,) = person_progress(newcomer)
    assert [s.step.title for s in result.required] == ["Grunnkurs", "Nettverkssamling"]


def test_a_change_for_everyone_applies_to_those_who_started_earlier(
    package, courses, started_early
):
    add_version(
        package, timezone.localdate() - timedelta(days=30), v2_steps(courses), everyone=True
    )
    assert version_of(started_early) == (2, False)
    (result,) = person_progress(started_early)
    assert result.next_step.step.title == "Nettverkssamling"


def test_a_later_version_not_for_everyone_does_not_undo_one_for_everyone(
    package, courses, started_early
):
    today = timezone.localdate()
    add_version(package, today - timedelta(days=30), v2_steps(courses), everyone=True)
    add_version(package, today - timedelta(days=5), v2_steps(courses)[:1])
    assert version_of(started_early) == (2, False)
    assert version_of(person(started_early.current_membership.organisation, JS)) == (3, False)


def test_a_version_counts_from_its_day(package, courses, tromso, clock):
    coming = timezone.localdate() + timedelta(days=3)
    add_version(package, coming, v2_steps(courses))
    newcomer = person(tromso, JS)
    assert version_of(newcomer) == (1, False)
    clock.move_to(datetime.combine(coming, time(0, 5), tzinfo=OSLO))
    assert version_of(newcomer) == (2, False)


def test_the_readiness_matrix_shows_each_colleague_against_their_own_version(
    client, package, courses, tromso, coordinator, started_early, started_late
):
    add_version(package, timezone.localdate() - timedelta(days=30), v2_steps(courses))
    client.force_login(coordinator)
    page = client.get(readiness_url(tromso))
    (specialists,) = [t for t in tables(page) if t["caption"].startswith("Jobbspesialist")]
    header, *rows = specialists["rows"]
    assert header[:4] == ["Navn", "Versjon", "Grunnkurs", "Nettverkssamling"]
    by_name = {row[0]: row for row in rows}
    early = by_name["Kari Tidlig"]
    # Version 1 has the network gathering as recommended for everyone, so it is shown, and it
    # does not hold the package up.
    assert early[1] == "1" and early[2].startswith("Fullført") and early[3] == "Mangler"
    late = by_name["Kari Sen"]
    assert late[1] == "2" and late[2].startswith("Påmeldt") and late[3] == "Mangler"


# --- NAPHA making a new version -------------------------------------------------------------


def test_new_version_is_a_copy_in_force_from_tomorrow(client, package, courses, superuser):
    v1 = package.versions.get()
    client.force_login(superuser)
    url = f"/admin/training/versions/{v1.pk}/new-version/"
    assert client.get(url).status_code == 200  # asks first; a link changes nothing
    assert package.versions.count() == 1
    response = client.post(url)
    v2 = package.versions.get(number=2)
    assert response.status_code == 302
    assert response.url == f"/admin/snippets/training/packageversion/edit/{v2.pk}/"
    assert v2.valid_from == timezone.localdate() + timedelta(days=1)
    assert not v2.applies_to_everyone

    def shape(version):
        return [
            (
                s.title,
                sorted(c.pk for c in s.courses.all()),
                sorted(p.code for p in s.professions.all()),
                s.recommended,
            )
            for s in version.steps.order_by("sort_order")
        ]

    assert shape(v2) == shape(v1)
    assert client.get(response.url).status_code == 200
    # Nobody is judged against it before its day.
    assert PackageVersion.objects.filter(valid_from__lte=timezone.localdate()).count() == 1


def test_only_package_editors_make_versions(client, package, nord_editor):
    v1 = package.versions.get()
    client.force_login(nord_editor)
    response = client.post(f"/admin/training/versions/{v1.pk}/new-version/")
    assert response.status_code in (302, 403)
    assert package.versions.count() == 1
    listing = client.get("/admin/snippets/training/packageversion/")
    assert listing.status_code in (302, 403)


def test_napha_edits_a_package_version_in_the_admin(client, package, courses, home):
    """NAPHA's national group (with the permissions ``ensure_package_editors`` grants) adds a
    version with its steps in the Wagtail admin form."""
    group = ensure_national_group(home)
    ensure_package_editors()
    editor = UserFactory(email="napha.redaktor@example.no", groups=[group])
    client.force_login(editor)
    add = "/admin/snippets/training/packageversion/add/"
    assert client.get(add).status_code == 200
    day = timezone.localdate() + timedelta(days=10)
    response = client.post(
        add,
        {
            "package": package.pk,
            "valid_from": day.isoformat(),
            "applies_to_everyone": "on",
            "change_note": "Nettverkssamling blir obligatorisk.",
            "steps-TOTAL_FORMS": "2",
            "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "1",
            "steps-MAX_NUM_FORMS": "1000",
            "steps-0-title": "Grunnkurs",
            "steps-0-courses": [courses["basic_nord"].pk, courses["basic_vest"].pk],
            "steps-0-professions": [JS, TH],
            "steps-0-ORDER": "1",
            "steps-1-title": "Nettverkssamling",
            "steps-1-courses": [courses["network"].pk],
            "steps-1-ORDER": "2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    version = package.versions.get(number=2)
    assert (version.valid_from, version.applies_to_everyone) == (day, True)
    steps = list(version.steps.order_by("sort_order"))
    assert [s.title for s in steps] == ["Grunnkurs", "Nettverkssamling"]
    assert {c.pk for c in steps[0].courses.all()} == {
        courses["basic_nord"].pk,
        courses["basic_vest"].pk,
    }
    assert sorted(p.code for p in steps[0].professions.all()) == [JS, TH]
    assert not steps[1].professions.exists() and not steps[1].recommended
    # A second version from the same day is refused with a message, not an error page.
    response = client.post(
        add,
        {
            "package": package.pk,
            "valid_from": day.isoformat(),
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "1",
            "steps-MAX_NUM_FORMS": "1000",
            "steps-0-title": "Grunnkurs",
            "steps-0-courses": [courses["basic_nord"].pk],
            "steps-0-ORDER": "1",
        },
    )
    assert response.status_code == 200
    assert "Denne pakken har allerede en versjon fra den dagen." in response.content.decode()
