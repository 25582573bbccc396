"""Results: hidden below 5 answers, professions side by side with "<5", exports, and a provider
report whose query count does not grow with the data."""

import io
from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook

from evaluation.models import Evaluation, EvaluationKind, Response
from evaluation.services.questionnaires import current_version
from tests.factories import bulk_runs

from .conftest import attendees, close, full_answer, links_by_person


def answered_run(client, editor, run, employer, capture, professions, **answer):
    attendees(run, editor, employer, professions)
    close(run, editor, capture)
    version = Evaluation.objects.get(run=run).version
    text = next(i for i in version.items if i["kind"] == "text")["id"]
    for link in links_by_person().values():
        client.post(link, full_answer(version, **{text: "Kursleder Ola var flink"}, **answer))
    client.logout()
    return version


def test_results_stay_hidden_below_five_answers(
    client, editor_a, finished_run, questionnaire, employer, capture
):
    answered_run(client, editor_a, finished_run, employer, capture, ["therapist"] * 4)
    client.force_login(editor_a)
    page = client.get(f"/arrangor/kurs/{finished_run.pk}/evaluering/").content.decode()
    assert "For få svar til å vises" in page
    assert "Kursleder Ola" not in page


def test_results_shown_from_five_with_free_text_and_a_reminder(
    client, editor_a, editor_b, finished_run, questionnaire, employer, capture
):
    answered_run(
        client,
        editor_a,
        finished_run,
        employer,
        capture,
        ["therapist"] * 3 + ["job_specialist"] * 2,
    )
    client.force_login(editor_a)
    page = client.get(f"/arrangor/kurs/{finished_run.pk}/evaluering/").content.decode()
    assert "For få svar" not in page
    assert "Kursleder Ola var flink" in page
    assert "Fjern alt som kan identifisere" in page
    assert "<caption id=" in page and "<svg" in page
    assert "&lt;5" in page  # 3 therapists and 2 job specialists are small counts
    # Another provider's organiser: 404.
    client.force_login(editor_b)
    assert client.get(f"/arrangor/kurs/{finished_run.pk}/evaluering/").status_code == 404


def test_exports_work(client, editor_a, finished_run, questionnaire, employer, capture):
    answered_run(client, editor_a, finished_run, employer, capture, ["therapist"] * 5)
    client.force_login(editor_a)
    url = f"/arrangor/kurs/{finished_run.pk}/evaluering/"
    csv = client.get(url + "?export=csv")
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert "Spørsmål" in text and "Kurset var nyttig for arbeidet mitt" in text
    xlsx = client.get(url + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "Spørsmål"
    likert = [r for r in rows if r[0] == "Kurset var nyttig for arbeidet mitt" and r[1] == "Alle"]
    assert [r[3] for r in likert] == [0, 0, 0, 5, 0]  # everyone answered 4
    assert likert[0][5] == 4
    report = client.get("/admin/reports/evaluations/?export=xlsx")
    assert report.status_code == 200


def test_national_report_compares_professions_with_suppression(
    client, national, editor_a, finished_run, questionnaire, employer, capture
):
    answered_run(
        client,
        editor_a,
        finished_run,
        employer,
        capture,
        ["therapist"] * 5 + ["job_specialist"] * 2 + ["leader"],
    )
    client.force_login(national)
    page = client.get("/admin/reports/evaluations/national/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Behandlere" in content and "Jobbspesialister" in content
    assert "Kurset var nyttig" in content  # the core set
    assert "Hva var best?" not in content  # a provider's own question is not national
    csv = client.get("/admin/reports/evaluations/national/?export=csv").content.decode("utf-8-sig")
    rows = [line.split(";") for line in csv.splitlines()]
    likert = [r for r in rows if r[0].strip('"') == "Kurset var nyttig for arbeidet mitt"]
    by_group = {}
    for r in likert:
        by_group.setdefault(r[1].strip('"'), []).append(r[3].strip('"'))
    therapists = next(v for k, v in by_group.items() if k == "Behandlere")
    assert therapists == ["0", "0", "0", "5", "0"]
    job_specialists = next(v for k, v in by_group.items() if k.startswith("Jobbspesialist"))
    assert set(job_specialists) == {"<5"}
    others = by_group["Andre yrker"]
    assert set(others) == {"<5"}
    # Without the permission: refused.
    client.force_login(editor_a)
    assert client.get("/admin/reports/evaluations/national/").status_code in (302, 403)


def _seed(course, questionnaire, runs, answers_per_run):
    version = current_version(questionnaire)
    now = timezone.now()
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            run=run,
            kind=EvaluationKind.COURSE,
            version=version,
            opened_at=now,
            remind_at=now + timedelta(days=5),
            closes_at=now + timedelta(days=21),
        )
        for run in bulk_runs(course, runs)
    )
    answers = full_answer(version)
    Response.objects.bulk_create(
        Response(
            evaluation=evaluation,
            version=version,
            profession=("therapist", "job_specialist", "other")[i % 3],
            answers={key: int(value) for key, value in answers.items()},
        )
        for evaluation in evaluations
        for i in range(answers_per_run)
    )


def test_provider_report_query_count_does_not_grow(
    client, django_assert_max_num_queries, editor_a, course_a, questionnaire
):
    client.force_login(editor_a)
    _seed(course_a, questionnaire, 2, 3)
    with django_assert_max_num_queries(30) as small:
        assert client.get("/admin/reports/evaluations/").status_code == 200
    _seed(course_a, questionnaire, 30, 10)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        page = client.get("/admin/reports/evaluations/")
    assert page.status_code == 200
    assert "306" in page.content.decode()  # 6 + 300 answers
    assert len(large.captured_queries) == len(small.captured_queries)


def test_follow_up_answers_are_a_round_of_their_own(
    client, editor_a, finished_run, questionnaire, employer, capture
):
    """The follow-up months later asks other questions: its answers are shown and exported
    under their own round, never added to the answers given after the course."""
    version = answered_run(client, editor_a, finished_run, employer, capture, ["therapist"] * 5)
    now = timezone.now()
    follow_up = Evaluation.objects.create(
        run=finished_run,
        kind=EvaluationKind.FOLLOW_UP,
        version=version,
        opened_at=now,
        remind_at=now + timedelta(days=5),
        closes_at=now + timedelta(days=21),
    )
    answers = {key: int(value) for key, value in full_answer(version, likert_value=1).items()}
    Response.objects.bulk_create(
        Response(evaluation=follow_up, version=version, profession="therapist", answers=answers)
        for _ in range(6)
    )
    client.force_login(editor_a)
    url = f"/arrangor/kurs/{finished_run.pk}/evaluering/"

    def therapists_likert(address):
        rows = client.get(address).content.decode("utf-8-sig").splitlines()
        cells = [row.split(";") for row in rows]
        question = "Kurset var nyttig for arbeidet mitt"
        return [c[3] for c in cells if c[0] == question and c[1] == "Behandlere"]

    assert therapists_likert(url + "?export=csv") == ["0", "0", "0", "5", "0"]
    assert therapists_likert(url + "?round=follow_up&export=csv") == ["6", "0", "0", "0", "0"]
    page = client.get(url + "?round=follow_up").content.decode()
    assert '<a href="?round=follow_up" aria-current="page">Oppfølging</a>' in page
    report = "/admin/reports/evaluations/"
    assert therapists_likert(report + "?export=csv") == ["0", "0", "0", "5", "0"]
    assert therapists_likert(report + "?round=follow_up&export=csv") == ["6", "0", "0", "0", "0"]
