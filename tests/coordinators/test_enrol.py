"""A coordinator enrols colleagues: chosen members and typed newcomers, a preview of what will
happen, then one action that follows the self-registration rules. Each person gets one email,
the coordinator one summary."""

from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext

from courses.models import ReservedSeats
from enrollment.models import Registration, RegistrationEvent, RegistrationStatus
from enrollment.services.registration import register
from enrollment.services.waitlist import refresh_run
from organisations.models import Invitation, Membership
from outbox.models import OutgoingMessage
from people.models import User
from people.professions import Profession
from tests.factories import make_person

from .conftest import choose, make_members, messages_to, plan_path, sent_to, shows, text_of

STATUS = RegistrationStatus
PASSWORD = "Fjelltur-i-regnvær-42"


def status_of(run, user):
    return Registration.objects.get(run=run, user=user).status


def assert_one_email_each(people, kinds):
    """Every person got exactly one message of the expected kind, in the outbox table and in
    the delivered mail."""
    for person, kind in zip(people, kinds, strict=True):
        email = getattr(person, "email", person)
        rows = messages_to(email)
        assert [m.kind for m in rows] == [kind], (email, [m.kind for m in rows])
        assert len(sent_to(email)) == 1, email


def test_enrol_page_lists_only_own_members(coord_client, run_factory, org_a, member_b):
    run = run_factory()
    ola = make_person(org_a, first_name="Ola", last_name="Medlem")
    registered = make_person(org_a, first_name="Per", last_name="Påmeldt")
    register(run, registered)

    page = coord_client.get(f"/kurs/pamelding/{run.pk}/kolleger/")

    assert page.status_code == 200
    content = text_of(page)
    assert f'value="{ola.pk}"' in content
    assert "Ola Medlem" in content
    assert f'value="{registered.pk}"' not in content  # already registered: no checkbox
    assert "Per Påmeldt" in content
    assert "Berit Vest" not in content and f'value="{member_b.pk}"' not in content


def test_members_and_newcomer_preview_then_apply(
    coord_client, run_factory, org_a, coordinator_a, capture
):
    run = run_factory(capacity=5, title="Grunnkurs høst")
    ola = make_person(org_a, first_name="Ola", last_name="Medlem", profession=Profession.THERAPIST)
    siri = make_person(org_a, first_name="Siri", last_name="Spesialist")
    newcomer = "Nina Ny; nina.ny@example.no; Behandler"

    response = choose(coord_client, run, [ola, siri], newcomers=newcomer)
    preview_url = plan_path(response)
    assert preview_url.startswith(f"/kurs/pamelding/{run.pk}/kolleger/")

    # The preview tells what will happen and writes nothing.
    preview = coord_client.get(preview_url)
    assert preview.status_code == 200
    content = text_of(preview)
    for text in ("Ola Medlem", "Siri Spesialist", "Nina Ny", "nina.ny@example.no"):
        assert text in content
    assert shows(preview, "gets a seat")
    assert shows(preview, "not a member yet: will be invited, seat held")
    assert 'name="mode"' not in content  # everyone fits: no choice to make
    assert not Registration.objects.exists()
    assert not User.objects.filter(email="nina.ny@example.no").exists()
    assert not OutgoingMessage.objects.exists()

    with capture():
        applied = coord_client.post(preview_url, {"mode": "fit"})

    assert applied.status_code == 302
    assert applied.url == f"/organisasjon/{org_a.pk}/pameldinger/?run={run.pk}"
    nina = User.objects.get(email="nina.ny@example.no")
    assert (nina.first_name, nina.last_name, nina.profession) == ("Nina", "Ny", "therapist")
    assert status_of(run, ola) == STATUS.CONFIRMED
    assert status_of(run, siri) == STATUS.CONFIRMED
    assert status_of(run, nina) == STATUS.OFFERED
    for registration in Registration.objects.filter(run=run):
        assert registration.enrolled_by == coordinator_a
        assert registration.employer == org_a
        event = RegistrationEvent.objects.get(registration=registration)
        assert event.actor == coordinator_a

    assert_one_email_each([ola, siri, nina], ["confirmed", "confirmed", "enrolled_invite"])
    [summary] = messages_to(coordinator_a)
    assert summary.kind == "team_summary"
    assert len(sent_to(coordinator_a.email)) == 1
    for name in ("Ola Medlem", "Siri Spesialist", "Nina Ny"):
        assert name in summary.body_text
    assert len(mail.outbox) == 4

    # The plan is used up: applying it again is not possible.
    assert coord_client.post(preview_url, {"mode": "fit"}).status_code == 404
    assert Registration.objects.filter(run=run).count() == 3

    # The overview the coordinator lands on shows the three.
    overview = coord_client.get(applied.url)
    assert overview.status_code == 200
    for name in ("Ola Medlem", "Siri Spesialist", "Nina Ny"):
        assert name in text_of(overview)


