"""Who sees which report: NAPHA's national aggregates, a provider's own runs, a coordinator's
own organisation; everyone else is refused without any figure leaking."""

import re
from datetime import date

import pytest

from organisations.models import MembershipRole, Organisation

from .conftest import (
    CONFIRMED,
    NATIONAL_URL,
    PRESENT,
    PROVIDER_URL,
    J,
    L,
    T,
    add_people,
    add_runs,
    csv_rows,
    make_member,
    table,
    tables,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db


def assert_no_figures(response, ds):
    content = response.content.decode()
    for secret in (ds.oslo.name, ds.vest.name, "&lt;5", "<5"):
        assert secret not in content
    assert tables(response) == []


@pytest.mark.parametrize("export", ["", "&export=csv", "&export=xlsx&table=share"])
def test_provider_editor_is_refused_the_national_view(client, editor_a, dataset, export):
    client.force_login(editor_a)
    response = client.get(f"{NATIONAL_URL}?by=employer{export}")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url in ("/admin/", "/admin")
    assert_no_figures(response, dataset)
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize("url", [NATIONAL_URL, PROVIDER_URL, PROVIDER_URL + "?export=csv"])
@pytest.mark.parametrize("who", ["participant", "coordinator", "anonymous"])
def test_participants_and_coordinators_cannot_reach_admin_reports(client, dataset, url, who):
    if who == "participant":
        client.force_login(make_member(dataset.oslo))
    elif who == "coordinator":
        client.force_login(make_member(dataset.oslo, role=MembershipRole.COORDINATOR))
    response = client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response.url.startswith("/admin/login/")
    assert_no_figures(response, dataset)


# --- the provider report -------------------------------------------------------------------


def run_row(title, first_day, capacity, confirmed, fill, waitlist, no_shows, share):
    return [title, first_day, capacity, confirmed, fill, waitlist, no_shows, share]


def test_provider_report_lists_only_the_editors_runs(client, editor_a, editor_b, dataset):
    ds = dataset
    client.force_login(editor_a)
    response = client.get(PROVIDER_URL)
    assert response.status_code == 200
    title = ds.course_a.title
    # run_a2: 10 of 12 seats (83 %), two no-shows of 10 (20 %), 3 of 8 therapists (38 %).
    # run_a1: 10 of 20 (50 %), one waitlisted, one excused-only no-show (10 %), 6 of 10.
    assert table(response, 0)[1:] == [
        [title, "15.05.2024", "12", "10", "83", "0", "20", "38"],
        [title, "10.02.2024", "20", "10", "50", "1", "10", "60"],
    ]
    assert ds.course_b.title not in response.content.decode()
    exported = csv_rows(client.get(PROVIDER_URL + "?export=csv"))
    assert exported[1:] == table(response, 0)[1:]
    workbook = xlsx_rows(client.get(PROVIDER_URL + "?export=xlsx"))
    assert [[str(c) for c in row] for row in workbook[1:]] == table(response, 0)[1:]

    client.force_login(editor_b)
    response = client.get(PROVIDER_URL)
    assert table(response, 0)[1:] == [
        [ds.course_b.title, "01.02.2025", "10", "10", "100", "0", "10", "50"]
    ]
    assert ds.course_a.title not in response.content.decode()


def test_provider_report_without_register_or_pair(client, editor_a, course_a):
    (run,) = add_runs(course_a, [date(2026, 9, 1)], capacity=8)
    add_people(run, [(2, L, None, CONFIRMED, None, False)])
    client.force_login(editor_a)
    rows = table(client.get(PROVIDER_URL), 0)[1:]
    # No register taken: no no-show rate; no therapists or job specialists: no share.
    assert rows == [[course_a.title, "01.09.2026", "8", "2", "25", "0", "–", "–"]]


def test_provider_report_pages_at_100_runs(client, editor_a, course_a):
    add_runs(course_a, [date(2024, 1, 1 + i % 28) for i in range(130)])
    client.force_login(editor_a)
    first = client.get(PROVIDER_URL)
    assert len(table(first, 0)) == 101
    assert "?page=2" in first.content.decode()
    second = client.get(PROVIDER_URL + "?page=2")
    assert len(table(second, 0)) == 31
    assert len(csv_rows(client.get(PROVIDER_URL + "?export=csv"))) == 131


# --- coordinator coverage ------------------------------------------------------------------


@pytest.fixture
def coverage(dataset):
    """Org Oslo: coordinator (completed course B only), Anne (completed the basic course A),
    Bjørn (attended course A but did not complete); org Vest: Vera (completed course A)."""
    ds = dataset
    type(ds.course_a).objects.filter(pk=ds.course_a.pk).update(is_basic_course=True)
    coordinator = make_member(
        ds.oslo, MembershipRole.COORDINATOR, T, first_name="Cora", last_name="Aas"
    )
    anne = make_member(ds.oslo, profession=J, first_name="Anne", last_name="Berg")
    bjorn = make_member(ds.oslo, profession=T, first_name="Bjørn", last_name="Dahl")
    vera = make_member(ds.vest, profession=J, first_name="Vera", last_name="Vik")
    (run_a, run_b) = add_runs(ds.course_a, [date(2025, 3, 3)]) + add_runs(
        ds.course_b, [date(2025, 4, 4)]
    )
    from enrollment.models import Registration

    for run, user, completed in (
        (run_b, coordinator, True),
        (run_a, anne, True),
        (run_a, bjorn, False),
        (run_a, vera, True),
    ):
        (reg,) = add_people(run, [(1, user.profession, ds.oslo, CONFIRMED, PRESENT, completed)])
        Registration.objects.filter(pk=reg.pk).update(user=user)
    return {"coordinator": coordinator, "anne": anne, "bjorn": bjorn, "vera": vera}


def coverage_url(org, export=""):
    return f"/organisasjon/{org.pk}/dekning/" + (f"?export={export}" if export else "")


def test_coordinator_sees_own_members_coverage(client, dataset, coverage):
    ds = dataset
    client.force_login(coverage["coordinator"])
    response = client.get(coverage_url(ds.oslo))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vera" not in content  # another organisation's member
    rows = tables_all(response)[1][1:]
    names = [row[0] for row in rows]
    assert names == ["Cora Aas", "Anne Berg", "Bjørn Dahl"]
    by_name = {row[0]: row for row in rows}
    assert by_name["Anne Berg"][3] == ds.course_a.title
    assert by_name["Cora Aas"][3] == ds.course_b.title
    assert by_name["Bjørn Dahl"][3] == "–"  # attended, not completed
    basic = {name: row[2] for name, row in by_name.items()}
    assert basic["Anne Berg"] != basic["Bjørn Dahl"] == basic["Cora Aas"]

    exported = csv_rows(client.get(coverage_url(ds.oslo, "csv")))
    assert [row[0] for row in exported[1:]] == names
    assert [[row[0], row[2], row[3] or "–"] for row in exported[1:]] == [
        [row[0], row[2], row[3]] for row in rows
    ]
    workbook = xlsx_rows(client.get(coverage_url(ds.oslo, "xlsx")))
    assert [[str(c or "") for c in row] for row in workbook] == [
        [str(c) for c in row] for row in exported
    ]


def test_coverage_counts_who_lacks_the_basic_course(client, dataset, coverage):
    client.force_login(coverage["coordinator"])
    content = client.get(coverage_url(dataset.oslo)).content.decode()
    by_profession = tables_all_from(content)[0][1:]
    # Job specialists: Anne (basic). Therapists: Cora and Bjørn (neither has it).
    assert sorted(row[1:] for row in by_profession) == [["1", "1"], ["2", "0"]]
    lacking = re.search(r"<h1>.*?</h1>\s*<p>(.*?)</p>", content, re.S).group(1)
    assert re.match(r"2\D", lacking), lacking  # "2 colleagues still lack the basic course"


@pytest.mark.parametrize("export", ["", "csv", "xlsx"])
def test_coverage_of_another_organisation_is_404(client, dataset, coverage, export):
    client.force_login(coverage["coordinator"])
    assert client.get(coverage_url(dataset.vest, export)).status_code == 404
    other = Organisation.objects.create(name="Tom organisasjon")
    assert client.get(coverage_url(other, export)).status_code == 404


@pytest.mark.parametrize("who", ["anne", "vera", "anonymous"])
def test_coverage_refused_to_plain_members_and_strangers(client, dataset, coverage, who):
    if who != "anonymous":
        client.force_login(coverage[who])
    for export in ("", "csv"):
        response = client.get(coverage_url(dataset.oslo, export))
        assert response.status_code == 404
        assert "Anne" not in response.content.decode()


def test_former_coordinator_loses_coverage(client, dataset, coverage):
    from organisations.services.memberships import set_employer

    set_employer(coverage["coordinator"], dataset.vest)
    client.force_login(coverage["coordinator"])
    assert client.get(coverage_url(dataset.oslo)).status_code == 404
    assert client.get(coverage_url(dataset.vest)).status_code == 404


def tables_all(response):
    return tables_all_from(response.content.decode())


def tables_all_from(content):
    from .conftest import _Tables

    parser = _Tables()
    parser.feed(content)
    return [t["rows"] for t in parser.tables]
