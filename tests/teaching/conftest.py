import pytest

from enrollment.services.registration import register
from organisations.models import MembershipRole, Organisation
from tests.factories import make_participant, make_person, make_run


def name_instructor(run, person):
    """As saving the run's edit form does (the parental M2M writes on save)."""
    run.instructors.add(person)
    run.save()


@pytest.fixture
def run_a(course_a):
    return make_run(course_a, 20, title="Nord vår")


@pytest.fixture
def run_b(course_b):
    return make_run(course_b, 20, title="Vest vår")


@pytest.fixture
def instructor_a(run_a):
    """A NAPHA colleague teaching run A; no editor rights anywhere."""
    person = make_person(first_name="Ingrid", last_name="Instruktør", email="ingrid@napha.no")
    name_instructor(run_a, person)
    return person


@pytest.fixture
def instructor_b(run_b):
    person = make_person(first_name="Per", last_name="Lærer", email="per@example.no")
    name_instructor(run_b, person)
    return person


@pytest.fixture
def employer(db):
    return Organisation.objects.create(name="Bodø kommune")


@pytest.fixture
def participant_a(run_a, employer):
    person = make_participant(employer, first_name="Åse", last_name="Deltaker")
    register(run_a, person, needs="Glutenfri mat")
    return person


@pytest.fixture
def coordinator(employer):
    return make_person(employer, role=MembershipRole.COORDINATOR, first_name="Kim")
