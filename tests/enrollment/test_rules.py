"""The seat rules: reserved seats, employer caps, offer windows and the cutoff, expiry,
capacity changes, priorities, and live availability in the catalogue and the API."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from enrollment.models import Registration, RegistrationEvent, RegistrationStatus
from enrollment.services.availability import seats_left
from enrollment.services.errors import EnrollmentError
from enrollment.services.events import TransitionNotAllowed, transition
from enrollment.services.registration import cancel, change_capacity, register, set_priority
from enrollment.services.waitlist import position, refresh_run
from enrollment.tasks import refresh_waitlists
from people.professions import Profession
from tests.factories import make_participant

from .conftest import messages_to, start_of

JS, TH = Profession.JOB_SPECIALIST, Profession.THERAPIST


def _status(reg):
    reg.refresh_from_db()
    return reg.status


def test_reserved_seats_until_release(run_factory, employer, superuser):
    now = timezone.now()
    release = now + timedelta(days=3)
    run = run_factory(capacity=3, reserved=[(TH, 2, release)])
    js1, js2 = (register(run, make_participant(employer, profession=JS), now=now) for _ in "ab")
    assert js1.status == RegistrationStatus.CONFIRMED
    assert js2.status == RegistrationStatus.WAITLISTED
    th1 = register(run, make_participant(employer, profession=TH), now=now)
    assert th1.status == RegistrationStatus.CONFIRMED
    # One reserved seat is still unfilled, and stays closed to job specialists before release.
    assert seats_left(run, now) == 1
    assert refresh_run(run.pk, now=release - timedelta(minutes=1)) == []
    assert _status(js2) == RegistrationStatus.WAITLISTED
    # After the release the waitlisted job specialist is offered the seat.
    offered = refresh_run(run.pk, now=release + timedelta(minutes=1))
    assert [r.pk for r in offered] == [js2.pk]
    assert _status(js2) == RegistrationStatus.OFFERED
    assert len(messages_to(js2.user, "offered")) == 1


def test_reserved_seats_taken_by_the_profession(run_factory, employer):
    now = timezone.now()
    run = run_factory(capacity=3, reserved=[(TH, 2, now + timedelta(days=3))])
    therapists = [register(run, make_participant(employer, profession=TH), now=now) for _ in "abc"]
    assert [r.status for r in therapists] == ["confirmed"] * 3
    late = register(run, make_participant(employer, profession=JS), now=now)
    assert late.status == RegistrationStatus.WAITLISTED


def test_employer_cap(run_factory):
    run = run_factory(capacity=3, employer_cap=1)
    from .conftest import make_employer

    a, b = make_employer("A"), make_employer("B")
    a1 = register(run, make_participant(a))
    a2 = register(run, make_participant(a))
    b1 = register(run, make_participant(b))
    assert (a1.status, a2.status, b1.status) == ("confirmed", "waitlisted", "confirmed")
    assert seats_left(run) == 1  # free, but not for employer A
    assert refresh_run(run.pk) == []
    cancel(a1, actor=a1.user)
    assert _status(a2) == RegistrationStatus.OFFERED


def test_offer_window_never_past_cutoff(run_factory, employer):
    run = run_factory(capacity=1, days_ahead=4, offer_window_hours=48, offer_cutoff_hours=24)
    cutoff = start_of(4) - timedelta(hours=24)
    holder, waiting = make_participant(employer), make_participant(employer)
    early = cutoff - timedelta(days=2, hours=6)
    register(run, holder, now=early)
    reg = register(run, waiting, now=early)
    # Far from the start: the whole window.
    cancel(Registration.objects.get(user=holder), actor=holder, now=early)
    reg.refresh_from_db()
    assert reg.offer_expires_at == early + timedelta(hours=48)


def test_offer_deadline_is_the_cutoff_near_the_start(run_factory, employer):
    run = run_factory(capacity=1, days_ahead=4, offer_window_hours=48, offer_cutoff_hours=24)
    cutoff = start_of(4) - timedelta(hours=24)
    near = cutoff - timedelta(hours=6)
    holder, waiting = make_participant(employer), make_participant(employer)
    register(run, holder, now=near - timedelta(hours=1))
    reg = register(run, waiting, now=near - timedelta(hours=1))
    cancel(Registration.objects.get(user=holder), actor=holder, now=near)
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.OFFERED
    assert reg.offer_expires_at == cutoff
    assert reg.offer_expires_at == reg.run.starts_at - timedelta(hours=run.offer_cutoff_hours)


def test_no_offers_after_cutoff(run_factory, employer):
    run = run_factory(capacity=1, days_ahead=4, offer_cutoff_hours=24)
    cutoff = start_of(4) - timedelta(hours=24)
    holder, waiting = make_participant(employer), make_participant(employer)
    register(run, holder, now=cutoff - timedelta(hours=2))
    reg = register(run, waiting, now=cutoff - timedelta(hours=2))
    cancel(Registration.objects.get(user=holder), actor=holder, now=cutoff + timedelta(hours=1))
    assert _status(reg) == RegistrationStatus.WAITLISTED
    assert refresh_run(run.pk, now=cutoff + timedelta(hours=2)) == []
    assert not messages_to(waiting, "offered")
    # Someone new after the cutoff does not jump the queue for the free seat.
    late = register(run, make_participant(employer), now=cutoff + timedelta(hours=3))
    assert late.status == RegistrationStatus.WAITLISTED
    assert position(late) == 2


def _offered_run(run_factory, employer, now):
    run = run_factory(capacity=1)
    holder, a, b = (make_participant(employer) for _ in range(3))
    for user in (holder, a, b):
        register(run, user, now=now)
    cancel(Registration.objects.get(user=holder), actor=holder, now=now)
    reg_a, reg_b = (Registration.objects.get(user=u) for u in (a, b))
    assert reg_a.status == RegistrationStatus.OFFERED
    return run, reg_a, reg_b


def test_expiry_by_periodic_task(run_factory, employer):
    now = timezone.now() - timedelta(hours=49)
    _run, reg_a, reg_b = _offered_run(run_factory, employer, now)
    assert reg_a.offer_expires_at < timezone.now()
    assert refresh_waitlists() >= 1
    assert _status(reg_a) == RegistrationStatus.EXPIRED
    assert _status(reg_b) == RegistrationStatus.OFFERED
    assert len(messages_to(reg_a.user, "offer_expired")) == 1
    assert len(messages_to(reg_b.user, "offered")) == 1


def test_expiry_when_the_person_looks_at_my_courses(client, run_factory, employer):
    now = timezone.now() - timedelta(hours=49)
    _run, reg_a, reg_b = _offered_run(run_factory, employer, now)
    client.force_login(reg_a.user)
    response = client.get("/min-side/kurs/")
    assert response.status_code == 200
    assert _status(reg_a) == RegistrationStatus.EXPIRED
    assert _status(reg_b) == RegistrationStatus.OFFERED


def test_change_capacity(run_factory, employer, superuser):
    run = run_factory(capacity=1)
    regs = [register(run, make_participant(employer)) for _ in range(4)]
    assert [r.status for r in regs] == ["confirmed"] + ["waitlisted"] * 3
    change_capacity(run, 3, actor=superuser, reason="Større rom")
    assert [_status(r) for r in regs] == ["confirmed", "offered", "offered", "waitlisted"]
    with pytest.raises(EnrollmentError, match=r"^3 (seats|plasser)"):
        change_capacity(run, 2, actor=superuser)
    run.refresh_from_db()
    assert run.capacity == 3
    change_capacity(run, 3, actor=superuser)  # equal to taken is fine


def test_set_priority_needs_reason_and_reorders(run_factory, employer, superuser):
    run = run_factory(capacity=1)
    register(run, make_participant(employer))
    w1, w2, w3 = (register(run, make_participant(employer)) for _ in range(3))
    assert [position(r) for r in (w1, w2, w3)] == [1, 2, 3]
    with pytest.raises(EnrollmentError):
        set_priority(w3, 1, actor=superuser, reason="  ")
    w3.refresh_from_db()
    assert w3.priority == 0
    set_priority(w3, 1, actor=superuser, reason="Ny jobbspesialist i team")
    for r in (w1, w2, w3):
        r.refresh_from_db()
    assert [position(r) for r in (w3, w1, w2)] == [1, 2, 3]
    assert w3.priority_reason == "Ny jobbspesialist i team"
    assert w3.events.last().actor == superuser
    # The next free seat goes to the prioritised person.
    holder = Registration.objects.get(run=run, status="confirmed")
    cancel(holder, actor=holder.user)
    assert _status(w3) == RegistrationStatus.OFFERED
    assert _status(w1) == RegistrationStatus.WAITLISTED


def test_catalogue_and_api_show_live_availability(client, catalogue, run_factory, employer):
    run = run_factory(capacity=3)
    data = client.get("/api/runs/").json()
    [row] = [r for r in data["results"] if r["id"] == run.pk]
    assert (row["seats_left"], row["waitlist_length"]) == (3, 0)

    for _ in range(4):
        register(run, make_participant(employer))
    data = client.get("/api/runs/").json()
    [row] = [r for r in data["results"] if r["id"] == run.pk]
    assert (row["seats_left"], row["waitlist_length"]) == (0, 1)
    page = client.get("/kurs/").content.decode()
    assert re.search(r"(Full|Fullt)\s*–\s*1 (on the waitlist|på venteliste)", page)

    holder = Registration.objects.filter(run=run, status="confirmed").first()
    cancel(holder, actor=holder.user)  # seat offered to the waitlisted person: still 0 left
    row = next(r for r in client.get("/api/runs/").json()["results"] if r["id"] == run.pk)
    assert (row["seats_left"], row["waitlist_length"]) == (0, 0)
    offered = Registration.objects.get(run=run, status="offered")
    cancel(offered, actor=offered.user)
    row = next(r for r in client.get("/api/runs/").json()["results"] if r["id"] == run.pk)
    assert (row["seats_left"], row["waitlist_length"]) == (1, 0)
    page = client.get("/kurs/").content.decode()
    assert re.search(r"1 (of|av) 3 (seat|plass)", page)


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (RegistrationStatus.CANCELLED, RegistrationStatus.CONFIRMED),
        (RegistrationStatus.EXPIRED, RegistrationStatus.OFFERED),
        (RegistrationStatus.DECLINED, RegistrationStatus.WAITLISTED),
        (RegistrationStatus.WAITLISTED, RegistrationStatus.CONFIRMED),
        (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED),
    ],
)
def test_a_move_the_state_machine_forbids_raises_and_writes_nothing(run_factory, start, to):
    """Cancelled, declined and expired are final, and a waitlisted person is confirmed only
    through an offer: ``transition`` refuses anything else before writing."""
    registration = register(run_factory(capacity=5), make_participant())
    Registration.objects.filter(pk=registration.pk).update(status=start)
    registration.refresh_from_db()
    events = RegistrationEvent.objects.count()
    with pytest.raises(TransitionNotAllowed):
        transition(registration, to, now=timezone.now())
    registration.refresh_from_db()
    assert registration.status == start
    assert RegistrationEvent.objects.count() == events
