"""The shipped reference data for counties and municipalities."""

from datetime import date

import pytest

from geo.models import County, Municipality


@pytest.mark.django_db
def test_reference_data_on_1_january_2024():
    day = date(2024, 1, 1)
    assert County.objects.valid_on(day).count() == 15
    assert Municipality.objects.valid_on(day).count() == 357


@pytest.mark.django_db
def test_municipality_numbers_are_unique_on_a_given_day():
    numbers = list(Municipality.objects.valid_on(date(2024, 1, 1)).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


@pytest.mark.django_db
def test_every_current_municipality_lies_in_a_current_county():
    day = date(2024, 1, 1)
    current_counties = set(County.objects.valid_on(day).values_list("pk", flat=True))
    assert set(Municipality.objects.valid_on(day).values_list("county", flat=True)) == (
        current_counties
    )


@pytest.mark.django_db
def test_well_known_municipalities():
    day = date(2024, 1, 1)
    valid = Municipality.objects.valid_on(day).select_related("county")
    assert valid.get(number="0301").name == "Oslo"
    assert valid.get(number="4601").county.name == "Vestland"
    assert valid.get(number="5501").name == "Tromsø"
