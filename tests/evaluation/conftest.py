"""Fixtures for course evaluation: NAPHA's core set, a provider questionnaire, a finished run
whose register is kept, and helpers to close it, read the answer link and answer."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from attendance.models import AttendanceStatus
from attendance.services.register import close_register, save_register
from evaluation.models import Questionnaire
from organisations.models import Organisation
from tests.attendance.conftest import enrol, make_sessions_run, three_sessions
from tests.factories import UserFactory, make_person, municipality
from tests.mail import outbox

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT


def likert(text, required=True):
    return (
        "likert",
        {
            "text_nb": text,
            "text_en": text + " (en)",
            "required": required,
            "low_nb": "Helt uenig",
            "high_nb": "Helt enig",
            "low_en": "Strongly disagree",
            "high_en": "Strongly agree",
        },
    )


def make_questionnaire(items, **fields):
    questionnaire = Questionnaire.objects.create(title=fields.pop("title", "Evaluering"), **fields)
    questionnaire.items = items
    questionnaire.save()
    return Questionnaire.objects.get(pk=questionnaire.pk)


def item_ids(questionnaire):
    return [block.id for block in questionnaire.items]


@pytest.fixture
def core(db):
    return make_questionnaire(
        [
            likert("Kurset var nyttig for arbeidet mitt"),
            ("recommend", {"text_nb": "Vil du anbefale kurset?", "text_en": "", "required": True}),
        ],
        title="Nasjonalt kjernesett",
        is_core=True,
    )


@pytest.fixture
def questionnaire(core, provider_a):
    return make_questionnaire(
        [
            (
                "single",
                {
                    "text_nb": "Hvordan fikk du vite om kurset?",
                    "text_en": "",
                    "required": False,
                    "options": [{"nb": "Leder", "en": "Manager"}, {"nb": "Kollega", "en": ""}],
                },
            ),
            (
                "multiple",
                {
                    "text_nb": "Hva var best?",
                    "text_en": "",
                    "required": False,
                    "options": [
                        {"nb": "Forelesning", "en": ""},
                        {"nb": "Gruppearbeid", "en": ""},
                        {"nb": "Rollespill", "en": ""},
                    ],
                },
            ),
            ("text", {"text_nb": "Andre kommentarer", "text_en": "", "required": False}),
        ],
        title="Nord sin evaluering",
        provider=provider_a,
        is_default=True,
    )


@pytest.fixture
def employer(db):
    return Organisation.objects.create(name="NAV Bergen", municipality=municipality("4601"))


@pytest.fixture
def finished_run(course_a):
    """A run whose three sessions were 10 days ago and since."""
    return make_sessions_run(course_a, three_sessions())


def keep_register(run, actor, rows):
    """rows: {registration: [status per session]}."""
    for i, session in enumerate(run.ordered_sessions()):
        assert (
            save_register(session, {r.pk: (marks[i], "") for r, marks in rows.items()}, actor=actor)
            == {}
        )


def attendees(run, editor, employer, professions, *, no_shows=0):
    """Confirmed participants of ``run`` who attended the first session (not enough to complete,
    so no certificate is rendered), one per profession given, plus no-shows;
    returns (attended registrations, no-show registrations)."""
    came = [enrol(run, make_person(employer, profession=p)) for p in professions]
    absent = [enrol(run, make_person(employer)) for _ in range(no_shows)]
    keep_register(run, editor, {**{r: [P, A, A] for r in came}, **{r: [A, A, A] for r in absent}})
    return came, absent


def close(run, editor, capture):
    with capture():
        close_register(run, actor=editor)


LINK = re.compile(r"https?://\S+/evaluering/(\S+?)/")


def answer_path(message):
    token = LINK.search(message.body_text).group(1)
    return f"/evaluering/{token}/"


def links_by_person(kind="evaluation"):
    return {m.to: answer_path(m) for m in outbox(kind=kind)}


def full_answer(questionnaire_or_version, likert_value=4, recommend=9, **extra):
    """POST data answering every item of a frozen version."""
    items = questionnaire_or_version.items
    data = {}
    for item in items:
        if item["kind"] == "likert":
            data[item["id"]] = str(likert_value)
        elif item["kind"] == "recommend":
            data[item["id"]] = str(recommend)
    data.update(extra)
    return data


@pytest.fixture
def national(db):
    user = UserFactory(email="napha.stab@example.no")
    user.user_permissions.add(
        Permission.objects.get(codename="view_national_reports"),
        Permission.objects.get(codename="access_admin"),
    )
    return user


@pytest.fixture(autouse=True)
def _empty_mail():
    mail.outbox = []


DAY = timedelta(days=1)


@pytest.fixture
def organiser(client, editor_a):
    client.force_login(editor_a)
    return client
