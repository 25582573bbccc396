"""Calendar subscriptions: the personal feed shows only the owner's confirmed sessions (with
the meeting link), rotating the token kills the old link, and the organiser feed shows only
runs the person may edit."""

from django.urls import reverse

from enrollment.services.registration import cancel, register
from people.models import User
from tests.factories import make_participant, make_run

from .conftest import MEETING_URL, make_digital_run, parse


def _feed(client, name, token):
    return client.get(reverse(name, args=[token]))


def _events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(parse(response.content).walk("VEVENT"))


def test_personal_feed_lists_only_own_confirmed_sessions(client, course_a, course_b):
    mine = make_digital_run(course_a, sessions=2, title="Mitt kurs", capacity=1)
    waiting = make_digital_run(course_a, title="Venteliste", capacity=0)
    dropped = make_digital_run(course_b, title="Avmeldt")
    others = make_digital_run(course_b, title="Andres kurs")
    me, other = make_participant(), make_participant()
    register(mine, me)
    assert register(waiting, me).status == "waitlisted"
    cancel(register(dropped, me), actor=me)
    register(others, other)
    assert register(mine, other).status == "waitlisted"

    events = _events(_feed(client, "personal_feed", me.calendar_token))
    assert sorted(e.decoded("DTSTART") for e in events) == [
        s.starts_at for s in mine.ordered_sessions()
    ]
    assert {str(e["SUMMARY"]) for e in events} == {"Mitt kurs"}
    assert {str(e["LOCATION"]) for e in events} == {MEETING_URL}
    assert all(e["DTSTART"].params["TZID"] == "Europe/Oslo" for e in events)

    theirs = _events(_feed(client, "personal_feed", other.calendar_token))
    assert {str(e["SUMMARY"]) for e in theirs} == {"Andres kurs"}

    assert _feed(client, "personal_feed", "no-such-token").status_code == 404
    assert _feed(client, "organiser_feed", "no-such-token").status_code == 404


def test_rotating_the_token_kills_the_old_link(client, course_a):
    run = make_digital_run(course_a)
    me = make_participant()
    register(run, me)
    old = me.calendar_token
    assert _feed(client, "personal_feed", old).status_code == 200

    client.force_login(me)
    response = client.post(reverse("rotate_calendar_token"))
    assert response.status_code == 302
    new = User.objects.get(pk=me.pk).calendar_token
    assert new and new != old
    client.logout()
    assert _feed(client, "personal_feed", old).status_code == 404
    assert len(_events(_feed(client, "personal_feed", new))) == 1
    # Only by POST, only logged in.
    client.force_login(me)
    assert client.get(reverse("rotate_calendar_token")).status_code == 405


def test_organiser_feed_lists_only_editable_runs(client, course_a, course_b, editor_a):
    published = make_digital_run(course_a, title="Nord publisert")
    draft = make_run(course_a, 40, status="draft", title="Nord utkast")
    cancelled = make_run(course_a, 45, status="cancelled", title="Nord avlyst")
    make_digital_run(course_b, title="Vest publisert")

    events = _events(_feed(client, "organiser_feed", editor_a.calendar_token))
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Nord publisert" in summaries
    assert any(s.endswith("Nord utkast") and s != "Nord utkast" for s in summaries)  # marked
    assert not any("Vest" in s or "avlyst" in s for s in summaries)
    assert len(events) == 2
    draft_event = next(e for e in events if str(e["SUMMARY"]).endswith("utkast"))
    assert str(draft_event["STATUS"]) == "TENTATIVE"
    assert MEETING_URL not in response_text(client, editor_a)
    assert published.pk and draft.pk and cancelled.pk


def response_text(client, user):
    return (
        _feed(client, "organiser_feed", user.calendar_token).content.decode().replace("\r\n ", "")
    )
