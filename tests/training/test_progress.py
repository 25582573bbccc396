"""Package progress for each kind of step: "one of" several course modules, recommended steps,
and steps required only for some professions; done, booked, on the waitlist or missing; and
which step is next."""

import pytest
from django.utils import timezone

from enrollment.models import Registration, RegistrationStatus
from enrollment.services.registration import cancel
from organisations.models import Organisation
from training.services.certificates import person_progress
from training.services.packages import load_packages
from training.services.progress import progress, registrations_by_user

from .conftest import JS, LE, PEER, TH, booked, completed, past_run, person, upcoming_run

pytestmark = pytest.mark.django_db


def progress_of(user):
    (result,) = person_progress(user)
    return result


def states(result):
    return {s.step.title: s.state for s in result.steps}


def test_any_one_of_the_basic_courses_completes_the_one_of_step(package, courses, tromso):
    north = person(tromso, JS)
    west = person(tromso, JS)
    completed(north, courses["basic_nord"])
    completed(west, courses["basic_vest"])
    assert states(progress_of(north))["Grunnkurs"] == "done"
    assert states(progress_of(west))["Grunnkurs"] == "done"
    assert progress_of(west).steps[0].attempt.course_title == "Grunnkurs i IPS – Vest"


def test_steps_apply_only_to_the_professions_they_name(package, courses, tromso):
    specialist, therapist, leader, peer = (person(tromso, p) for p in (JS, TH, LE, PEER))
    assert list(states(progress_of(specialist))) == ["Grunnkurs", "Nettverkssamling"]
    assert list(states(progress_of(therapist))) == [
        "Grunnkurs",
        "Behandlerkurs",
        "Nettverkssamling",
    ]
    assert list(states(progress_of(leader))) == ["Lederkurs", "Nettverkssamling"]
    # A step that names no profession is for everyone; a peer worker has only that one, and
    # it is recommended: nothing is required, so there is nothing to complete.
    peer_progress = progress_of(peer)
    assert list(states(peer_progress)) == ["Nettverkssamling"]
    assert not peer_progress.has_requirements and not peer_progress.complete


def test_recommended_steps_never_hold_up_completion(package, courses, tromso):
    therapist = person(tromso, TH)
    completed(therapist, courses["basic_nord"])
    result = progress_of(therapist)
    assert not result.complete
    assert result.next_step.step.title == "Behandlerkurs"
    completed(therapist, courses["therapists"])
    result = progress_of(therapist)
    assert result.complete
    assert states(result)["Nettverkssamling"] == "missing"
    # With every required step done, the next step is the recommended one.
    assert result.next_step.step.title == "Nettverkssamling"


def test_booked_waiting_and_missing(package, courses, tromso, bodo):
    specialist = person(tromso, JS)
    other = person(bodo, JS)
    full = upcoming_run(courses["basic_nord"], capacity=1, waitlist_enabled=True)
    booked(other, full)
    booked(specialist, full)  # full: on the waitlist
    assert states(progress_of(specialist))["Grunnkurs"] == "waiting"
    assert states(progress_of(other))["Grunnkurs"] == "booked"
    # Waiting is not booked: the step is still next.
    assert progress_of(specialist).next_step.step.title == "Grunnkurs"
    assert progress_of(other).next_step.step.title == "Nettverkssamling"
    registration = other.registrations.get()
    cancel(registration, actor=other)
    assert states(progress_of(other))["Grunnkurs"] == "missing"


def test_a_booking_on_a_run_closed_without_completion_is_missing_again(package, courses, tromso):
    specialist = person(tromso, JS)
    run = past_run(courses["basic_nord"], 10, register_closed_at=None)
    Registration.objects.create(
        run=run, user=specialist, status=RegistrationStatus.CONFIRMED, profession=JS
    )
    # Course held, register not closed yet: still counted as booked (completion pending).
    assert states(progress_of(specialist))["Grunnkurs"] == "booked"
    type(run).objects.filter(pk=run.pk).update(register_closed_at=timezone.now())
    assert states(progress_of(specialist))["Grunnkurs"] == "missing"


def test_next_step_is_the_first_required_step_neither_done_nor_booked(package, courses, tromso):
    therapist = person(tromso, TH)
    booked(therapist, upcoming_run(courses["basic_vest"]))
    result = progress_of(therapist)
    assert states(result) == {
        "Grunnkurs": "booked",
        "Behandlerkurs": "missing",
        "Nettverkssamling": "missing",
    }
    assert result.next_step.step.title == "Behandlerkurs"
    assert [s.step.title for s in result.missing_required] == ["Behandlerkurs"]


def test_a_person_without_an_employer_grant_has_no_package(package, courses, db):
    org = Organisation.objects.create(name="Uten tilskudd")
    assert person_progress(person(org, JS)) == []
    assert person_progress(person(None, JS)) == []


def test_progress_for_many_people_in_one_query(package, courses, tromso, django_assert_num_queries):
    people = [person(tromso, JS) for _ in range(5)]
    for someone in people[:3]:
        completed(someone, courses["basic_nord"])
    ips = load_packages()["ips"]
    with django_assert_num_queries(1):
        attempts = registrations_by_user([p.pk for p in people], ips.course_ids)
    done = [progress(ips, JS, attempts.get(p.pk, [])).steps[0].state for p in people]
    assert done == ["done", "done", "done", "missing", "missing"]


def test_my_courses_shows_done_booked_and_next(client, package, courses, tromso):
    therapist = person(tromso, TH, first_name="Tove")
    done = completed(therapist, courses["basic_nord"], days_ago=40)
    run = upcoming_run(courses["network"], 20, title="Nettverkssamling Tromsø", number="5501")
    booked(therapist, run)
    client.force_login(therapist)
    page = client.get("/min-side/kurs/")
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "Opplæringspakke IPS" in text
    done_day = timezone.localtime(done.completed_at).strftime("%d.%m.%Y")
    assert f"Grunnkurs</strong>: fullført (Grunnkurs i IPS, {done_day})" in text
    assert "Nettverkssamling</strong> (anbefalt): booket (Nettverkssamling Tromsø)" in text
    assert "Behandlerkurs</strong>: ikke tatt – <strong>neste</strong>" in text
