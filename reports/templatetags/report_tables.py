"""The national report's table bodies, rendered in Python: a report by grant recipient has
hundreds of rows, and the template engine spent more time on them than the database on the
figures. The output is what the template gave: values localised (``localize``, as the
template does) and escaped (``conditional_escape``).

Invariant: every cell is exactly ``conditional_escape(localize(value))`` (or, in the SVG,
``conditional_escape(localize(value, use_l10n=False))``). ``Cells`` gets there with the
locale's number formats looked up once per table rather than once per cell, and rows are
joined as plain strings: ``format_html`` and the lazy wrappers around ``localize`` and
``escape`` cost more than the figures' SQL on a 400-row report
(``tests/reports/test_report_tables.py`` holds the two to the same output).
"""

import html
from decimal import Decimal

from django import template
from django.conf import settings
from django.template.defaultfilters import add
from django.utils import numberformat
from django.utils.formats import get_format, localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

NUMBERS = (int, float, Decimal)


class Cells:
    """``conditional_escape(localize(value))`` for many values in one language (the active
    one when made); with ``use_l10n=False``, ``conditional_escape(localize(value, False))``."""

    def __init__(self, use_l10n=True):
        self.use_l10n = use_l10n
        # Integers are their digits unless the locale groups them (numberformat.format's
        # fast path, taken here without the call); never so with use_l10n=False.
        self.plain_integers = True
        if use_l10n:
            lang = get_language()
            self.decimal_separator = get_format("DECIMAL_SEPARATOR", lang, use_l10n=True)
            self.grouping = get_format("NUMBER_GROUPING", lang, use_l10n=True)
            self.thousand_separator = get_format("THOUSAND_SEPARATOR", lang, use_l10n=True)
            self.plain_integers = not (settings.USE_THOUSAND_SEPARATOR and self.grouping != 0)

    def __call__(self, value):
        kind = type(value)
        if kind is int and self.plain_integers:
            return str(value)
        if kind is str:
            return html.escape(value)
        if isinstance(value, str):
            return str(value) if isinstance(value, SafeData) else html.escape(value)
        if isinstance(value, NUMBERS) and not isinstance(value, bool):
            if not self.use_l10n:
                return html.escape(str(value))
            # number_format(value) with the formats looked up once
            text = numberformat.format(
                value,
                self.decimal_separator,
                None,
                self.grouping,
                self.thousand_separator,
                force_grouping=False,
                use_l10n=True,
            )
            return str(text) if isinstance(text, SafeData) else html.escape(str(text))
        localized = localize(value) if self.use_l10n else localize(value, use_l10n=False)
        return str(conditional_escape(localized))


def _joined(fragments):
    """Markup built from fixed fragments and values that went through ``Cells`` or
    ``_escape`` (nothing else may be passed in)."""
    return mark_safe("".join(fragments))  # noqa: S308 - every value in it is escaped


def _escape(value):
    """``conditional_escape(value)`` as a plain ``str``."""
    if type(value) is str:
        return html.escape(value)
    return str(conditional_escape(value))


@register.simple_tag
def participation_rows(rows):
    if not rows:
        return format_html('<tr><td colspan="4">{}</td></tr>', _("No data."))
    cell = Cells()
    return _joined(
        f"<tr><td>{cell(r['label'])}</td><td>{cell(r['registered_shown'])}</td>"
        f"<td>{cell(r['attended_shown'])}</td><td>{cell(r['completed_shown'])}</td></tr>"
        for r in rows
    )


def _share_cell(row, hidden, cell):
    share = row["share_shown"]
    if share == hidden:
        return f'<td aria-describedby="share-hidden-note">{cell(hidden)}</td>'
    return f"<td>{cell('–' if share is None else share)}</td>"


@register.simple_tag
def share_rows(breakdown, hidden="–"):
    if not breakdown:
        return format_html('<tr><td colspan="5">{}</td></tr>', _("No data."))
    cell = Cells()
    return _joined(
        f"<tr><td>{cell(r['period_label'])}</td><td>{cell(r['group'])}</td>"
        f"<td>{cell(r['therapists_shown'])}</td><td>{cell(r['job_specialists_shown'])}</td>"
        f"{_share_cell(r, hidden, cell)}</tr>"
        for r in breakdown
    )


BAR_ITEM = (
    '\n    <text x="{}" y="{}" text-anchor="end" font-size="13" fill="#1a1a1a">{}</text>'
    '\n    <rect x="{}" y="{}" width="{}" height="{}" fill="#0b4f6c"></rect>'
    '\n    <text x="{}" dx="{}" y="{}" font-size="13" fill="#1a1a1a">{}{}</text>\n  '
)


@register.simple_tag
def bar_items(chart, suffix=""):
    """The bars of a ``charts.bars`` chart (label, bar, value), numbers unlocalised as SVG
    needs them."""
    plain = Cells(use_l10n=False)
    label_x = plain(add(chart["label_width"], "-8"))
    value_x = plain(add(chart["label_width"], 6))
    bar_x = plain(chart["label_width"])
    height = plain(chart["bar_height"])
    suffix = _escape(suffix)
    return _joined(
        BAR_ITEM.format(
            label_x,
            plain(add(item["y"], 16)),
            _escape(item["label"]),
            bar_x,
            plain(item["y"]),
            plain(item["width"]),
            height,
            value_x,
            plain(item["width"]),
            plain(add(item["y"], 16)),
            plain(item["value"]),
            suffix,
        )
        for item in chart["items"]
    )
