"""``national_figures`` gives both tables of the national report exactly as
``participation`` and ``therapist_share`` do (same rows, same order, same labels): on
PostgreSQL from one statement with grouping sets, elsewhere from the two functions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.services import Filters, national_figures, participation, therapist_share

from .conftest import L, T, grow

pytestmark = pytest.mark.django_db

BY = ["profession", "course", "provider", "employer", "county", "period"]
FILTERS = [
    lambda ds: Filters(),
    lambda ds: Filters(year_from=2025),
    lambda ds: Filters(year_to=2024, profession=T),
    lambda ds: Filters(profession=L),  # no therapist or job specialist: no share rows
    lambda ds: Filters(provider=ds.provider_a.path, county=ds.county_oslo.pk),
    lambda ds: Filters(course=ds.course_b.pk, employer=ds.vest.pk),
    lambda ds: Filters(year_from=2030),  # nothing at all
]


def separately(filters, by, period, per):
    return participation(filters, by=by, period=period), therapist_share(
        filters, period=period, per=per
    )


@pytest.mark.parametrize("per", ["county", "course"])
@pytest.mark.parametrize("by", BY)
def test_same_answer_as_the_two_queries(dataset, by, per):
    for period in ("year", "quarter", "month"):
        for make_filters in FILTERS:
            filters = make_filters(dataset)
            assert national_figures(filters, by, period, per) == separately(
                filters, by, period, per
            ), (by, period, per, filters)


@pytest.mark.parametrize("per", ["county", "course"])
@pytest.mark.parametrize("by", BY)
def test_same_answer_with_groups_without_county(dataset, by, per):
    grow(dataset)  # employers without a county: NULL keys in both tables
    rows, breakdown = national_figures(Filters(), by, "quarter", per)
    assert (rows, breakdown) == separately(Filters(), by, "quarter", per)
    if by == "county":
        assert None in [r["key"] for r in rows]
    if per == "county":
        assert None in [r["employer__county_id"] for r in breakdown]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL")
@pytest.mark.parametrize("by", BY)
def test_one_statement_for_both_tables(dataset, by):
    with CaptureQueriesContext(connection) as queries:
        national_figures(Filters(), by, "quarter", "county")
    figures = [q["sql"] for q in queries if "GROUPING SETS" in q["sql"]]
    assert len(figures) == 1
    assert "enrollment_registration" not in " ".join(
        q["sql"] for q in queries if "GROUPING SETS" not in q["sql"]
    )
