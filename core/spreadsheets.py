"""Spreadsheet export that is safe to open in Excel."""

import datetime

from django.utils import timezone

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
