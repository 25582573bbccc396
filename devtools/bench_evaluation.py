"""Evaluation report benchmark (``manage.py bench --evaluation``).

Seeds 500 runs of one course module with 10,000 anonymous answers to a questionnaire with the
core set (inside a transaction that is rolled back), then times the provider's evaluation report
(and its Excel export) as a superuser and counts its SQL queries.
"""

import statistics
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.models import ResourceCentrePage
from courses.models import CourseFormat, CoursePage, CourseRun, CourseSession, RunStatus
from courses.setup import ensure_site
from evaluation.models import Evaluation, EvaluationKind, Questionnaire, Response
from evaluation.services.questionnaires import current_version

PROFESSIONS = ["therapist", "job_specialist", "job_specialist", "leader", "other"]


class _Rollback(Exception):
    pass


def _questionnaire():
    core = Questionnaire.objects.filter(is_core=True).first() or Questionnaire.objects.create(
        title="Kjernesett (bench)", is_core=True
    )
    likert = {
        "text_nb": "Nyttig",
        "text_en": "",
        "required": True,
        "low_nb": "Uenig",
        "high_nb": "Enig",
        "low_en": "Disagree",
        "high_en": "Agree",
    }
    core.items = [("likert", likert), ("recommend", {"text_nb": "Anbefale", "required": True})]
    core.save()
    own = Questionnaire.objects.create(title="Bench")
    own.items = [("likert", {**likert, "text_nb": f"Spørsmål {n}"}) for n in range(6)] + [
        ("text", {"text_nb": "Kommentar", "required": False})
    ]
    own.save()
    return current_version(Questionnaire.objects.get(pk=own.pk))


def _seed(course, runs=500, answers=10_000):
    version = _questionnaire()
    today = timezone.localdate()
    now = timezone.now()
    created = CourseRun.objects.bulk_create(
        CourseRun(
            course=course,
            status=RunStatus.PUBLISHED,
            format=CourseFormat.DIGITAL,
            capacity=30,
            starts_on=today - timedelta(days=i % 700),
        )
        for i in range(runs)
    )
    CourseSession.objects.bulk_create(CourseSession(run=run, date=run.starts_on) for run in created)
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            run=run,
            kind=EvaluationKind.COURSE,
            version=version,
            opened_at=now,
            remind_at=now,
            closes_at=now + timedelta(days=21),
        )
        for run in created
    )
    items = version.items
    Response.objects.bulk_create(
        (
            Response(
                evaluation=evaluations[i % len(evaluations)],
                version=version,
                profession=PROFESSIONS[i % len(PROFESSIONS)],
                answers={
                    item["id"]: (i % 11 if item["kind"] == "recommend" else 1 + i % 5)
                    if item["kind"] != "text"
                    else "Bra"
                    for item in items
                },
            )
            for i in range(answers)
        ),
        batch_size=1000,
    )


def _time(client, url, repeat):
    client.get(url)
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), len(queries), response.status_code


def bench_evaluation(stdout, repeat=5):
    user = get_user_model().objects.filter(is_superuser=True).first()
    try:
        with transaction.atomic():
            course = CoursePage.objects.first()
            if course is None:  # an empty database: a provider and a course module
                home = ensure_site()[0]
                provider = home.add_child(
                    instance=ResourceCentrePage(title="Bench", slug="bench-evaluering")
                )
                course = provider.add_child(
                    instance=CoursePage(title="Bench", slug="bench-kurs", summary="Bench")
                )
            if user is None:
                user = get_user_model().objects.create(
                    email="bench-evaluation@example.no", is_superuser=True, is_staff=True
                )
            _seed(course)
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            stdout.write(f"{connection.vendor}, 500 runs, 10,000 answers, {repeat} requests")
            for label, url in (
                ("provider report", "/admin/reports/evaluations/"),
                ("provider report, Excel", "/admin/reports/evaluations/?export=xlsx"),
                ("national core set", "/admin/reports/evaluations/national/"),
            ):
                median, queries, status = _time(client, url, repeat)
                stdout.write(f"{label:28} {median:8.1f} ms {queries:4d} queries (HTTP {status})")
            raise _Rollback
    except _Rollback:
        pass
