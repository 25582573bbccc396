"""Self check-in with a code that changes every 30 seconds: the current and the previous
window's code work, nothing older or forged does, only from 30 minutes before the start until
the end, and only for the run's confirmed participants."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from attendance.models import AttendanceRecord, AttendanceStatus
from attendance.services import checkin
from attendance.services.errors import AttendanceError
from tests.factories import make_person

from .conftest import enrol, make_sessions_run, oslo, shows


@pytest.fixture
def session_day():
    return timezone.localdate() + timedelta(days=14)


@pytest.fixture
def live_session(course_a, session_day):
    """One session 10:00–12:00 on ``session_day``."""
    run = make_sessions_run(course_a, [(session_day, time(10), time(12))])
    return run.ordered_sessions()[0]


@pytest.fixture
def participant(live_session, org_a):
    user = make_person(org_a)
    enrol(live_session.run, user)
    return user


def checkin_url(session, code=None):
    return f"/innsjekk/{session.pk}/" + (f"?code={code}" if code else "")


def test_current_and_previous_window_accepted_older_rejected(live_session, session_day):
    now = oslo(session_day, 10, 5, 10)
    window = checkin.window(now)
    current = checkin.code_for(live_session, window)
    assert checkin.current_code(live_session, now) == current
    assert len(current) == 6 and set(current) <= set(checkin.ALPHABET)
    assert checkin.code_is_valid(live_session, current, now)
    assert checkin.code_is_valid(live_session, checkin.code_for(live_session, window - 1), now)
    assert not checkin.code_is_valid(live_session, checkin.code_for(live_session, window - 2), now)
    assert not checkin.code_is_valid(live_session, checkin.code_for(live_session, window + 5), now)
    # 31 seconds later the code shown now is the previous one: still fine; 61 s: expired.
    assert checkin.code_is_valid(live_session, current, now + timedelta(seconds=31))
    assert not checkin.code_is_valid(live_session, current, now + timedelta(seconds=61))


def test_forged_and_other_sessions_codes_rejected(live_session, course_a, session_day):
    now = oslo(session_day, 10, 5)
    other = make_sessions_run(course_a, [(session_day, time(10), time(12))]).ordered_sessions()[0]
    valid = {checkin.current_code(live_session, now)}
    for forged in ("AAAAAA", "234567", "", "ZZZZZZZ", checkin.current_code(other, now)):
        if forged not in valid:
            assert not checkin.code_is_valid(live_session, forged, now)


def test_typed_code_in_lowercase_with_spaces_accepted(live_session, participant, session_day):
    now = oslo(session_day, 9, 45)
    code = checkin.current_code(live_session, now)
    typed = f" {code[:3].lower()} {code[3:].lower()} "
    record = checkin.check_in(live_session, participant, typed, now=now)
    assert record.status == AttendanceStatus.PRESENT
    assert record.self_check_in


@pytest.mark.parametrize(
    ("hour", "minute", "opens"),
    [(9, 29, False), (9, 30, True), (12, 0, True), (12, 1, False)],
)
def test_check_in_only_from_30_minutes_before_until_the_end(
    live_session, participant, session_day, hour, minute, opens
):
    now = oslo(session_day, hour, minute)
    code = checkin.current_code(live_session, now)
    if opens:
        assert checkin.check_in(live_session, participant, code, now=now)
    else:
        with pytest.raises(AttendanceError) as error:
            checkin.check_in(live_session, participant, code, now=now)
        assert "30" in str(error.value.message)
        assert not AttendanceRecord.objects.exists()


def test_check_in_by_http_present_then_late(client, live_session, participant, session_day, clock):
    client.force_login(participant)
    with clock(oslo(session_day, 10, 14)) as now:
        code = checkin.current_code(live_session, now)
        page = client.get(checkin_url(live_session, code))
        assert page.status_code == 200
        assert f'value="{code}"' in page.content.decode()
        response = client.post(checkin_url(live_session), {"code": code})
    assert response.status_code == 302
    assert response.url == "/min-side/kurs/"
    record = AttendanceRecord.objects.get(session=live_session)
    assert (record.status, record.self_check_in) == (AttendanceStatus.PRESENT, True)
    assert record.registration.user == participant


def test_check_in_after_15_minutes_is_late(client, live_session, participant, session_day, clock):
    client.force_login(participant)
    with clock(oslo(session_day, 10, 16)) as now:
        code = checkin.current_code(live_session, now)
        response = client.post(checkin_url(live_session), {"code": code.lower()})
    assert response.status_code == 302
    assert AttendanceRecord.objects.get(session=live_session).status == AttendanceStatus.LATE


def test_checking_in_twice_keeps_the_first_arrival(
    client, live_session, participant, session_day, clock
):
    client.force_login(participant)
    with clock(oslo(session_day, 10, 0)) as now:
        client.post(checkin_url(live_session), {"code": checkin.current_code(live_session, now)})
    with clock(oslo(session_day, 11, 0)) as now:
        client.post(checkin_url(live_session), {"code": checkin.current_code(live_session, now)})
    assert AttendanceRecord.objects.get(session=live_session).status == AttendanceStatus.PRESENT


def test_http_expired_code_and_closed_window_record_nothing(
    client, live_session, participant, session_day, clock
):
    client.force_login(participant)
    with clock(oslo(session_day, 10, 5)) as now:
        old = checkin.code_for(live_session, checkin.window(now) - 2)
        response = client.post(checkin_url(live_session), {"code": old})
        assert response.status_code == 400
        assert shows(response, "The code is wrong or has expired. Use the code shown now.")
    with clock(oslo(session_day, 9, 0)) as now:
        response = client.post(
            checkin_url(live_session), {"code": checkin.current_code(live_session, now)}
        )
        assert response.status_code == 400
        assert shows(response, "Check-in is open from 30 minutes before the session until it ends.")
    assert not AttendanceRecord.objects.exists()


def test_non_participant_gets_an_error_and_nothing_recorded(
    client, live_session, participant, session_day, org_b, clock
):
    stranger = make_person(org_b)
    client.force_login(stranger)
    with clock(oslo(session_day, 10, 0)) as now:
        response = client.post(
            checkin_url(live_session), {"code": checkin.current_code(live_session, now)}
        )
    assert response.status_code == 400
    assert shows(response, "You are not a confirmed participant of this course.")
    assert not AttendanceRecord.objects.exists()


def test_check_in_needs_login(client, live_session):
    response = client.post(checkin_url(live_session), {"code": "ABCDEF"})
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not AttendanceRecord.objects.exists()
