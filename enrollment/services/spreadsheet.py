"""Reading a coordinator's list of colleagues from CSV (comma or semicolon, UTF-8 with or
without BOM, as Excel writes it in Norway) or XLSX.

Invariant: a file is either read completely into rows or rejected with one clear message;
nothing here touches the database.
"""

import csv
import io
import zipfile

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
COLUMNS = ("name", "email", "profession")
HEADER_ALIASES = {
    "name": "name",
    "navn": "name",
    "fullt navn": "name",
    "email": "email",
    "e-mail": "email",
    "e-post": "email",
    "epost": "email",
    "profession": "profession",
    "yrke": "profession",
    "yrkesgruppe": "profession",
}


class SpreadsheetError(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def _normalise_header(cells):
    return [HEADER_ALIASES.get(str(c or "").strip().lower()) for c in cells]


def _rows_from_table(table, has_header=True):
    # Keep each row's number in the file, so that the report names the row the person sees.
    table = [
        (number, row)
        for number, row in enumerate(table, start=1)
        if any(str(c or "").strip() for c in row)
    ]
    if has_header:
        if not table:
            raise SpreadsheetError(_("The file is empty."))
        header = _normalise_header(table[0][1])
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise SpreadsheetError(
                _(
                    "The first row must name the columns name, email and profession "
                    "(missing: %(m)s)."
                )
                % {"m": ", ".join(missing)}
            )
        index = {name: header.index(name) for name in COLUMNS}
        body = table[1:]
    else:
        index = {name: i for i, name in enumerate(COLUMNS)}
        body = table
    if not body:
        raise SpreadsheetError(_("The file has no rows below the column names."))
    if len(body) > MAX_ROWS:
        raise SpreadsheetError(
            _("The file has %(n)d rows; at most %(max)d can be enrolled at once.")
            % {"n": len(body), "max": MAX_ROWS}
        )
    rows = []
    for number, row in body:
        cells = list(row) + [""] * len(COLUMNS)
        rows.append(
            {
                name: str(cells[i] if cells[i] is not None else "").strip()
                for name, i in index.items()
            }
            | {"row": number}
        )
    return rows


def parse_text(text, has_header=True):
    """Rows from CSV text; the delimiter (comma or semicolon) is taken from the first line."""
    text = text.lstrip("\ufeff")
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    return _rows_from_table(table, has_header=has_header)


def read_upload(upload):
    """Rows from an uploaded file (Django UploadedFile)."""
    if upload.size > MAX_BYTES:
        raise SpreadsheetError(
            _("The file is too large (%(size)d MB). The limit is 2 MB.")
            % {"size": max(1, upload.size // (1024 * 1024))}
        )
    data = upload.read()
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    name = (upload.name or "").lower()
    if data[:2] == b"PK" or name.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise SpreadsheetError(
                _("The file is not a valid Excel (XLSX) file. Save it again as XLSX or CSV.")
            ) from exc
        sheet = workbook.worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return _rows_from_table(table)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _("The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8 (comma delimited)'.")
        ) from exc
    if "\x00" in text:
        raise SpreadsheetError(_("The file is not a CSV or XLSX file."))
    return parse_text(text)


def template_rows():
    return [
        ["name", "email", "profession"],
        ["Kari Nordmann", "kari.nordmann@example.no", "job_specialist"],
    ]