def test_team_that_does_not_fit_mode_fit(coord_client, run_factory, org_a, coordinator_a, capture):
    run = run_factory(capacity=3)
    team = make_members(org_a, 5)

    preview_url = plan_path(choose(coord_client, run, team))
    preview = coord_client.get(preview_url)
    assert preview.status_code == 200
    assert 'name="mode" value="fit"' in preview.content.decode()
    assert 'name="mode" value="waitlist_all"' in preview.content.decode()
    assert shows(
        preview,
        "Not everyone fits: %(seats)s get a seat now and %(waiting)s would wait. What do you want?",
        seats=3,
        waiting=2,
    )

    planned = {e.email: e.outcome for e in preview.context["entries"]}
    assert sorted(planned.values()) == ["confirmed"] * 3 + ["waitlisted"] * 2

    with capture():
        assert coord_client.post(preview_url, {"mode": "fit"}).status_code == 302

    # What the preview promised is what happened, person by person.
    result = {p.email: status_of(run, p) for p in team}
    assert result == planned
    assert_one_email_each(team, [result[p.email] for p in team])
    [summary] = messages_to(coordinator_a, "team_summary")
    assert len(messages_to(coordinator_a)) == 1
    whole_team = gettext("As you chose, the whole team is on the waitlist because it did not fit.")
    assert whole_team not in summary.body_text
    assert len(mail.outbox) == 6


def test_team_that_does_not_fit_waitlist_all(
    coord_client, run_factory, org_a, coordinator_a, capture
):
    run = run_factory(capacity=3)
    team = make_members(org_a, 5)
    preview_url = plan_path(choose(coord_client, run, team))

    with capture():
        assert coord_client.post(preview_url, {"mode": "waitlist_all"}).status_code == 302

    assert [status_of(run, person) for person in team] == [STATUS.WAITLISTED] * 5
    assert_one_email_each(team, ["waitlisted"] * 5)
    [summary] = messages_to(coordinator_a)
    assert summary.kind == "team_summary"
    whole_team = gettext("As you chose, the whole team is on the waitlist because it did not fit.")
    assert whole_team in summary.body_text
    # The three free seats stay free (nobody was waiting before the team).
    assert not Registration.objects.filter(run=run, status=STATUS.CONFIRMED).exists()


def test_waitlist_all_for_a_team_that_fits_enrols_everyone(
    coord_client, run_factory, org_a, capture
):
    run = run_factory(capacity=3)
    team = make_members(org_a, 3)
    preview_url = plan_path(choose(coord_client, run, team))

    with capture():
        coord_client.post(preview_url, {"mode": "waitlist_all"})

    assert [status_of(run, person) for person in team] == [STATUS.CONFIRMED] * 3


def test_team_follows_reserved_seats_and_employer_cap(coord_client, run_factory, org_a, capture):
    """The same rules as self-registration: seats reserved for leaders are not given to job
    specialists, and the employer cap counts the team."""
    now = timezone.now()
    run = run_factory(capacity=4, employer_cap=2)
    ReservedSeats.objects.create(
        run=run, profession=Profession.LEADER, seats=1, release_at=now + timedelta(days=10)
    )
    specialists = make_members(org_a, 3)

    preview_url = plan_path(choose(coord_client, run, specialists))
    with capture():
        coord_client.post(preview_url, {"mode": "fit"})

    assert [status_of(run, p) for p in specialists] == [
        STATUS.CONFIRMED,
        STATUS.CONFIRMED,
        STATUS.WAITLISTED,
    ]
    assert Registration.objects.filter(run=run, status=STATUS.CONFIRMED).count() == 2


