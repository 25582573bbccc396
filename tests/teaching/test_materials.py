"""Course materials: documents of the provider's private collection attached to a run, served
through Wagtail's serve view only to the run's organisers and instructors and, once visible,
to its confirmed participants; listed in My courses and linked from the reminder."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection

from calendars.reminders import send_due_reminders
from cms.groups import private_collection
from courses.models import OSLO
from enrollment.services.registration import register
from teaching.models import RunMaterial, Visibility
from tests.factories import make_participant, make_run
from tests.mail import outbox

Document = get_document_model()
START = datetime(2026, 5, 4, 12, 0, tzinfo=OSLO)  # the run's first day is 14.05.2026


def document(collection, name):
    return Document.objects.create(
        title=name,
        file=ContentFile(b"%PDF-1.4 " + name.encode(), name=f"{name}.pdf"),
        collection=collection,
    )


@pytest.fixture(autouse=True)
def files_on_disk(settings, tmp_path):
    """Wagtail's serve view sends a local file (as in production), not one in memory."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def run_a(clock, course_a):
    clock.move_to(START)
    return make_run(course_a, 10, title="Nord vår", capacity=1)


@pytest.fixture
def pre_reading(run_a, provider_a):
    doc = document(private_collection(provider_a), "forlesing")
    return RunMaterial.objects.create(
        run=run_a, document=doc, visibility=Visibility.BEFORE, days_before=3
    )


@pytest.fixture
def slides(run_a, provider_a):
    doc = document(private_collection(provider_a), "lysbilder")
    return RunMaterial.objects.create(run=run_a, document=doc, visibility=Visibility.AFTER)


@pytest.fixture
def waitlisted(run_a, participant_a, employer):
    person = make_participant(employer)
    register(run_a, person)
    return person


def fetch(client, user, material):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(material.document.url)


def test_each_role_by_date(
    request,
    client,
    clock,
    run_a,
    pre_reading,
    slides,
    participant_a,
    waitlisted,
    instructor_a,
    instructor_b,
    editor_a,
    editor_b,
    coordinator,
):
    def status(who, material):
        return fetch(client, request.getfixturevalue(who) if who else None, material).status_code

    teachers = ["editor_a", "instructor_a"]
    others = ["waitlisted", "instructor_b", "editor_b", "coordinator"]
    # Ten days before: only the run's teachers.
    for material in (pre_reading, slides):
        for who in teachers:
            assert status(who, material) == 200, who
        for who in ["participant_a", *others]:
            assert status(who, material) == 404, who
        assert status(None, material) == 302  # sign in first
    # Three days before (from midnight): the pre-reading for the confirmed participant.
    clock.move_to(datetime(2026, 5, 11, 0, 1, tzinfo=OSLO))
    assert status("participant_a", pre_reading) == 200
    assert status("participant_a", slides) == 404
    for who in others:
        assert status(who, pre_reading) == 404, who
    # After the last session: the slides too.
    clock.move_to(datetime(2026, 5, 14, 15, 31, tzinfo=OSLO))
    assert status("participant_a", slides) == 200
    assert fetch(client, participant_a, slides).getvalue() == b"%PDF-1.4 lysbilder"
    for who in others:
        assert status(who, slides) == 404, who


def test_a_private_document_on_no_run_is_for_its_editors_only(
    client, provider_a, editor_a, participant_a
):
    doc = document(private_collection(provider_a), "utkast")
    client.force_login(participant_a)
    assert client.get(doc.url).status_code == 404
    client.force_login(editor_a)
    assert client.get(doc.url).status_code == 200


def test_public_documents_stay_public(client, provider_a):
    doc = document(Collection.get_first_root_node(), "brosjyre")
    assert client.get(doc.url).status_code == 200


def test_only_the_private_collection_can_be_attached(run_a, provider_a, provider_b):
    public = document(Collection.get_first_root_node(), "offentlig")
    other = document(private_collection(provider_b), "vest")
    for doc in (public, other):
        with pytest.raises(ValidationError):
            RunMaterial(run=run_a, document=doc).full_clean()
    RunMaterial(run=run_a, document=document(private_collection(provider_a), "ok")).full_clean()


def test_listed_in_my_courses_when_visible(
    client, clock, run_a, pre_reading, slides, participant_a, waitlisted
):
    client.force_login(participant_a)
    page = client.get(reverse("my_courses")).content.decode()
    assert pre_reading.document.url not in page
    clock.move_to(datetime(2026, 5, 12, 8, 0, tzinfo=OSLO))
    page = client.get(reverse("my_courses")).content.decode()
    assert pre_reading.document.url in page and slides.document.url not in page
    client.force_login(waitlisted)
    assert pre_reading.document.url not in client.get(reverse("my_courses")).content.decode()


def test_reminder_links_the_visible_materials(clock, run_a, pre_reading, slides, participant_a):
    clock.move_to(datetime(2026, 5, 13, 9, 30, tzinfo=OSLO))  # one day before
    send_due_reminders()
    (reminder,) = outbox(to=participant_a, kind="reminder")
    assert pre_reading.document.url in reminder.body_text
    assert pre_reading.document.url in reminder.body_html
    assert slides.document.url not in reminder.body_text
