"""Reading a coordinator's list of colleagues from CSV (comma or semicolon, UTF-8 with or
without BOM, as Excel writes it in Norway) or XLSX.

Invariant: a file is either read completely into rows or rejected with one clear message;
nothing here touches the database. The cost of reading is bounded before anything is parsed:
the upload's size, then (XLSX) every zip entry's unpacked size and compression ratio and the
sheet's declared dimensions; rows are read lazily and reading stops at the row limit. XML is
parsed by openpyxl through defusedxml (no entity expansion, no external entities).
"""

import csv
import io
import zipfile

import defusedxml  # noqa: F401  (openpyxl parses XML through defusedxml when it is installed)
import openpyxl.xml
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
# XLSX bounds, checked on the zip directory before anything is unpacked.
MAX_ZIP_ENTRIES = 200
MAX_ENTRY_BYTES = 8 * 1024 * 1024  # unpacked size of one part (a sheet of 1,000 rows is ~200 KB)
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed, for parts larger than RATIO_FROM
RATIO_FROM = 1024 * 1024
MAX_COLUMNS = 50  # only the first columns are read; the three wanted ones are among them
MAX_SHEET_ROWS = 20 * MAX_ROWS  # rows read at all, blank ones included
MAX_CELL_CHARS = 1000
MAX_TEXT_CHARS = 200_000  # the typed box
assert openpyxl.xml.DEFUSEDXML, "defusedxml must be installed for openpyxl"
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


def _too_many_rows():
    return SpreadsheetError(
        _("The file has more than %(max)d rows; at most %(max)d can be enrolled at once.")
        % {"max": MAX_ROWS}
    )


def _non_blank(table, has_header):
    """(number, row) for each non-blank row, read lazily; stops just past the row limit."""
    limit = MAX_ROWS + (2 if has_header else 1)
    kept = []
    for number, row in enumerate(table, start=1):
        if number > MAX_SHEET_ROWS:
            raise _too_many_rows()
        if any(str(c or "").strip() for c in row):
            for cell in row:
                if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                    raise SpreadsheetError(
                        _("Row %(row)d has a cell longer than %(max)d characters.")
                        % {"row": number, "max": MAX_CELL_CHARS}
                    )
            kept.append((number, row))
            if len(kept) >= limit:
                raise _too_many_rows()
    return kept


def _rows_from_table(table, has_header=True):
    # Keep each row's number in the file, so that the report names the row the person sees.
    table = _non_blank(table, has_header)
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
        raise _too_many_rows()
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
    """Rows from typed CSV text (the 'newcomers' box)."""
    if len(text) > MAX_TEXT_CHARS:
        raise SpreadsheetError(
            _("The list is too long (more than %(max)d characters).") % {"max": MAX_TEXT_CHARS}
        )
    if "\x00" in text:
        raise SpreadsheetError(_("The text contains characters that cannot be stored."))
    return _parse_csv(text, has_header)


def _parse_csv(text, has_header=True):
    """Rows from CSV text; the delimiter (comma or semicolon) is taken from the first line."""
    text = text.lstrip("\ufeff")
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return _rows_from_table(
            csv.reader(io.StringIO(text), delimiter=delimiter), has_header=has_header
        )
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit() (128 KB)
        raise SpreadsheetError(
            _("The text could not be read as CSV (a field is too long or malformed).")
        ) from exc


def _not_xlsx():
    return SpreadsheetError(
        _("The file is not a valid Excel (XLSX) file. Save it again as XLSX or CSV.")
    )


def _check_zip(data):
    """Refuse a zip whose parts would unpack too large (a zip bomb) before unpacking any."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _not_xlsx() from exc
    with archive:
        entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise _not_xlsx()
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if (
            entry.file_size > MAX_ENTRY_BYTES
            or total > MAX_UNPACKED_BYTES
            or (entry.file_size > RATIO_FROM and ratio > MAX_RATIO)
        ):
            raise SpreadsheetError(
                _(
                    "The Excel file would unpack to far more data than a list of colleagues "
                    "needs. Save the list as a new XLSX or CSV file with only the colleagues."
                )
            )


def _read_xlsx(data):
    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise _not_xlsx() from exc
    except Exception as exc:  # malformed XML, forbidden entities (defusedxml), bad parts
        raise _not_xlsx() from exc
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(_("The Excel file has no sheet."))
        sheet = workbook.worksheets[0]
        if not hasattr(sheet, "iter_rows"):  # a chart sheet
            raise SpreadsheetError(_("The Excel file has no sheet."))
        # The declared dimensions (<dimension ref="A1:C20"/>), when present.
        declared_rows = getattr(sheet, "max_row", None) or 0
        if declared_rows > MAX_SHEET_ROWS:
            raise _too_many_rows()
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        return _rows_from_table(rows)
    except SpreadsheetError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of errors on a malformed sheet
        raise _not_xlsx() from exc
    finally:
        workbook.close()


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
        return _read_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            _("The file is not UTF-8 text. In Excel, save it as 'CSV UTF-8 (comma delimited)'.")
        ) from exc
    if "\x00" in text:
        raise SpreadsheetError(_("The file is not a CSV or XLSX file."))
    return _parse_csv(text)


def template_rows():
    return [
        ["name", "email", "profession"],
        ["Kari Nordmann", "kari.nordmann@example.no", "job_specialist"],
    ]
