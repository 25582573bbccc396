"""Import organisations (for example NAPHA's list of grant recipients) from CSV.

Invariant: all rows are validated first; if any row is wrong nothing is saved, and every
problem is reported with its row number. Rows whose organisation number already exists update
nothing and are reported as known.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from geo.models import Municipality

from ..models import Organisation, OrganisationKind, OrganisationStatus
from ..validators import normalise_org_number, validate_org_number

COLUMNS = ("name", "org_number", "municipality_number", "kind")


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    known: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (row number, message)


def _read(text):
    text = text.lstrip("\ufeff")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;") if text else csv.excel
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


def import_organisations(text, *, dry_run=False):
    result = ImportResult()
    try:
        rows = _read(text)
    except csv.Error:
        result.errors.append((1, _("The file is not a readable CSV file.")))
        return result
    if not rows or set(COLUMNS) - set(rows[0].keys()):
        result.errors.append(
            (1, _("The columns must be: %(cols)s.") % {"cols": ", ".join(COLUMNS)})
        )
        return result
    seen = set()
    pending = []
    kinds = {value for value, _label in OrganisationKind.choices}
    for number, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        org_number = normalise_org_number(row.get("org_number") or "")
        kind = (row.get("kind") or OrganisationKind.GRANT_RECIPIENT).strip()
        problems = []
        if not name:
            problems.append(_("the name is missing"))
        if kind not in kinds:
            problems.append(_("unknown kind '%(kind)s'") % {"kind": kind})
        if org_number:
            try:
                validate_org_number(org_number)
            except ValidationError as exc:
                problems.extend(exc.messages)
        try:
            municipality = Municipality.objects.for_number(row.get("municipality_number"))
        except ValidationError as exc:
            problems.extend(exc.messages)
        if org_number and org_number in seen:
            problems.append(_("the organisation number appears twice in the file"))
        seen.add(org_number)
        if problems:
            result.errors.append((number, " ".join(str(p) for p in problems)))
            continue
        existing = (
            Organisation.objects.exclude(status=OrganisationStatus.MERGED)
            .filter(org_number=org_number)
            .first()
            if org_number
            else None
        )
        if existing:
            result.known.append(existing)
            continue
        pending.append(
            Organisation(
                name=name,
                org_number=org_number,
                kind=kind,
                municipality=municipality,
                county=municipality.county,
            )
        )
    if result.errors:
        return result
    result.created = pending
    if not dry_run:
        with transaction.atomic():
            for org in pending:
                org.save()
    return result
