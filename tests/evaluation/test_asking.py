"""Closing a register asks those who attended; the link answers once, without the person; a
reminder goes out once, only to those who have not answered; the round closes."""

from datetime import timedelta

from django.utils import timezone

from evaluation.models import Evaluation, Invitation, Response
from evaluation.services.asking import send_follow_ups, send_reminders
from tests.mail import outbox

from .conftest import attendees, close, full_answer, links_by_person, make_questionnaire


def test_closing_the_register_sends_links_only_to_attendees(
    organiser, editor_a, finished_run, questionnaire, employer, capture
):
    came, absent = attendees(
        finished_run, editor_a, employer, ["therapist", "job_specialist"], no_shows=2
    )
    assert organiser.post(f"/arrangor/kurs/{finished_run.pk}/lukk/").status_code == 302
    links = links_by_person()
    assert set(links) == {r.user.email for r in came}
    assert not {r.user.email for r in absent} & set(links)
    # Closing again asks nobody twice.
    close(finished_run, editor_a, capture)
    assert len(outbox(kind="evaluation")) == 2


def test_an_answer_is_stored_without_the_person(
    client, editor_a, finished_run, questionnaire, employer, capture
):
    (registration,), _ = attendees(finished_run, editor_a, employer, ["therapist"])
    close(finished_run, editor_a, capture)
    link = links_by_person()[registration.user.email]
    page = client.get(link)
    assert page.status_code == 200
    content = page.content.decode()
    assert "<fieldset" in content and "<legend>" in content
    assert "Anonym" in content  # the form says the answers are anonymous
    version = Evaluation.objects.get(run=finished_run).version
    choice = next(i for i in version.items if i["kind"] == "multiple")["id"]
    text = next(i for i in version.items if i["kind"] == "text")["id"]
    data = full_answer(version, **{choice: ["0", "2"], text: "Bra kurs"})
    response = client.post(link, data)
    assert response.status_code == 200
    stored = Response.objects.get()
    assert stored.respondent_id is None
    assert stored.profession == "therapist"
    assert stored.county_id == employer.county_id
    assert stored.version == version
    assert stored.answers[choice] == [0, 2] and stored.answers[text] == "Bra kurs"
    # Nothing in the answer names the person, and nothing joins it to the invitation.
    fields = {f.name for f in Response._meta.get_fields()}
    assert not {"user", "invitation", "created_at", "registration"} & fields
    assert Invitation.objects.get().answered is True


def test_the_core_set_comes_first_and_versions_freeze(
    client, editor_a, finished_run, core, questionnaire, employer, capture
):
    (registration,), _ = attendees(finished_run, editor_a, employer, ["therapist"])
    close(finished_run, editor_a, capture)
    version = Evaluation.objects.get(run=finished_run).version
    assert [i["core"] for i in version.items] == [True, True, False, False, False]
    # Editing the questionnaire afterwards does not change what was asked.
    questionnaire.items = [(b.block_type, b.value) for b in list(questionnaire.items)[:1]]
    questionnaire.save()
    version.refresh_from_db()
    assert len(version.items) == 5
    page = client.get(links_by_person()[registration.user.email])
    assert "Andre kommentarer" in page.content.decode()


def test_a_second_answer_is_refused(
    client, editor_a, finished_run, questionnaire, employer, capture
):
    (registration,), _ = attendees(finished_run, editor_a, employer, ["job_specialist"])
    close(finished_run, editor_a, capture)
    link = links_by_person()[registration.user.email]
    version = Evaluation.objects.get().version
    assert client.post(link, full_answer(version)).status_code == 200
    again = client.post(link, full_answer(version, likert_value=1))
    assert again.status_code == 409
    assert "allerede svart" in again.content.decode()
    assert client.get(link).status_code == 409
    assert Response.objects.count() == 1


