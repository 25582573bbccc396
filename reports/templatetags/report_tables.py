"""The national report's table bodies, rendered in Python: a report by grant recipient has
hundreds of rows, and the template engine spent more time on them than the database did on
the figures. The output is what the template gave: values localised (``localize``, as the
template does) and escaped."""

from django import template
from django.template.defaultfilters import add
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def participation_rows(rows):
    if not rows:
        return format_html('<tr><td colspan="4">{}</td></tr>', _("No data."))
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                localize(r["label"]),
                localize(r["registered_shown"]),
                localize(r["attended_shown"]),
                localize(r["completed_shown"]),
            )
            for r in rows
        ),
    )


def _share_cell(row, hidden):
    if row["share_shown"] == hidden:
        return format_html('<td aria-describedby="share-hidden-note">{}</td>', hidden)
    share = row["share_shown"]
    return format_html("<td>{}</td>", "–" if share is None else localize(share))


@register.simple_tag
def share_rows(breakdown, hidden="–"):
    if not breakdown:
        return format_html('<tr><td colspan="5">{}</td></tr>', _("No data."))
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}</tr>",
        (
            (
                localize(r["period_label"]),
                localize(r["group"]),
                localize(r["therapists_shown"]),
                localize(r["job_specialists_shown"]),
                _share_cell(r, hidden),
            )
            for r in breakdown
        ),
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

    def plain(value):
        return localize(value, use_l10n=False)

    label_x = plain(add(chart["label_width"], "-8"))
    value_x = plain(add(chart["label_width"], 6))
    bar_x = plain(chart["label_width"])
    height = plain(chart["bar_height"])
    return format_html_join(
        "",
        BAR_ITEM,
        (
            (
                label_x,
                plain(add(item["y"], 16)),
                item["label"],
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
        ),
    )
