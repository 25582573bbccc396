"""A property test: random sequences of registrations, cancellations, answers, expiries,
capacity changes, priorities and the passing of time keep the seat rules true after every step.

The clock is fake: every service is called with ``now=``. Each run of the state machine works
inside a savepoint that is rolled back afterwards.
"""

import contextlib
from collections import Counter
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from courses.models import CourseRun, ReservedSeats
from courses.setup import ensure_site
from enrollment.models import (
    ALLOWED_TRANSITIONS,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
)
from enrollment.services.errors import EnrollmentError
from enrollment.services.registration import cancel, change_capacity, register, set_priority
from enrollment.services.waitlist import accept_offer, decline_offer, offer_cutoff, refresh_run
from people.professions import Profession
from tests.factories import UserFactory, make_course, make_participant, make_provider

from .conftest import make_course_run, make_employer

JS, TH, LEADER = Profession.JOB_SPECIALIST, Profession.THERAPIST, Profession.LEADER
S = RegistrationStatus


class WaitlistMachine(RuleBasedStateMachine):
    course = people = admin = None  # set by the TestCase

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.clock = timezone.now()
        self.before = set()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize(
        capacity=st.integers(1, 4),
        employer_cap=st.sampled_from([None, 1, 2]),
        reserved=st.sampled_from([0, 1, 2]),
        release_hours=st.integers(1, 120),
    )
    def make_run(self, capacity, employer_cap, reserved, release_hours):
        self.run = make_course_run(
            self.course, days_ahead=90, capacity=capacity, employer_cap=employer_cap
        )
        if reserved:
            ReservedSeats.objects.create(
                run=self.run,
                profession=TH,
                seats=reserved,
                release_at=self.clock + timedelta(hours=release_hours),
            )
        self.cutoff = offer_cutoff(self.run)

    # -- helpers -----------------------------------------------------------------------------

    def regs(self, *statuses):
        return list(Registration.objects.filter(run=self.run, status__in=statuses).order_by("pk"))

    def holders(self):
        return [
            r
            for r in self.regs(S.CONFIRMED, S.OFFERED)
            if r.status == S.CONFIRMED or r.offer_expires_at > self.clock
        ]

    def run_row(self):
        return CourseRun.objects.get(pk=self.run.pk)

    def tick(self, seconds=1):
        self.clock += timedelta(seconds=seconds)

    def attempt(self, fn, *args, **kwargs):
        self.before = {r.pk for r in self.holders()}
        with contextlib.suppress(EnrollmentError):
            fn(*args, **kwargs)

    # -- rules -------------------------------------------------------------------------------

    @rule(i=st.integers(0, 11))
    def register(self, i):
        self.tick()
        self.attempt(register, self.run, self.people[i], now=self.clock)

    @rule(data=st.data())
    def cancel(self, data):
        active = self.regs(S.CONFIRMED, S.WAITLISTED, S.OFFERED)
        if active:
            reg = data.draw(st.sampled_from(active))
            self.attempt(cancel, reg, actor=reg.user, now=self.clock)

    @rule(data=st.data(), accept=st.booleans())
    def answer(self, data, accept):
        offered = self.regs(S.OFFERED)
        if offered:
            reg = data.draw(st.sampled_from(offered))
            fn = accept_offer if accept else decline_offer
            self.attempt(fn, reg, now=self.clock, actor=reg.user)

    @rule(data=st.data())
    def expire(self, data):
        offered = self.regs(S.OFFERED)
        if offered:
            reg = data.draw(st.sampled_from(offered))
            self.clock = max(self.clock, reg.offer_expires_at + timedelta(seconds=1))
            self.attempt(refresh_run, self.run.pk, now=self.clock)

    @rule(hours=st.integers(1, 60))
    def time_passes(self, hours):
        """Also releases reservations when their time comes."""
        self.tick(hours * 3600)
        self.attempt(refresh_run, self.run.pk, now=self.clock)

    @rule(extra=st.integers(-1, 3))
    def change_capacity(self, extra):
        taken = len(self.holders())
        self.attempt(
            change_capacity, self.run, max(1, taken + extra), actor=self.admin, now=self.clock
        )

    @rule(data=st.data(), priority=st.integers(0, 2))
    def set_priority(self, data, priority):
        waiting = self.regs(S.WAITLISTED)
        if waiting:
            reg = data.draw(st.sampled_from(waiting))
            self.attempt(
                set_priority, reg, priority, actor=self.admin, reason="Viktig", now=self.clock
            )

    # -- invariants --------------------------------------------------------------------------

    def _reserved(self):
        return {
            r.profession: r.seats
            for r in ReservedSeats.objects.filter(run=self.run, release_at__gt=self.clock)
        }

    @invariant()
    def within_capacity_and_no_stale_offers(self):
        if not hasattr(self, "run"):
            return
        run = self.run_row()
        holders = self.holders()
        assert len(holders) <= run.capacity
        for reg in self.regs(S.OFFERED):
            assert reg.offer_expires_at > self.clock, "an expired offer was left in place"
            assert reg.offer_expires_at <= self.cutoff

    @invariant()
    def one_active_registration_each(self):
        if not hasattr(self, "run"):
            return
        dupes = (
            Registration.objects.filter(run=self.run)
            .active()
            .values("user")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not dupes.exists()

    @invariant()
    def new_seats_respect_reservations_and_caps(self):
        if not hasattr(self, "run"):
            return
        run = self.run_row()
        holders = self.holders()
        new = [r for r in holders if r.pk not in self.before]
        reserved = self._reserved()
        by_profession = Counter(r.profession for r in holders)
        by_employer = Counter(r.employer_id for r in holders)
        for reg in new:
            for profession, seats in reserved.items():
                if reg.profession != profession:
                    others = len(holders) - by_profession[profession]
                    assert others <= run.capacity - seats, "a reserved seat was given away"
            if run.employer_cap:
                assert by_employer[reg.employer_id] <= run.employer_cap

    @invariant()
    def every_recorded_move_is_allowed(self):
        """The services only make moves the state machine allows (``transition`` would raise
        otherwise), and the audit trail shows exactly those moves."""
        if not hasattr(self, "run"):
            return
        moves = RegistrationEvent.objects.filter(run=self.run).values_list(
            "from_status", "to_status"
        )
        for from_status, to_status in moves:
            assert to_status in ALLOWED_TRANSITIONS[from_status], (from_status, to_status)

    @invariant()
    def waitlist_in_order(self):
        if not hasattr(self, "run"):
            return
        from enrollment.services.waitlist import position

        waiting = self.regs(S.WAITLISTED)
        expected = sorted(waiting, key=lambda r: (-r.priority, r.waitlisted_at, r.pk))
        assert [position(r) for r in expected] == list(range(1, len(expected) + 1))

    @invariant()
    def free_seats_are_offered(self):
        """Before the cutoff, nobody eligible waits while a seat is free for them."""
        if not hasattr(self, "run") or self.clock >= self.cutoff:
            return
        run = self.run_row()
        holders = self.holders()
        reserved = self._reserved()
        by_profession = Counter(r.profession for r in holders)
        by_employer = Counter(r.employer_id for r in holders)
        for reg in self.regs(S.WAITLISTED):
            unfilled_other = sum(
                max(0, seats - by_profession[p])
                for p, seats in reserved.items()
                if p != reg.profession
            )
            free = run.capacity - len(holders) - unfilled_other
            room = not run.employer_cap or by_employer[reg.employer_id] < run.employer_cap
            assert not (free > 0 and room), f"{reg} waits while a seat is free for them"


class TestWaitlistProperties(TestCase):
    @classmethod
    def setUpTestData(cls):
        home, _catalogue = ensure_site()
        provider = make_provider(home, "IPS ressurssenter Øst", "ost")
        cls.course = make_course(provider, "Grunnkurs i IPS", "grunnkurs-ost")
        employers = [make_employer(f"Arbeidsgiver {n}") for n in range(3)]
        professions = [JS, TH, LEADER, JS]
        cls.people = [
            make_participant(employers[i % 3], profession=professions[i % 4]) for i in range(12)
        ]
        for person in cls.people:
            assert person.current_membership is not None
        cls.admin = UserFactory(email="arrangor@example.no", is_staff=True, is_superuser=True)

    def test_rules_hold_after_every_step(self):
        WaitlistMachine.course = self.course
        WaitlistMachine.people = self.people
        WaitlistMachine.admin = self.admin
        run_state_machine_as_test(
            WaitlistMachine,
            settings=settings(
                # Slower per step on PostgreSQL; the full 30 run on SQLite.
                max_examples=30 if connection.vendor == "sqlite" else 10,
                stateful_step_count=25,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                database=None,
            ),
        )