def test_preview_and_apply_against_a_full_run(coord_client, run_factory, org_a, org_b, capture):
    """Seats taken by others between preview and apply: the apply re-plans under the lock."""
    run = run_factory(capacity=2)
    team = make_members(org_a, 2)
    preview_url = plan_path(choose(coord_client, run, team))
    assert shows(coord_client.get(preview_url), "gets a seat")

    for outsider in make_members(org_b, 2):
        register(run, outsider)
    with capture():
        assert coord_client.post(preview_url, {"mode": "fit"}).status_code == 302

    assert [status_of(run, p) for p in team] == [STATUS.WAITLISTED] * 2
    assert Registration.objects.filter(run=run, status=STATUS.CONFIRMED).count() == 2


def test_choosing_nobody_is_an_error(coord_client, run_factory):
    run = run_factory()
    response = choose(coord_client, run, [], newcomers="   ")
    assert response.status_code == 200
    assert shows(response, "Choose at least one colleague.")
    assert not Registration.objects.exists()


def test_bad_newcomer_line_is_named_in_the_preview(coord_client, run_factory, org_a, capture):
    run = run_factory()
    ola = make_person(org_a)
    lines = "Nina Ny; nina.ny@example.no; job_specialist\nPer Feil; per-feil; astronaut"
    preview_url = plan_path(choose(coord_client, run, [ola], newcomers=lines))

    preview = coord_client.get(preview_url)
    content = text_of(preview)
    assert "per-feil" in content and "astronaut" in content
    assert 'method="post"' not in content.split("<table")[1]  # no apply button

    before = (Registration.objects.count(), User.objects.count())
    with capture():
        refused = coord_client.post(preview_url, {"mode": "fit"})
    assert refused.status_code == 409
    assert shows(refused, "Some people cannot be enrolled. Nothing was changed.")
    assert (Registration.objects.count(), User.objects.count()) == before
    assert not OutgoingMessage.objects.exists() and not mail.outbox


def test_typed_lines_are_numbered_as_typed(coord_client, run_factory):
    """The report names the line the coordinator typed: line 1 is 'row 1'."""
    run = run_factory()
    lines = "Per Feil; per-feil; job_specialist\n\nNina Ny; nina.ny@example.no; nope"
    preview = coord_client.get(plan_path(choose(coord_client, run, [], newcomers=lines)))
    rows = preview.context["entries"]
    assert [(e.row, e.email) for e in rows] == [(1, "per-feil"), (3, "nina.ny@example.no")]


# --- newcomers without an account ------------------------------------------------------------


def _enrol_newcomer(client, run, capture, line="Nina Ny; Nina.Ny@example.no; job_specialist"):
    preview_url = plan_path(choose(client, run, [], newcomers=line))
    with capture():
        assert client.post(preview_url, {"mode": "fit"}).status_code == 302
    return User.objects.get(email__iexact="nina.ny@example.no")


