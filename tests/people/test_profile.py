"""'My profile': editing the profile, and choosing, changing or requesting an employer."""

import pytest
from django.urls import reverse

from organisations.models import Membership, Organisation, OrganisationKind, OrganisationStatus
from people.models import User
from people.professions import Profession

from .conftest import employ, make_account, make_org, municipality, shows

EMPLOYER = "/min-side/arbeidsgiver/"


@pytest.fixture
def person(db):
    return make_account("per.profil@example.no", first_name="", last_name="", profession="")


@pytest.fixture
def logged_in(client, person):
    client.force_login(person)
    return client


@pytest.fixture
def employers(db):
    """A small register: two active employers, a pending one and a merged duplicate."""
    tromso = make_org(
        "NAV Tromsø", number="5501", org_number="974760673", kind=OrganisationKind.NAV_OFFICE
    )
    alta = make_org("Finnmarkssykehuset Alta", number="5601", org_number="923609016")
    pending = make_org("NAV Tromsø ventende", number="5501", status=OrganisationStatus.PENDING)
    merged = make_org("NAV Tromsø gammel", number="5501", status=OrganisationStatus.MERGED)
    merged.merged_into = tromso
    merged.save()
    return {"tromso": tromso, "alta": alta, "pending": pending, "merged": merged}


def results(response):
    return [org.name for org in response.context["results"]]


def test_profile_pages_need_login(client, db):
    for name in ("profile", "profile_edit", "employer", "data_export", "account_delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_profile_edit_with_missing_required_fields_saves_nothing(logged_in, person):
    response = logged_in.post(
        reverse("profile_edit"),
        {"first_name": "", "last_name": "Hansen", "profession": "", "phone": "99 88 77 66"},
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"first_name", "profession"}
    assert 'class="field has-error"' in response.content.decode()
    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.profession, person.phone) == (
        "",
        "",
        "",
        "",
    )


def test_profile_edit_rejects_an_unknown_profession(logged_in, person):
    response = logged_in.post(
        reverse("profile_edit"),
        {"first_name": "Per", "last_name": "Hansen", "profession": "astronaut"},
    )

    assert response.status_code == 200
    assert "profession" in response.context["form"].errors
    person.refresh_from_db()
    assert person.profession == ""


def test_valid_profile_edit_saves_and_asks_for_an_employer(logged_in, person):
    response = logged_in.post(
        reverse("profile_edit"),
        {
            "first_name": "Per",
            "last_name": "Hansen",
            "profession": Profession.JOB_SPECIALIST,
            "phone": "99 88 77 66",
            "preferred_language": "nb",
        },
    )

    person.refresh_from_db()
    assert (person.first_name, person.last_name, person.profession, person.phone) == (
        "Per",
        "Hansen",
        Profession.JOB_SPECIALIST,
        "99 88 77 66",
    )
    # No employer yet: the next step is choosing one.
    assert response.status_code == 302
    assert response["Location"] == EMPLOYER


def test_valid_profile_edit_with_employer_returns_to_the_profile(logged_in, person, employers):
    employ(person, employers["tromso"])

    response = logged_in.post(
        reverse("profile_edit"),
        {
            "first_name": "Per",
            "last_name": "Hansen",
            "profession": Profession.LEADER,
            "preferred_language": "en",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("profile")
    assert shows(response, "Your profile has been saved.")
    person.refresh_from_db()
    assert person.profile_complete
    assert person.preferred_language == "en"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tromsø", ["NAV Tromsø"]),  # by name, any case
        ("Alta", ["Finnmarkssykehuset Alta"]),  # name and municipality
        ("5501", []),  # a municipality number is not an org number
        ("9747", ["NAV Tromsø"]),  # org number prefix
        ("974 760", ["NAV Tromsø"]),  # org number prefix typed with spaces
        ("923609016", ["Finnmarkssykehuset Alta"]),  # full org number
        ("sykehus", ["Finnmarkssykehuset Alta"]),
        ("Oslo", []),
    ],
)
def test_employer_search(logged_in, employers, query, expected):
    response = logged_in.get(EMPLOYER, {"q": query})

    assert response.status_code == 200
    assert results(response) == expected


def test_employer_search_by_municipality_name(logged_in, db):
    make_org("Jobbsenteret", number="5501")  # in Tromsø, "Tromsø" is not in its name
    make_org("Arbeidslaget", number="0301")

    response = logged_in.get(EMPLOYER, {"q": "Tromsø"})

    assert results(response) == ["Jobbsenteret"]
    assert "Jobbsenteret, Tromsø" in response.content.decode()


def test_employer_search_never_lists_pending_or_merged(logged_in, employers):
    response = logged_in.get(EMPLOYER, {"q": "NAV Tromsø"})

    assert results(response) == ["NAV Tromsø"]
    content = response.content.decode()
    assert "ventende" not in content
    assert "gammel" not in content


