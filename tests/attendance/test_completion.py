"""Completion rules: 80 % of the scheduled time by default (late counts, excused does not),
a run's own percentage, "all sessions", and the organiser's override with a recorded reason."""

import pytest

from attendance.models import AttendanceStatus, CertificateBatch
from attendance.services.errors import AttendanceError
from attendance.services.register import close_register, override_completion, save_register
from enrollment.models import RegistrationEvent
from tests.factories import make_person

from .conftest import close_url, enrol, flashed, make_sessions_run, override_url, three_sessions

P, L, A, E = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


def keep_register(run, actor, rows):
    """rows: {registration: [status per session]}."""
    for i, session in enumerate(run.ordered_sessions()):
        statuses = {}
        for registration, marks in rows.items():
            mark = marks[i]
            statuses[registration.pk] = (mark, "Syk" if mark == E else "")
        assert save_register(session, statuses, actor=actor) == {}


def completed(*registrations):
    result = []
    for registration in registrations:
        registration.refresh_from_db()
        result.append(registration.completed_at is not None)
    return result


def test_two_of_three_equal_sessions_is_not_enough(organiser, editor_a, course_a, org_a):
    run = make_sessions_run(course_a, three_sessions((6, 6, 6)))
    full, two, late = (enrol(run, make_person(org_a)) for _ in range(3))
    keep_register(run, editor_a, {full: [P, P, P], two: [P, P, A], late: [L, L, L]})
    assert organiser.post(close_url(run)).status_code == 302
    assert completed(full, two, late) == [True, False, True]  # 2/3 ≈ 67 % < 80 %


def test_excused_absence_does_not_count_as_attended(editor_a, course_a, org_a):
    run = make_sessions_run(course_a, three_sessions((4, 4, 2)))
    excused, absent_short = (enrol(run, make_person(org_a)) for _ in range(2))
    keep_register(run, editor_a, {excused: [P, E, P], absent_short: [P, P, A]})
    close_register(run, actor=editor_a)
    assert completed(excused, absent_short) == [False, True]  # 6/10 h; 8/10 h = 80 %


def test_nobody_recorded_means_not_completed(editor_a, past_run, org_a):
    registration = enrol(past_run, make_person(org_a))
    batch = close_register(past_run, actor=editor_a)
    assert completed(registration) == [False]
    assert batch.total == 0


def test_run_with_a_custom_percentage(editor_a, course_a, org_a):
    run = make_sessions_run(course_a, three_sessions((4, 4, 2)), completion_percent=60)
    sixty, forty = (enrol(run, make_person(org_a)) for _ in range(2))
    keep_register(run, editor_a, {sixty: [P, A, P], forty: [P, A, A]})
    close_register(run, actor=editor_a)
    assert completed(sixty, forty) == [True, False]


def test_all_sessions_rule(editor_a, course_a, org_a):
    run = make_sessions_run(course_a, three_sessions((6, 6, 1)), completion_rule="all")
    all_three, missed_short, late_once = (enrol(run, make_person(org_a)) for _ in range(3))
    keep_register(
        run,
        editor_a,
        {all_three: [P, P, P], missed_short: [P, P, A], late_once: [P, L, P]},
    )
    close_register(run, actor=editor_a)
    # 12/13 h would pass the 80 % rule, but this run needs every session.
    assert completed(all_three, missed_short, late_once) == [True, False, True]


def test_reclosing_after_a_correction_recomputes(editor_a, past_run, org_a):
    registration = enrol(past_run, make_person(org_a))
    keep_register(past_run, editor_a, {registration: [P, P, P]})
    close_register(past_run, actor=editor_a)
    assert completed(registration) == [True]
    keep_register(past_run, editor_a, {registration: [A, P, P]})  # 6/10 h
    close_register(past_run, actor=editor_a)
    assert completed(registration) == [False]


def test_override_with_reason_is_recorded(organiser, editor_a, past_run, org_a):
    registration = enrol(past_run, make_person(org_a))
    keep_register(past_run, editor_a, {registration: [P, A, A]})
    close_register(past_run, actor=editor_a)
    assert completed(registration) == [False]

    response = organiser.post(
        override_url(past_run, registration),
        {"completed": "1", "reason": "Tok igjen dag 2 og 3 på neste kurs"},
    )
    assert response.status_code == 302
    assert completed(registration) == [True]
    event = RegistrationEvent.objects.filter(registration=registration).latest("at", "pk")
    assert "Tok igjen dag 2 og 3 på neste kurs" in event.reason
    assert event.actor == editor_a
    # The register was closed, so a certificate batch for this person is started.
    assert CertificateBatch.objects.filter(run=past_run, total=1).exists()

    organiser.post(
        override_url(past_run, registration), {"completed": "0", "reason": "Feilregistrert"}
    )
    assert completed(registration) == [False]
    assert "Feilregistrert" in (
        RegistrationEvent.objects.filter(registration=registration).latest("at", "pk").reason
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_override_without_reason_is_refused(organiser, editor_a, past_run, org_a, reason):
    registration = enrol(past_run, make_person(org_a))
    events = RegistrationEvent.objects.filter(registration=registration).count()
    response = organiser.post(
        override_url(past_run, registration), {"completed": "1", "reason": reason}
    )
    assert response.status_code == 302
    assert flashed(response)
    assert completed(registration) == [False]
    assert RegistrationEvent.objects.filter(registration=registration).count() == events
    with pytest.raises(AttendanceError):
        override_completion(registration, completed=True, reason=reason, actor=editor_a)
