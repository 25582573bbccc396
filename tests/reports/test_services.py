"""participation() and therapist_share() on the handcrafted dataset (see conftest)."""

from datetime import date

import pytest

from attendance.models import ATTENDED
from enrollment.models import Registration, RegistrationStatus
from reports.services import (
    PROVIDER_PATH_LENGTH,
    Filters,
    participation,
    provider_runs,
    registrations,
    series_from,
    suppress,
    therapist_share,
    trend,
)

from .conftest import J, L, T

pytestmark = pytest.mark.django_db


def figures(rows):
    return {row["key"]: (row["registered"], row["attended"], row["completed"]) for row in rows}


def test_by_profession_counts_confirmed_attended_and_completed(dataset):
    # Cancelled and waitlisted registrations are not counted; the excused-only job specialist
    # is registered but not attended; the late therapist attended but did not complete.
    assert figures(participation(Filters(), by="profession")) == {
        J: (14, 13, 13),
        L: (2, 0, 0),
        T: (14, 13, 11),
    }


def test_by_course_provider_employer_and_county(dataset):
    ds = dataset
    assert figures(participation(Filters(), by="course")) == {
        ds.course_a.pk: (20, 17, 15),
        ds.course_b.pk: (10, 9, 9),
    }
    assert figures(participation(Filters(), by="provider")) == {
        ds.provider_a.path: (20, 17, 15),
        ds.provider_b.path: (10, 9, 9),
    }
    assert figures(participation(Filters(), by="employer")) == {
        ds.oslo.pk: (17, 14, 13),
        ds.vest.pk: (13, 12, 11),
    }
    assert figures(participation(Filters(), by="county")) == {
        ds.county_oslo.pk: (17, 14, 13),
        ds.county_vest.pk: (13, 12, 11),
    }
    labels = {row["key"]: row["label"] for row in participation(Filters(), by="provider")}
    assert labels == {
        ds.provider_a.path: ds.provider_a.title,
        ds.provider_b.path: "IPS ressurssenter Vest",
    }
    labels = {row["key"]: row["label"] for row in participation(Filters(), by="county")}
    assert labels == {
        ds.county_oslo.pk: ds.county_oslo.name,
        ds.county_vest.pk: ds.county_vest.name,
    }


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("year", {date(2024, 1, 1): (20, 17, 15), date(2025, 1, 1): (10, 9, 9)}),
        (
            "quarter",
            {
                date(2024, 1, 1): (10, 9, 8),
                date(2024, 4, 1): (10, 8, 7),
                date(2025, 1, 1): (10, 9, 9),
            },
        ),
        (
            "month",
            {
                date(2024, 2, 1): (10, 9, 8),
                date(2024, 5, 1): (10, 8, 7),
                date(2025, 2, 1): (10, 9, 9),
            },
        ),
    ],
)
def test_by_period(dataset, period, expected):
    rows = participation(Filters(), by="period", period=period)
    got = {
        (row["key"].date() if hasattr(row["key"], "date") else row["key"]): (
            row["registered"],
            row["attended"],
            row["completed"],
        )
        for row in rows
    }
    assert got == expected


def test_period_labels_follow_the_period(dataset):
    by_year = [r["label"] for r in participation(Filters(), by="period", period="year")]
    by_quarter = [r["label"] for r in participation(Filters(), by="period", period="quarter")]
    by_month = [r["label"] for r in participation(Filters(), by="period", period="month")]
    assert by_year == ["2024", "2025"]
    assert by_quarter == ["2024 K1", "2024 K2", "2025 K1"]
    assert by_month == ["02.2024", "05.2024", "02.2025"]


@pytest.mark.parametrize(
    ("make_filters", "expected"),
    [
        (lambda ds: Filters(year_from=2025), {T: (5, 4, 4), J: (5, 5, 5)}),
        (lambda ds: Filters(year_to=2024), {T: (9, 9, 7), J: (9, 8, 8), L: (2, 0, 0)}),
        (lambda ds: Filters(year_from=2024, year_to=2024, profession=L), {L: (2, 0, 0)}),
        (lambda ds: Filters(profession=T), {T: (14, 13, 11)}),
        (lambda ds: Filters(provider=ds.provider_b.path), {T: (5, 4, 4), J: (5, 5, 5)}),
        (lambda ds: Filters(county=ds.county_vest.pk), {T: (8, 7, 6), J: (5, 5, 5)}),
        (lambda ds: Filters(course=ds.course_a.pk), {T: (9, 9, 7), J: (9, 8, 8), L: (2, 0, 0)}),
        (lambda ds: Filters(employer=ds.oslo.pk), {T: (6, 6, 5), J: (9, 8, 8), L: (2, 0, 0)}),
        (lambda ds: Filters(year_from=2026), {}),
    ],
)
def test_filters(dataset, make_filters, expected):
    assert figures(participation(make_filters(dataset), by="profession")) == expected


