"""Loads the shipped reference data. Idempotent: rows are matched on (number, valid_from).

- norway-municipalities-2024.csv: all 357 municipalities and 15 counties from 1 January 2024.
- renumbered-2020-2023.csv: earlier numbers of municipalities renumbered on 1 January 2024
  when Viken, Vestfold og Telemark and Troms og Finnmark were split (a subset of the 114),
  each pointing at its successor, so an old number in old data still resolves.
"""

import csv
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
CURRENT_FILE = DATA_DIR / "norway-municipalities-2024.csv"
HISTORY_FILE = DATA_DIR / "renumbered-2020-2023.csv"


def _rows(path):
    with open(path, encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def load_municipalities(county_model, municipality_model, path=CURRENT_FILE, history=HISTORY_FILE):
    counties = {}
    created = 0

    def county_for(row, valid_from, valid_to):
        key = (row["county_number"], valid_from)
        if key not in counties:
            counties[key], _ = county_model.objects.get_or_create(
                number=row["county_number"],
                valid_from=valid_from,
                defaults={"name": row["county_name"], "valid_to": valid_to},
            )
        return counties[key]

    for row in _rows(path):
        valid_from = date.fromisoformat(row["valid_from"])
        _, was_created = municipality_model.objects.get_or_create(
            number=row["municipality_number"],
            valid_from=valid_from,
            defaults={
                "name": row["municipality_name"],
                "county": county_for(row, valid_from, None),
            },
        )
        created += was_created

    if history and Path(history).exists():
        for row in _rows(history):
            valid_from = date.fromisoformat(row["valid_from"])
            valid_to = date.fromisoformat(row["valid_to"])
            successor = municipality_model.objects.get(
                number=row["successor_number"], valid_from=valid_to
            )
            _, was_created = municipality_model.objects.get_or_create(
                number=row["municipality_number"],
                valid_from=valid_from,
                defaults={
                    "name": row["municipality_name"],
                    "county": county_for(row, valid_from, valid_to),
                    "valid_to": valid_to,
                    "replaced_by": successor,
                },
            )
            created += was_created
    return created
