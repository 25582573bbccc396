"""Hostile input everywhere a person can type, click or upload (see conftest.py): no answer
is a server error, and nothing refused changes the database."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from .conftest import (
    FILE_NAMES,
    FILES,
    SMALL_TEXT,
    TEXT,
    fuzz_settings,
    params,
    path_segment,
)

pytestmark = pytest.mark.django_db

FILTERS = ("q", "profession", "provider", "county", "format", "month", "page")


# --- public: catalogue, API, feeds, links with tokens ------------------------------------------


@fuzz_settings(200)
@given(query=params(*FILTERS), english=st.booleans())
def test_catalogue_filters(anonymous, query, english):
    anonymous.send("get", ("/en" if english else "") + "/kurs/", query)


@fuzz_settings(250)
@given(query=params(*FILTERS))
def test_api_parameters(anonymous, query):
    response = anonymous.send("get", "/api/runs/", query)
    if response.status_code == 200:
        assert "results" in response.json()


@fuzz_settings(100)
@given(query=params(*FILTERS), course=st.sampled_from(["courses.ics", "course/1.ics"]))
def test_calendar_feed_parameters(anonymous, query, course):
    anonymous.send("get", f"/calendar/{course}", query)


@fuzz_settings(250)
@given(
    segment=path_segment(),
    prefix=st.sampled_from(
        [
            "/calendar/me/{}.ics",
            "/calendar/organiser/{}.ics",
            "/invitasjon/{}/",
            "/tilbud/{}/",
            "/certificates/verify/{}/",
            "/kurs/pamelding/{}/",
            "/calendar/course/{}.ics",
            "/{}/",
        ]
    ),
)
def test_tokens_and_ids_in_paths(anonymous, segment, prefix):
    anonymous.send("get", prefix.format(segment))


@fuzz_settings(100)
@given(code=TEXT, method=st.sampled_from(["get", "post"]))
def test_certificate_lookup(anonymous, code, method):
    anonymous.send(method, "/certificates/verify/", {"code": code}, refused_if_200=True)


@fuzz_settings(100)
@given(
    form=st.sampled_from(["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]),
    data=st.fixed_dictionaries(
        {},
        optional={
            "login": TEXT,
            "email": TEXT,
            "password": SMALL_TEXT,
            "password1": SMALL_TEXT,
            "password2": SMALL_TEXT,
            "remember": SMALL_TEXT,
        },
    ),
)
def test_sign_in_forms(anonymous, form, data):
    anonymous.send("post", form, data, refused_if_200=True)


# --- participant -----------------------------------------------------------------------------


@fuzz_settings(100)
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "first_name": TEXT,
            "last_name": TEXT,
            "profession": TEXT,
            "phone": TEXT,
            "preferred_language": SMALL_TEXT,
        },
    )
)
def test_profile_form(participant, data):
    participant.send("post", "/min-side/profil/", data, refused_if_200=True)


@fuzz_settings(80)
@given(
    search=params("q"),
    data=st.fixed_dictionaries(
        {"request": st.just("1")},
        optional={"name": TEXT, "org_number": TEXT, "municipality": TEXT, "kind": SMALL_TEXT},
    ),
    post=st.booleans(),
)
def test_employer_search_and_request(participant, search, data, post):
    if post:
        participant.send("post", "/min-side/arbeidsgiver/", data, refused_if_200=True)
    else:
        participant.send("get", "/min-side/arbeidsgiver/", search)


@fuzz_settings(60)
@given(needs=TEXT, extra=params("action", "registration"))
def test_registering_with_needs(participant, world, needs, extra):
    run = world["run"]
    participant.send("post", f"/kurs/pamelding/{run.pk}/", {"needs": needs, **extra})


# --- coordinator -----------------------------------------------------------------------------


@fuzz_settings(100)
@given(
    newcomers=TEXT,
    members=st.lists(TEXT, max_size=3),
    query=params("q", "profession", "org"),
)
def test_enrolling_colleagues(coordinator, world, newcomers, members, query):
    url = f"/kurs/pamelding/{world['run'].pk}/kolleger/"
    coordinator.send("get", url, query)
    coordinator.send("post", url, {"newcomers": newcomers, "members": members}, refused_if_200=True)


@fuzz_settings(100)
@given(content=FILES, name=FILE_NAMES)
def test_uploading_colleagues(coordinator, world, content, name):
    url = f"/kurs/pamelding/{world['run'].pk}/kolleger/fil/"
    upload = SimpleUploadedFile(name or "x", content, content_type="application/octet-stream")
    coordinator.send("post", url, {"file": upload}, refused_if_200=True)


@fuzz_settings(80)
@given(
    query=params("status", "profession", "run", "export", "org", "page", "programme", "step"),
    page=st.sampled_from(
        ["pameldinger/", "dekning/", "opplaering/", "opplaering/mangler/", "", "inviter/"]
    ),
)
def test_coordinator_pages(coordinator, world, query, page):
    coordinator.send("get", f"/organisasjon/{world['org'].pk}/{page}", query)


@fuzz_settings(60)
@given(email=TEXT, extra=params("role", "name"))
def test_inviting_a_colleague(coordinator, world, email, extra):
    coordinator.send(
        "post",
        f"/organisasjon/{world['org'].pk}/inviter/",
        {"email": email, **extra},
        refused_if_200=True,
    )


# --- reports (admin) -------------------------------------------------------------------------


@fuzz_settings(60)
@given(
    query=params(
        "year_from",
        "year_to",
        "profession",
        "provider",
        "county",
        "course",
        "by",
        "export",
        "page",
        "programme",
    ),
    url=st.sampled_from(
        ["/admin/reports/participation/", "/admin/reports/my-runs/", "/admin/training/readiness/"]
    ),
)
def test_report_parameters(admin, query, url):
    admin.send("get", url, query)


def test_the_budget_is_at_least_1500_requests():
    """Each example sends one request (two for enrolling: the page and the form), so the
    suite sends at least this many in CI (fewer only if a strategy ran out of examples)."""
    tests = [f for name, f in globals().items() if name.startswith("test_") and callable(f)]
    budget = sum(
        f._hypothesis_internal_use_settings.max_examples
        * (2 if f.__name__ == "test_enrolling_colleagues" else 1)
        for f in tests
        if hasattr(f, "_hypothesis_internal_use_settings")
    )
    assert budget >= 1500