def test_therapist_share_per_period_and_county(dataset):
    ds = dataset
    rows = therapist_share(Filters(), period="quarter", per="county")
    got = [
        (r["period_label"], r["group"], r["therapists"], r["job_specialists"], r["share"])
        for r in rows
    ]
    assert sorted(got) == sorted(
        [
            ("2024 K1", ds.county_oslo.name, 6, 4, 60.0),
            ("2024 K2", ds.county_vest.name, 3, 5, 37.5),
            ("2025 K1", ds.county_oslo.name, 0, 5, 0.0),
            ("2025 K1", ds.county_vest.name, 5, 0, 100.0),
        ]
    )
    series = series_from(rows, "quarter")
    assert [
        (s["period_label"], s["therapists"], s["job_specialists"], s["share"]) for s in series
    ] == [
        ("2024 K1", 6, 4, 60.0),
        ("2024 K2", 3, 5, 37.5),
        ("2025 K1", 5, 5, 50.0),
    ]
    change = trend(series)
    assert (change["latest"]["share"], change["previous"]["share"], change["change"]) == (
        50.0,
        37.5,
        12.5,
    )


def test_therapist_share_per_course_and_year_and_without_group(dataset):
    ds = dataset
    rows = therapist_share(Filters(), period="year", per="course")
    assert [(r["period_label"], r["group"], r["share"]) for r in rows] == [
        ("2024", ds.course_a.title, 50.0),  # 9 therapists, 9 job specialists
        ("2025", ds.course_b.title, 50.0),
    ]
    plain = therapist_share(Filters(county=ds.county_oslo.pk), period="year")
    assert [(r["period_label"], r["therapists"], r["job_specialists"]) for r in plain] == [
        ("2024", 6, 4),
        ("2025", 0, 5),
    ]
    assert therapist_share(Filters(profession=L), period="year") == []


def test_trend_needs_two_periods():
    assert trend([]) is None
    assert trend([{"share": 40.0, "period_label": "2024 K1"}]) is None


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (120, 120)])
def test_suppress(value, shown):
    assert suppress(value) == shown


def test_provider_runs(dataset):
    ds = dataset
    runs = {r.pk: r for r in provider_runs([ds.run_a1, ds.run_a2, ds.run_b1])}
    got = {
        pk: (r.confirmed, r.waitlisted, r.therapists, r.job_specialists, r.no_shows)
        for pk, r in runs.items()
    }
    assert got == {
        ds.run_a1.pk: (10, 1, 6, 4, 1),  # the excused-only job specialist is a no-show
        ds.run_a2.pk: (10, 0, 3, 5, 2),  # two absent leaders
        ds.run_b1.pk: (10, 0, 5, 5, 1),
    }


def _direct_figures(filters, by, period):
    """The same figures counted registration by registration in Python: a registration is
    attended when any of its rows is attended (present or late)."""

    def key(reg):
        run = reg.run
        if by == "profession":
            return reg.profession
        if by == "course":
            return run.course_id
        if by == "provider":
            return run.course.path[:PROVIDER_PATH_LENGTH]
        if by == "employer":
            return reg.employer_id
        if by == "county":
            return reg.employer.county_id if reg.employer else None
        return run.starts_on.replace(month=1 if period == "year" else run.starts_on.month, day=1)

    wanted = {r.pk for r in registrations(filters)}
    counts = {}
    for reg in Registration.objects.filter(status=RegistrationStatus.CONFIRMED).select_related(
        "run__course", "employer"
    ):
        if reg.pk not in wanted:
            continue
        row = counts.setdefault(key(reg), [0, 0, 0])
        row[0] += 1
        row[1] += reg.attendance.filter(status__in=ATTENDED).exists()
        row[2] += reg.completed_at is not None
    return {k: tuple(v) for k, v in counts.items()}


@pytest.mark.parametrize("by", ["profession", "course", "provider", "employer", "county"])
@pytest.mark.parametrize(
    "make_filters",
    [
        lambda ds: Filters(),
        lambda ds: Filters(year_from=2025),
        lambda ds: Filters(year_to=2024, profession=T),
        lambda ds: Filters(provider=ds.provider_a.path, county=ds.county_oslo.pk),
        lambda ds: Filters(course=ds.course_b.pk, employer=ds.vest.pk),
    ],
)
def test_participation_equals_a_direct_count(dataset, by, make_filters):
    filters = make_filters(dataset)
    assert figures(participation(filters, by=by)) == _direct_figures(filters, by, "quarter")


def test_participation_by_month_equals_a_direct_count(dataset):
    filters = Filters(year_from=2024)
    got = {
        (row["key"].date() if hasattr(row["key"], "date") else row["key"]): (
            row["registered"],
            row["attended"],
            row["completed"],
        )
        for row in participation(filters, by="period", period="month")
    }
    assert got == _direct_figures(filters, "period", "month")
