"""Loads the shipped municipality list. Idempotent: rows are matched on (number, valid_from)."""

import csv
from datetime import date
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "norway-municipalities-2024.csv"


def load_municipalities(county_model, municipality_model, path=DATA_FILE):
    counties = {}
    created = 0
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            valid_from = date.fromisoformat(row["valid_from"])
            key = (row["county_number"], valid_from)
            if key not in counties:
                counties[key], _ = county_model.objects.get_or_create(
                    number=row["county_number"],
                    valid_from=valid_from,
                    defaults={"name": row["county_name"]},
                )
            _, was_created = municipality_model.objects.get_or_create(
                number=row["municipality_number"],
                valid_from=valid_from,
                defaults={"name": row["municipality_name"], "county": counties[key]},
            )
            created += was_created
    return created