def test_incomplete_answers_are_shown_again_with_a_message(
    client, editor_a, finished_run, questionnaire, employer, capture
):
    (registration,), _ = attendees(finished_run, editor_a, employer, ["therapist"])
    close(finished_run, editor_a, capture)
    link = links_by_person()[registration.user.email]
    version = Evaluation.objects.get().version
    text = next(i for i in version.items if i["kind"] == "text")["id"]
    recommend = next(i for i in version.items if i["kind"] == "recommend")["id"]
    data = full_answer(version, **{text: "Husk meg"})
    del data[recommend]
    page = client.post(link, data)
    assert page.status_code == 400
    content = page.content.decode()
    assert 'role="alert"' in content
    assert "Husk meg" in content  # nothing is lost
    assert f'href="#q-{recommend}"' in content
    assert Response.objects.count() == 0
    assert Invitation.objects.get().answered is False


def test_tampered_and_expired_links(
    client, clock, editor_a, finished_run, questionnaire, employer, capture
):
    (registration,), _ = attendees(finished_run, editor_a, employer, ["therapist"])
    close(finished_run, editor_a, capture)
    link = links_by_person()[registration.user.email]
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    page = client.get(tampered)
    assert page.status_code == 400
    assert "ikke gyldig" in page.content.decode()
    assert client.get("/evaluering/not-a-token/").status_code == 400
    clock.advance(timedelta(days=22))
    expired = client.get(link)
    assert expired.status_code == 410
    assert "stengt" in expired.content.decode()
    version = Evaluation.objects.get().version
    assert client.post(link, full_answer(version)).status_code == 410
    assert Response.objects.count() == 0


def test_the_reminder_goes_out_once_only_to_those_who_have_not_answered(
    client, clock, editor_a, finished_run, questionnaire, employer, capture
):
    came, _ = attendees(finished_run, editor_a, employer, ["therapist", "job_specialist", "other"])
    close(finished_run, editor_a, capture)
    links = links_by_person()
    version = Evaluation.objects.get().version
    answered = came[0].user
    client.post(links[answered.email], full_answer(version))
    clock.advance(timedelta(days=4))
    with capture():
        assert send_reminders() == 0
    clock.advance(timedelta(days=1, minutes=1))
    with capture():
        assert send_reminders() == 2
    reminded = {m.to for m in outbox(kind="evaluation_reminder")}
    assert reminded == {came[1].user.email, came[2].user.email}
    clock.advance(timedelta(days=1))
    with capture():
        assert send_reminders() == 0
    assert len(outbox(kind="evaluation_reminder")) == 2
    # The reminder's link is the same personal link.
    reminder = outbox(kind="evaluation_reminder", to=came[1].user)[0]
    assert "/evaluering/" in reminder.body_text


def test_my_courses_shows_evaluate_while_open(
    client, clock, editor_a, finished_run, questionnaire, employer, capture
):
    (registration,), _ = attendees(finished_run, editor_a, employer, ["therapist"])
    close(finished_run, editor_a, capture)
    client.force_login(registration.user)
    page = client.get("/min-side/kurs/").content.decode()
    assert "Evaluer dette kurset" in page or "Evaluate this course" in page
    clock.advance(timedelta(days=22))
    page = client.get("/min-side/kurs/").content.decode()
    assert "/evaluering/" not in page


def test_no_round_without_any_questionnaire(editor_a, finished_run, employer, capture):
    attendees(finished_run, editor_a, employer, ["therapist"])
    close(finished_run, editor_a, capture)
    assert not Evaluation.objects.exists()
    assert timezone.now()  # the register still closed without error


def test_follow_up_goes_to_the_same_attendees_after_the_months(
    clock, editor_a, finished_run, questionnaire, employer, capture
):
    follow_up = make_questionnaire(
        [("likert", {"text_nb": "Har du brukt dette i arbeidet?", "required": True})],
        title="Oppfølging",
        provider=questionnaire.provider,
    )
    questionnaire.follow_up = follow_up
    questionnaire.save()
    came, _ = attendees(finished_run, editor_a, employer, ["therapist", "job_specialist"])
    close(finished_run, editor_a, capture)
    clock.advance(timedelta(days=80))
    with capture():
        assert send_follow_ups() == 0
    clock.advance(timedelta(days=15))
    with capture():
        assert send_follow_ups() == 2
        assert send_follow_ups() == 0
    round_ = Evaluation.objects.get(run=finished_run, kind="follow_up")
    assert round_.version.items[-1]["text_nb"] == "Har du brukt dette i arbeidet?"
    assert set(round_.invitations.values_list("user_id", flat=True)) == {r.user_id for r in came}