def test_newcomer_claims_account_and_confirms_seat(
    coord_client, run_factory, org_a, coordinator_a, capture
):
    run = run_factory(capacity=1)
    before = timezone.now()
    nina = _enrol_newcomer(coord_client, run, capture)

    # An account with no usable password, a membership in A, an invitation, a held seat.
    assert nina.email == "nina.ny@example.no"
    assert not nina.has_usable_password() and nina.last_login is None
    membership = Membership.objects.current().get(user=nina)
    assert membership.organisation == org_a
    invitation = Invitation.objects.get(email="nina.ny@example.no")
    assert invitation.organisation == org_a and invitation.invited_by == coordinator_a
    assert invitation.accepted_at is None
    registration = Registration.objects.get(run=run, user=nina)
    assert registration.status == STATUS.OFFERED
    assert registration.enrolled_by == coordinator_a
    assert before < registration.offer_expires_at <= run.starts_at
    assert registration.offer_expires_at <= before + timedelta(
        hours=run.offer_window_hours, minutes=1
    )

    # One email, with the link to claim the account.
    [message] = messages_to(nina)
    assert message.kind == "enrolled_invite"
    assert f"/invitasjon/{invitation.token}/" in message.body_text
    [delivered] = sent_to(nina.email)
    assert f"/invitasjon/{invitation.token}/" in delivered.body
    assert timezone.localtime(registration.offer_expires_at).strftime("%d.%m.%Y %H:%M") in (
        message.body_text
    )

    # The link, anonymously: a form to choose a password.
    browser = Client()
    claim = browser.get(f"/invitasjon/{invitation.token}/")
    assert claim.status_code == 200
    assert 'name="new_password1"' in claim.content.decode()
    assert "nina.ny@example.no" in claim.content.decode()

    # Mismatched passwords: the form again, nothing changed.
    bad = browser.post(
        f"/invitasjon/{invitation.token}/",
        {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"},
    )
    assert bad.status_code == 200
    nina.refresh_from_db()
    assert not nina.has_usable_password()

    claimed = browser.post(
        f"/invitasjon/{invitation.token}/",
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert claimed.status_code == 302
    assert claimed.url == "/min-side/profil/"
    assert browser.session["_auth_user_id"] == str(nina.pk)
    nina.refresh_from_db()
    assert nina.check_password(PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_by == nina
    # The link is single use.
    assert Client().get(f"/invitasjon/{invitation.token}/").status_code == 410

    # Still only held until the profile is complete.
    assert status_of(run, nina) == STATUS.OFFERED
    assert browser.get("/min-side/profil/").status_code == 200
    with capture():
        saved = browser.post(
            "/min-side/profil/",
            {
                "first_name": "Nina",
                "last_name": "Nysted",
                "profession": Profession.JOB_SPECIALIST,
                "phone": "",
                "preferred_language": "nb",
            },
        )
    assert saved.status_code == 302
    assert saved.url == "/min-side/kurs/"
    registration.refresh_from_db()
    assert registration.status == STATUS.CONFIRMED
    assert registration.confirmed_at is not None
    assert [m.kind for m in messages_to(nina)] == ["enrolled_invite", "confirmed"]
    my_courses = browser.get("/min-side/kurs/")
    assert run.display_title in text_of(my_courses)


def test_unclaimed_seat_expires_and_passes_on(coord_client, run_factory, org_a, org_b, capture):
    run = run_factory(capacity=1)
    nina = _enrol_newcomer(coord_client, run, capture)
    held = Registration.objects.get(run=run, user=nina)
    waiting_person = make_person(org_b)
    waiting = register(run, waiting_person)
    assert waiting.status == STATUS.WAITLISTED

    # Nothing happens before the deadline.
    assert refresh_run(run.pk, now=held.offer_expires_at - timedelta(minutes=1)) == []
    assert status_of(run, nina) == STATUS.OFFERED

    later = held.offer_expires_at + timedelta(minutes=1)
    with capture():
        offered = refresh_run(run.pk, now=later)

    assert status_of(run, nina) == STATUS.EXPIRED
    assert [r.user for r in offered] == [waiting_person]
    assert status_of(run, waiting_person) == STATUS.OFFERED
    assert [m.kind for m in messages_to(waiting_person)] == ["waitlisted", "offered"]
    assert "offer_expired" in [m.kind for m in messages_to(nina)]


def test_newcomer_on_the_waitlist_gets_the_invite(coord_client, run_factory, org_a, capture):
    run = run_factory(capacity=1)
    register(run, make_person(org_a))
    nina = _enrol_newcomer(coord_client, run, capture)

    assert status_of(run, nina) == STATUS.WAITLISTED
    [message] = messages_to(nina)
    assert message.kind == "enrolled_invite"
    assert "/invitasjon/" in message.body_text
