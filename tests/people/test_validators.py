"""Organisation numbers: the mod-11 check, normalisation and uniqueness."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from organisations.models import Organisation, OrganisationStatus
from organisations.validators import (
    ORG_NUMBER_WEIGHTS,
    normalise_org_number,
    validate_org_number,
)

from .conftest import make_org, municipality


@pytest.mark.parametrize("number", ["974760673", "923609016", "974 760 673", " 923 609 016 "])
def test_valid_organisation_numbers_pass(number):
    validate_org_number(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("974760674", "org_number_check_digit"),  # last digit changed
        ("974760663", "org_number_check_digit"),  # a digit in the middle changed
        ("97476067", "org_number_length"),  # 8 digits
        ("9747606730", "org_number_length"),  # 10 digits
        ("97476067A", "org_number_length"),  # a letter
        ("NO974760673", "org_number_length"),
        ("", "org_number_length"),
    ],
)
def test_invalid_organisation_numbers_are_rejected(number, code):
    with pytest.raises(ValidationError) as caught:
        validate_org_number(number)
    assert caught.value.code == code


def test_number_without_a_possible_check_digit_is_rejected():
    # When the weighted sum leaves remainder 1 the check digit would be 10: no such number
    # exists, whatever the last digit.
    first_eight = next(
        f"{n:08d}"
        for n in range(10_000_000, 10_001_000)
        if sum(int(d) * w for d, w in zip(f"{n:08d}", ORG_NUMBER_WEIGHTS, strict=True)) % 11 == 1
    )
    for last in "0123456789":
        with pytest.raises(ValidationError):
            validate_org_number(first_eight + last)


def test_spaces_are_normalised():
    assert normalise_org_number(" 974 760\t673 ") == "974760673"
    assert normalise_org_number("") == ""
    assert normalise_org_number(None) == ""


@pytest.mark.django_db
def test_full_clean_normalises_the_number():
    place = municipality("0301")
    org = Organisation(name="NAV Frogner", municipality=place, org_number="974 760 673")
    org.full_clean()
    assert org.org_number == "974760673"
    assert org.county == place.county  # filled from the municipality


@pytest.mark.django_db
def test_full_clean_rejects_a_bad_number_in_norwegian():
    org = Organisation(
        name="NAV Frogner", municipality=municipality("0301"), org_number="974760674"
    )
    with translation.override("nb"):
        with pytest.raises(ValidationError) as caught:
            org.full_clean()
        messages = caught.value.message_dict["org_number"]
    assert messages == [
        "974760674 er ikke et gyldig organisasjonsnummer (kontrollsifferet er feil)."
    ]


@pytest.mark.django_db
def test_full_clean_rejects_a_short_number_in_norwegian():
    org = Organisation(name="NAV Frogner", municipality=municipality("0301"), org_number="12345")
    with translation.override("nb"):
        with pytest.raises(ValidationError) as caught:
            org.full_clean()
        messages = caught.value.message_dict["org_number"]
    assert messages == ["Et organisasjonsnummer har nøyaktig 9 sifre."]


@pytest.mark.django_db
def test_many_organisations_may_lack_a_number():
    make_org("Jobbklubben", org_number="")
    make_org("Arbeidslaget", org_number="")
    extra = Organisation(name="Tredje uten nummer", municipality=municipality("0301"))
    extra.full_clean()
    extra.save()
    assert Organisation.objects.filter(org_number="").count() == 3


@pytest.mark.django_db
def test_two_organisations_cannot_share_a_number():
    make_org("NAV Grünerløkka", org_number="974760673")
    duplicate = Organisation(
        name="NAV Grünerløkka (dublett)", municipality=municipality("0301"), org_number="974760673"
    )
    with translation.override("nb"), pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert caught.value.messages == ["En annen organisasjon har dette organisasjonsnummeret."]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Organisation.objects.filter(org_number="974760673").count() == 1


@pytest.mark.django_db
def test_a_merged_organisation_frees_its_number():
    survivor = make_org("NAV Grünerløkka", org_number="")
    old = make_org("NAV Grünerløkka gammel", org_number="974760673")
    old.status = OrganisationStatus.MERGED
    old.merged_into = survivor
    old.save()
    fresh = Organisation(
        name="NAV Grünerløkka ny", municipality=municipality("0301"), org_number="974760673"
    )
    fresh.full_clean()
    fresh.save()
