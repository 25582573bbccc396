"""A batch composes every message exactly as composing it alone would. Within a batch the block
about a run (title, sessions, place, link) is rendered once per run, language and template
(``outbox.composers.memo``): it must not leak between runs or languages."""

import re
from unittest import mock

from django.template import Context, Template
from django.utils import translation

from enrollment.services.registration import register
from enrollment.templatetags import email_blocks
from outbox import composers
from outbox.models import MessageStatus, OutgoingMessage
from outbox.services import BATCH_SIZE, send_due
from tests.calendars.conftest import make_digital_run
from tests.factories import make_participant, make_run


def _calendar(text):
    """The calendar without its DTSTAMP (the moment it was rendered)."""
    return re.sub(r"DTSTAMP:\d{8}T\d{6}Z", "DTSTAMP:", text)


def _two_runs_two_languages(course_a, course_b):
    digital = make_digital_run(course_a, sessions=2, capacity=10, title="Grunnkurs & <oppfølging>")
    in_person = make_run(
        course_b, 40, capacity=1, venue_name="Kulturhuset", venue_address="Storgata 1, Bodø"
    )
    people = [make_participant(language=language) for language in ("nb", "en", "nb", "en")]
    for person in people:
        register(digital, person)
    for person in people[:3]:  # one seat: the second and third wait
        register(in_person, person)
    return digital, in_person


def test_a_batch_of_two_runs_in_two_languages_renders_each_message_as_alone(course_a, course_b, db):
    runs = _two_runs_two_languages(course_a, course_b)
    queued = list(OutgoingMessage.objects.order_by("pk"))
    assert len(queued) <= BATCH_SIZE  # one batch
    assert {m.language for m in queued} == {"nb", "en"}
    assert {m.registration.run_id for m in queued} == {run.pk for run in runs}
    assert {m.template.rsplit("/", 1)[-1] for m in queued} == {
        "confirmed",
        "session_invitation",
        "waitlisted",
    }

    blocks = []

    def counting_memo(key, compute):
        def counted():
            blocks.append(key)
            return compute()

        return composers.memo(key, counted)

    with mock.patch.object(email_blocks, "memo", counting_memo):
        assert send_due() == len(queued)
    # _run.txt and _run.html, per run and language: not per message.
    assert len(blocks) == len(set(blocks)) == 8

    for row in OutgoingMessage.objects.order_by("pk"):
        assert row.status == MessageStatus.SENT
        alone = OutgoingMessage.objects.get(pk=row.pk)
        composers.prefetch([alone])
        composition = composers.compose(alone)
        assert (row.subject, row.body_text, row.body_html) == (
            composition.subject,
            composition.text,
            composition.html,
        )
        assert _calendar(row.calendar) == _calendar(composition.calendar)
        assert row.calendar_method == composition.calendar_method


def test_the_run_block_is_the_include_it_replaced(course_a, course_b, db):
    """``{% run_block %}`` renders the same text as ``{% include %}`` of the same template,
    escaped or not, in both languages."""
    digital, in_person = _two_runs_two_languages(course_a, course_b)
    for run in (digital, in_person):
        for name in ("enrollment/email/_run.html", "enrollment/email/_run.txt"):
            for language in ("nb", "en"):
                for autoescape in (True, False):
                    context = {"run": run, "course_url": "https://kurs.example.no/k/"}
                    with translation.override(language):
                        included = Template(f'{{% include "{name}" %}}').render(
                            Context(context, autoescape=autoescape)
                        )
                        block = Template(
                            f'{{% load email_blocks %}}{{% run_block "{name}" %}}'
                        ).render(Context(context, autoescape=autoescape))
                    assert block == included
                    assert (
                        "Kulturhuset" in block
                        or "&lt;oppfølging&gt;" in block
                        or (not autoescape and "<oppfølging>" in block)
                    )


def test_plain_text_is_not_html_escaped_but_html_is(course_a, db):
    run = make_digital_run(course_a, sessions=1, capacity=5, title="Arbeid & helse <ung>")
    person = make_participant(first_name="Ola & Kari")
    register(run, person)
    send_due()
    message = OutgoingMessage.objects.get(to=person.email, template__endswith="confirmed")
    assert "Arbeid & helse <ung>" in message.body_text
    assert "&amp;" not in message.body_text and "&lt;" not in message.body_text
    assert "&amp;" not in message.subject
    assert "Arbeid &amp; helse &lt;ung&gt;" in message.body_html
