"""No page reloads itself (WCAG 2.2.1): the check-in screen and the certificate progress update
in place from a fragment (static/js/live.js), with a pause button and a plain link that works
without JavaScript."""

from attendance.models import CertificateBatch

from .conftest import make_sessions_run, three_sessions


def test_checkin_screen_updates_in_place(organiser, past_run):
    session = past_run.ordered_sessions()[0]
    url = f"/arrangor/kurs/{past_run.pk}/okt/{session.pk}/innsjekk/"
    html = organiser.get(url).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert f'data-live-src="{url}?fragment=1"' in html and 'aria-live="polite"' in html
    assert "data-live-pause" in html and "js/live.js" in html
    assert f'<a href="{url}">' in html  # works without JavaScript
    fragment = organiser.get(url + "?fragment=1")
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "checkin-code" in body and "<html" not in body


def test_checkin_fragment_is_only_for_the_runs_organiser(client, editor_b, past_run):
    session = past_run.ordered_sessions()[0]
    client.force_login(editor_b)
    url = f"/arrangor/kurs/{past_run.pk}/okt/{session.pk}/innsjekk/?fragment=1"
    assert client.get(url).status_code == 404


def test_certificate_progress_updates_in_place_and_stops(organiser, course_a):
    run = make_sessions_run(course_a, three_sessions())
    url = f"/arrangor/kurs/{run.pk}/"
    batch = CertificateBatch.objects.create(run=run, total=4, done=1)
    html = organiser.get(url).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert f'data-live-src="{url}?fragment=1"' in html
    fragment = organiser.get(url + "?fragment=1").content.decode()
    assert "<progress" in fragment and "data-live-done" not in fragment

    batch.done = 4
    batch.finished_at = batch.created_at
    batch.save()
    fragment = organiser.get(url + "?fragment=1").content.decode()
    assert "data-live-done" in fragment and f"/arrangor/kurs/{run.pk}/kursbevis.zip" in fragment
    assert "data-live-src" not in organiser.get(url).content.decode()