def test_choosing_an_employer_sets_it(logged_in, person, employers):
    response = logged_in.post(EMPLOYER, {"organisation": employers["tromso"].pk}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("profile")
    assert shows(response, "Your employer is now %(name)s.", name="NAV Tromsø")
    [membership] = Membership.objects.filter(user=person)
    assert membership.organisation == employers["tromso"]
    assert membership.ended_at is None


@pytest.mark.parametrize("which", ["pending", "merged", "missing", "garbage"])
def test_choosing_a_forged_employer_changes_nothing(logged_in, person, employers, which):
    current = employ(person, employers["alta"])
    forged = {
        "pending": employers["pending"].pk,
        "merged": employers["merged"].pk,
        "missing": Organisation.objects.order_by("-pk").first().pk + 1000,
        "garbage": "'; drop table",
    }[which]

    response = logged_in.post(EMPLOYER, {"organisation": forged})

    assert response.status_code == 200
    assert shows(response, "Choose an employer from the list.")
    assert list(Membership.objects.filter(user=person)) == [current]
    current.refresh_from_db()
    assert current.ended_at is None


def test_changing_employer_ends_the_old_membership_and_keeps_history(logged_in, person, employers):
    old = employ(person, employers["alta"])

    logged_in.post(EMPLOYER, {"organisation": employers["tromso"].pk})

    old.refresh_from_db()
    assert old.ended_at is not None
    assert old.organisation == employers["alta"]
    current = Membership.objects.current().get(user=person)
    assert current.organisation == employers["tromso"]
    assert Membership.objects.filter(user=person).count() == 2
    page = logged_in.get(reverse("profile")).content.decode()
    assert "Finnmarkssykehuset Alta" in page  # in the employer history
    assert "NAV Tromsø" in page


def test_choosing_the_current_employer_again_changes_nothing(logged_in, person, employers):
    current = employ(person, employers["tromso"])

    logged_in.post(EMPLOYER, {"organisation": employers["tromso"].pk})

    assert list(Membership.objects.filter(user=person)) == [current]
    current.refresh_from_db()
    assert current.ended_at is None


def request_data(**overrides):
    data = {
        "request": "1",
        "name": "Jobbhuset Alta",
        "org_number": "",
        "municipality": municipality("5601").pk,
        "kind": OrganisationKind.MUNICIPAL_SERVICE,
    }
    data.update(overrides)
    return data


def test_requesting_an_unknown_employer_creates_a_pending_one(logged_in, person, employers):
    response = logged_in.post(EMPLOYER, request_data(org_number="974 760 665"), follow=True)

    organisation = Organisation.objects.get(name="Jobbhuset Alta")
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.org_number == "974760665"
    assert organisation.requested_by == person
    assert organisation.municipality.name == "Alta"
    assert organisation.county == municipality("5601").county
    assert Membership.objects.current().get(user=person).organisation == organisation
    assert response.redirect_chain[-1][0] == reverse("profile")
    assert shows(
        response,
        "%(name)s has been registered as your employer and awaits approval by an administrator.",
        name="Jobbhuset Alta",
    )
    # Not yet approved, so nobody else can choose it.
    assert results(logged_in.get(EMPLOYER, {"q": "Jobbhuset"})) == []


def test_requesting_an_employer_without_org_number(logged_in, person, db):
    logged_in.post(EMPLOYER, request_data())

    organisation = Organisation.objects.get(name="Jobbhuset Alta")
    assert organisation.org_number == ""
    assert organisation.status == OrganisationStatus.PENDING


@pytest.mark.parametrize("org_number", ["974760674", "12345", "abcdefghi"])
def test_requesting_an_employer_with_invalid_org_number_creates_nothing(
    logged_in, person, employers, org_number
):
    before = Organisation.objects.count()

    response = logged_in.post(EMPLOYER, request_data(org_number=org_number))

    assert response.status_code == 200
    assert "org_number" in response.context["request_form"].errors
    assert Organisation.objects.count() == before
    assert not Membership.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},
        {"municipality": ""},
        {"kind": "resource_centre"},  # people cannot register resource centres
        {"kind": "national_body"},
    ],
)
def test_requesting_an_employer_with_missing_fields_creates_nothing(
    logged_in, person, db, overrides
):
    response = logged_in.post(EMPLOYER, request_data(**overrides))

    assert response.status_code == 200
    assert response.context["request_form"].errors
    assert not Organisation.objects.exists()
    assert not Membership.objects.filter(user=person).exists()


def test_requesting_an_employer_whose_number_is_known_reuses_it(logged_in, person, employers):
    before = Organisation.objects.count()

    response = logged_in.post(
        EMPLOYER, request_data(name="NAV i Tromsø", org_number="974 760 673"), follow=True
    )

    assert Organisation.objects.count() == before
    assert Membership.objects.current().get(user=person).organisation == employers["tromso"]
    assert shows(response, "%(name)s already exists and is now your employer.", name="NAV Tromsø")


def test_person_sees_only_their_own_profile(client, person, employers):
    other = make_account("annen@example.no", first_name="Anne", last_name="Annensen")
    employ(other, employers["alta"])
    client.force_login(person)

    page = client.get(reverse("profile")).content.decode()

    assert "per.profil@example.no" in page
    assert "annen@example.no" not in page
    assert "Annensen" not in page
    assert User.objects.count() == 2
