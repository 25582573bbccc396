"""The hand-written SQL that ``bench_reports`` measures the national report against gives the
report's own answer (PostgreSQL only: it is written for it)."""

import pytest
from django.db import connection

from devtools.reports_sql import national_answer
from reports.services import Filters, participation, therapist_share

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="hand-written for PostgreSQL")
@pytest.mark.parametrize(
    "by,period,per",
    [
        ("profession", "quarter", "county"),
        ("county", "quarter", "county"),
        ("course", "quarter", "course"),
        ("provider", "year", "county"),
        ("employer", "quarter", "county"),
        ("period", "month", "county"),
    ],
)
def test_hand_written_sql_gives_the_reports_answer(dataset, by, period, per):
    with connection.cursor() as cursor:
        by_hand, share = national_answer(cursor, by, period, per)
    rows = participation(Filters(), by=by, period=period)
    assert rows  # the dataset has registrations
    ours = {(r["key"], r["registered"], r["attended"], r["completed"]) for r in rows}

    def key(value):
        return value.date() if hasattr(value, "date") else value

    assert {(key(k), reg, att, comp) for k, reg, comp, att in by_hand} == ours
    shares = therapist_share(Filters(), period=period, per=per)
    group = {"county": "employer__county_id", "course": "run__course_id"}[per]
    assert {(key(p), g, t, j) for p, g, t, j in share} == {
        (r["period"], r[group], r["therapists"], r["job_specialists"]) for r in shares
    }
