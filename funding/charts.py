"""Server-rendered SVG charts (no JavaScript, no inline styles: the Content-Security-Policy
forbids both; SVG presentation attributes are not styles).

A chart is an image with a text alternative: role="img", a <title> and a <desc> referenced by
aria-labelledby. Every bar carries its series name and its value as text, and the series differ
by pattern as well as by shade, so nothing depends on colour. The data table beside the chart
is the full accessible equivalent. Every text and attribute is escaped (format_html); the
result is safe to include in a template.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .selectors import BudgetOverview, PotRow

INK = "#1B2A4E"  # dark blue: text and outlines, contrast > 12:1 on white
PAPER = "#FFFFFF"
FONT = "Fira Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Series:
    """One measure shown for every group; `pattern` names one of PATTERNS."""

    label: str
    pattern: str


@dataclass(frozen=True)
class Group:
    """One group of bars (e.g. one building block); one value per series."""

    label: str
    values: Sequence[Decimal]


# Fills that differ by texture, not only by shade (WCAG 1.4.1), each drawn with INK on white.
# A pattern tile is 6 x 6 user units; "solid" and "outline" need no tile.
PATTERN_TILES = {
    "hatch": '<path d="M0,6 L6,0" stroke="{}" stroke-width="1.5"/>',
    "crosshatch": '<path d="M0,6 L6,0 M0,0 L6,6" stroke="{}" stroke-width="1"/>',
    "dots": '<circle cx="3" cy="3" r="1.3" fill="{}"/>',
    "lines": '<path d="M0,3 L6,3" stroke="{}" stroke-width="1.5"/>',
}


def _fill(chart_id: str, pattern: str) -> str:
    if pattern == "solid":
        return INK
    if pattern == "outline":
        return PAPER
    return f"url(#{chart_id}-{pattern})"


def _join(parts) -> SafeString:
    return format_html_join("", "{}", ((part,) for part in parts))


def _defs(chart_id: str, patterns: set[str]) -> SafeString:
    tiles = [
        format_html(
            '<pattern id="{}-{}" width="6" height="6" patternUnits="userSpaceOnUse">'
            '<rect width="6" height="6" fill="{}"/>{}</pattern>',
            chart_id,
            name,
            PAPER,
            format_html(PATTERN_TILES[name], INK),
        )
        for name in sorted(patterns)
        if name in PATTERN_TILES
    ]
    return format_html("<defs>{}</defs>", _join(tiles))


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    series: Sequence[Series],
    groups: Sequence[Group],
    value_format: Callable[[Decimal], str],
) -> SafeString:
    """Horizontal grouped bars on one common scale: per group a heading, then one labelled bar
    per series with its value at the end. Values below zero are drawn as zero. Every text and
    attribute goes through format_html, i.e. is escaped."""
    width, label_width, bar_left, bar_width = 720, 150, 160, 400
    bar_height, bar_gap, heading_height, group_gap = 14, 6, 22, 16
    peak = max((value for group in groups for value in group.values), default=Decimal(0))
    scale = Decimal(bar_width) / peak if peak > 0 else Decimal(0)

    body: list[SafeString] = []
    y = 8
    for group in groups:
        y += heading_height
        body.append(
            format_html(
                '<text x="0" y="{}" font-weight="600" font-size="14">{}</text>', y - 6, group.label
            )
        )
        for item, value in zip(series, group.values, strict=True):
            length = float(max(value, Decimal(0)) * scale)
            middle = f"{y + bar_height / 2 + 4:.1f}"
            body.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>',
                    label_width,
                    middle,
                    item.label,
                )
            )
            if length > 0:
                body.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                        'stroke-width="1"/>',
                        bar_left,
                        y,
                        f"{length:.1f}",
                        bar_height,
                        _fill(chart_id, item.pattern),
                        INK,
                    )
                )
            body.append(
                format_html(
                    '<text x="{}" y="{}" font-size="12">{}</text>',
                    f"{bar_left + length + 6:.1f}",
                    middle,
                    value_format(value),
                )
            )
            y += bar_height + bar_gap
        y += group_gap
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" id="{id}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {width} {height}" width="100%" '
        'focusable="false" font-family="{font}" fill="{ink}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{defs}{body}</svg>",
        id=chart_id,
        width=width,
        height=y,
        font=FONT,
        ink=INK,
        title=title,
        desc=description,
        defs=_defs(chart_id, {item.pattern for item in series}),
        body=_join(body),
    )


def money(value: Decimal) -> str:
    """Amount in the active language's notation with a euro sign."""
    return f"{number_format(value, 2, force_grouping=True)} €"


def budget_series() -> list[Series]:
    return [
        Series(_("Topf"), "outline"),
        Series(_("gebunden (netto)"), "solid"),
        Series(_("ausgezahlt"), "hatch"),
        Series(_("verfügbar"), "lines"),
        Series(_("offene Anträge"), "dots"),
    ]


def _budget_values(row: PotRow) -> list[Decimal]:
    return [row.pot, row.net_committed, row.paid, row.available, row.requested_open]


def budget_chart(overview: BudgetOverview, *, chart_id: str = "budget-chart") -> SafeString:
    """The budget overview of a funding year: the year's total and each building block."""
    year = overview.programme_year
    total = overview.total
    groups = [Group(_("Förderjahr gesamt"), _budget_values(total))] + [
        Group(f"{row.code}: {row.label}", _budget_values(row)) for row in overview.blocks
    ]
    description = _(
        "Topf %(pot)s, davon gebunden %(bound)s, ausgezahlt %(paid)s, verfügbar %(available)s; "
        "offene Anträge über %(open)s. Die Zahlen je Baustein stehen in der Tabelle."
    ) % {
        "pot": money(total.pot),
        "bound": money(total.net_committed),
        "paid": money(total.paid),
        "available": money(total.available),
        "open": money(total.requested_open),
    }
    return bar_chart(
        chart_id=chart_id,
        title=_("Fördertöpfe %(year)s") % {"year": f"{year.programme.short_name} {year.year}"},
        description=description,
        series=budget_series(),
        groups=groups,
        value_format=money,
    )
