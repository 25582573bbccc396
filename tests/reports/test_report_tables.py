"""The report tables' cell formatter gives what the template gave, value by value: localised
as ``localize`` does and escaped as ``conditional_escape`` does."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from reports.templatetags.report_tables import Cells, bar_items, participation_rows, share_rows

VALUES = [
    0,
    7,
    -3,
    1234567,
    37.5,
    0.0,
    100.0,
    1e-07,
    12345.25,
    Decimal("12.50"),
    True,
    None,
    "",
    "<5",
    "–",
    "Møre og Romsdal",
    "A & B <script>\"'",
    mark_safe("<b>safe</b>"),
    gettext_lazy("Profession"),
    datetime.date(2024, 4, 1),
    datetime.datetime(2024, 4, 1, 13, 5),
]


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize("grouping", [False, True])
def test_cells_are_localize_then_conditional_escape(language, grouping):
    with override_settings(USE_THOUSAND_SEPARATOR=grouping), translation.override(language):
        cell, plain = Cells(), Cells(use_l10n=False)
        for value in VALUES:
            assert cell(value) == str(conditional_escape(localize(value))), value
            assert plain(value) == str(conditional_escape(localize(value, use_l10n=False))), value


def test_rows_escape_labels():
    rows = [
        {
            "label": "<i>x</i>",
            "registered_shown": 1200,
            "attended_shown": "<5",
            "completed_shown": 0,
        }
    ]
    with translation.override("nb"):
        html = participation_rows(rows)
    assert html == "<tr><td>&lt;i&gt;x&lt;/i&gt;</td><td>1200</td><td>&lt;5</td><td>0</td></tr>"
    breakdown = [
        {
            "period_label": "2024 K1",
            "group": "A&B",
            "therapists_shown": 10,
            "job_specialists_shown": 15,
            "share_shown": 40.0,
        },
        {
            "period_label": "2024 K2",
            "group": "–",
            "therapists_shown": "<5",
            "job_specialists_shown": 15,
            "share_shown": "–",
        },
    ]
    with translation.override("nb"):
        html = share_rows(breakdown)
    assert html == (
        "<tr><td>2024 K1</td><td>A&amp;B</td><td>10</td><td>15</td><td>40,0</td></tr>"
        "<tr><td>2024 K2</td><td>–</td><td>&lt;5</td><td>15</td>"
        '<td aria-describedby="share-hidden-note">–</td></tr>'
    )


def test_bars_are_unlocalised_and_escaped():
    chart = {
        "label_width": 220,
        "bar_height": 22,
        "items": [{"label": "<A>", "value": 12, "y": 28, "width": 180.5}],
    }
    with translation.override("nb"):
        svg = bar_items(chart, " %")
    assert 'x="212" y="44"' in svg
    assert ">&lt;A&gt;</text>" in svg
    assert 'width="180.5"' in svg
    assert 'dx="180.5" y="44" font-size="13" fill="#1a1a1a">12 %</text>' in svg
