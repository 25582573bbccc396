"""Messages to a run's participants: preview, then one email per recipient through the
outbox in their language, with the run's reply-to; stored, logged, shown in My courses and
limited per run and hour."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from courses.models import CourseRun
from enrollment.models import Registration, RegistrationStatus
from enrollment.services.registration import register
from teaching.models import RunMessage
from teaching.services.messages import MessageRefused, send
from tests.factories import make_participant
from tests.mail import outbox

NB = {"subject_nb": "Ta med PC", "body_nb": "Husk å ta med PC til kurset."}
EN = {"subject_en": "Bring a laptop", "body_en": "Remember to bring a laptop."}


@pytest.fixture
def english_participant(run_a, employer):
    person = make_participant(employer, first_name="John", last_name="Smith", language="en")
    register(run_a, person)
    return person


@pytest.fixture
def waiting(run_a, employer):
    CourseRun.objects.filter(pk=run_a.pk).update(capacity=2)
    person = make_participant(employer, first_name="Vera", last_name="Venter")
    register(run_a, person)
    return person


def post(client, run, audience="confirmed", send=True, **fields):
    data = {"audience": audience, **NB, **EN, **fields}
    if send:
        data["send"] = "1"
    else:
        data["preview"] = "1"
    return client.post(reverse("run_messages", args=[run.pk]), data)


def test_preview_sends_nothing_then_each_gets_their_language(
    client, run_a, instructor_a, participant_a, english_participant, provider_a
):
    provider_a.email = "nord@ips.no"
    provider_a.save()
    client.force_login(instructor_a)
    response = post(client, run_a, send=False)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Åse Deltaker" in page and "John Smith" in page and "nord@ips.no" in page
    assert not RunMessage.objects.exists()

    response = post(client, run_a)
    assert response.status_code == 302
    (nb,) = outbox(to=participant_a, kind="run_message")
    (en,) = outbox(to=english_participant, kind="run_message")
    assert nb.language == "nb" and "Ta med PC" in nb.subject and "Husk å ta med PC" in nb.body_text
    assert en.language == "en" and "Bring a laptop" in en.subject
    assert "Remember to bring a laptop" in en.body_text and "Husk" not in en.body_text
    sent = {m.to[0]: m for m in mail.outbox}
    assert sent[participant_a.email].reply_to == ["nord@ips.no"]

    message = RunMessage.objects.get()
    assert set(message.recipients.values_list("user", flat=True)) == {
        participant_a.pk,
        english_participant.pk,
    }
    entry = ModelLogEntry.objects.get(action="teaching.message")
    assert entry.user == instructor_a and entry.data["recipients"] == 2


def test_run_reply_to_wins_and_norwegian_when_no_english(
    client, run_a, editor_a, english_participant
):
    CourseRun.objects.filter(pk=run_a.pk).update(reply_to="kurs@example.no")
    client.force_login(editor_a)
    assert post(client, run_a, subject_en="", body_en="").status_code == 302
    (row,) = outbox(to=english_participant, kind="run_message")
    assert "Ta med PC" in row.subject and "Husk å ta med PC" in row.body_text
    assert mail.outbox[-1].reply_to == ["kurs@example.no"]


def test_audiences_and_a_chosen_subset_of_the_run_only(
    client, run_a, run_b, instructor_a, participant_a, english_participant, waiting
):
    client.force_login(instructor_a)
    assert post(client, run_a, audience="waitlisted").status_code == 302
    assert [m.to for m in outbox(kind="run_message")] == [waiting.email]

    other = make_participant()
    foreign = register(run_b, other)
    response = post(client, run_a, audience="chosen", chosen=[str(foreign.pk)])
    assert response.status_code == 400  # not one of the run's people: the form refuses it
    chosen = Registration.objects.get(user=english_participant)
    assert post(client, run_a, audience="chosen", chosen=[str(chosen.pk)]).status_code == 302
    assert [m.to for m in outbox(kind="run_message")] == [waiting.email, english_participant.email]
    assert not outbox(to=other, kind="run_message")
    # The service, too, only takes the run's own registrations.
    with pytest.raises(MessageRefused):
        send(run_a, sender=instructor_a, audience="chosen", chosen_ids=[foreign.pk], **NB)


def test_attendees_are_those_marked_present(
    client, run_a, instructor_a, participant_a, english_participant
):
    session = run_a.ordered_sessions()[0]
    registration = Registration.objects.get(user=participant_a)
    client.force_login(instructor_a)
    client.post(
        reverse("session_register", args=[run_a.pk, session.pk]),
        {f"status-{registration.pk}": "present"},
    )
    assert post(client, run_a, audience="attendees").status_code == 302
    assert [m.to for m in outbox(kind="run_message")] == [participant_a.email]


def test_bad_input_changes_nothing(client, run_a, instructor_a, participant_a):
    client.force_login(instructor_a)
    response = post(client, run_a, subject_nb="", body_nb="")
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    response = post(client, run_a, audience="waitlisted")  # nobody waits
    assert response.status_code == 409
    assert not RunMessage.objects.exists() and not outbox(kind="run_message")


def test_rate_limit_per_run_and_hour(client, clock, settings, run_a, instructor_a, participant_a):
    settings.RUN_MESSAGES_PER_HOUR = 2
    client.force_login(instructor_a)
    assert post(client, run_a).status_code == 302
    clock.advance(timedelta(minutes=10))
    assert post(client, run_a).status_code == 302
    clock.advance(timedelta(minutes=10))
    response = post(client, run_a)
    assert response.status_code == 409
    assert "2" in response.content.decode()
    assert RunMessage.objects.count() == 2
    clock.advance(timedelta(minutes=41))
    assert post(client, run_a).status_code == 302
    assert RunMessage.objects.count() == 3


@pytest.mark.parametrize("who", ["instructor_b", "participant_a", "editor_b"])
def test_others_cannot_send(request, client, run_a, participant_a, who):
    client.force_login(request.getfixturevalue(who))
    assert post(client, run_a).status_code == 404
    assert not RunMessage.objects.exists()


def test_messages_shown_in_my_courses_in_the_readers_language(
    client, run_a, instructor_a, participant_a, english_participant
):
    client.force_login(instructor_a)
    post(client, run_a)
    client.force_login(participant_a)
    assert "Husk å ta med PC" in client.get(reverse("my_courses")).content.decode()
    client.force_login(english_participant)
    page = client.get("/en" + reverse("my_courses")).content.decode()
    assert "Remember to bring a laptop" in page
    client.force_login(make_participant())
    assert "Husk" not in client.get(reverse("my_courses")).content.decode()
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 2
