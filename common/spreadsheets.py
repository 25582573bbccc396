"""Spreadsheet export that is safe to open in Excel.

Invariant: no cell of any spreadsheet the project produces starts with a character a
spreadsheet program reads as a formula: our own exports go through ``spreadsheet_response``,
and every export of the Wagtail admin (model viewsets, snippets, reports, form submissions)
goes through ``SpreadsheetExportMixin.preprocess_field_value``, which
``neutralise_wagtail_exports`` (called once at start-up by ``common.apps``) wraps.
"""

import csv
import datetime
import functools
import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Cells starting with = + - @ are read as formulas by spreadsheet programs (CSV
    injection); prefix them with an apostrophe so they stay text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin:
    """For views using Wagtail's SpreadsheetExportMixin: neutralise formulas in every cell."""

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            # Local (Europe/Oslo) time, as people read it; XLSX cells cannot hold a zone.
            value = timezone.make_naive(value)
            return value if export_format == "xlsx" else value.strftime("%d.%m.%Y %H:%M")
        value = super().preprocess_field_value(field, value, export_format)
        return neutralise_formula(value)


def neutralise_wagtail_exports():
    """Make every Wagtail admin export neutralise formulas (its CSV export does not; a
    participant can request an employer named '=HYPERLINK(...)'). Idempotent."""
    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "neutralises_formulas", False):
        return

    @functools.wraps(original)
    def preprocess_field_value(self, field, value, export_format):
        return neutralise_formula(original(self, field, value, export_format))

    preprocess_field_value.neutralises_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value


def spreadsheet_response(filename, headers, rows, export_format):
    """A CSV (UTF-8 with BOM, semicolons, as Excel in Norway expects) or XLSX download with
    formula cells neutralised."""
    rows = [[neutralise_formula(cell) for cell in row] for row in rows]
    if export_format == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append([str(h) for h in headers])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([str(h) for h in headers])
        writer.writerows(rows)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
        export_format = "csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{export_format}"'
    return response
