"""A registration request is lean: authenticate, validate, one service call under the run lock,
303. It costs at most 12 SQL queries, session and login included, whatever the run's size; a
refusal costs no more and builds no run page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrollment.models import Registration, RegistrationStatus
from outbox.models import OutgoingMessage
from tests.conftest import use_broker
from tests.factories import make_participant

# Real transactions, as in production: inside a test's own transaction every atomic block
# would add SAVEPOINT and RELEASE statements that a real request does not run.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _post(client, run):
    # An in-memory broker: the request publishes its send task as in production, and the
    # worker's queries are not the request's.
    with use_broker("memory://"), CaptureQueriesContext(connection) as queries:
        response = client.post(f"/kurs/pamelding/{run.pk}/", {"needs": ""})
    return response, queries


def _sql(queries):
    return "\n".join(q["sql"][:200] for q in queries)


@pytest.mark.parametrize("sessions", [1, 3])
def test_a_successful_registration_costs_at_most_12_queries(client, course_a, sessions):
    from tests.calendars.conftest import make_digital_run

    run = make_digital_run(course_a, sessions=sessions, capacity=30)
    for _ in range(10):  # others already registered: the cost does not grow with them
        Registration.objects.create(
            run=run,
            user=make_participant(),
            status=RegistrationStatus.CONFIRMED,
            profession="therapist",
        )
    person = make_participant()
    client.force_login(person)
    response, queries = _post(client, run)
    assert response.status_code == 303 and response["Location"] == "/min-side/kurs/"
    assert Registration.objects.get(run=run, user=person).status == RegistrationStatus.CONFIRMED
    # The confirmation and one short invitation per later session, written in one INSERT.
    assert OutgoingMessage.objects.filter(to=person.email).count() == sessions
    assert len(queries) <= 12, _sql(queries)


def test_a_refused_registration_is_cheap_and_says_why(client, course_a):
    from tests.calendars.conftest import make_digital_run

    run = make_digital_run(course_a, capacity=1, waitlist_enabled=False)
    client.force_login(make_participant())
    assert _post(client, run)[0].status_code == 303
    client.force_login(make_participant())
    response, queries = _post(client, run)
    assert response.status_code == 409
    assert "fullt" in response.content.decode()
    assert len(queries) <= 10, _sql(queries)
