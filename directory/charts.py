"""Bar charts of the figures per town: one chart per measure, one labelled bar per town, drawn
by funding.charts.bar_chart (server-rendered SVG, no JavaScript, escaped, with a text
alternative; the side-by-side table on the same page is the full accessible equivalent)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from funding.charts import Group, Series, bar_chart, money

from .selectors_figures import FiguresOverview


def count(value: Decimal) -> str:
    return number_format(value, 0, force_grouping=True)


def hours(value: Decimal) -> str:
    return number_format(value, 2, force_grouping=True).rstrip("0").rstrip(",.") or "0"


@dataclass(frozen=True)
class Measure:
    key: str  # attribute of TownFigures
    title: str  # the chart's title, also the heading of its one group
    value_format: Callable[[Decimal], str]


def measures() -> list[Measure]:
    return [
        # No chart of volunteers per town: a bar carries the exact number, and a town of one
        # or two (or the count hiding it) must read "weniger als 3" / "nicht ausgewiesen".
        Measure("requests_open", _("Offene Hilfegesuche"), count),
        Measure("hours", _("Bestätigte Stunden"), hours),
        Measure("money_committed", _("Bewilligte KOMM-AN-Mittel"), money),
    ]


def _description(overview: FiguresOverview, measure: Measure) -> str:
    values = [(Decimal(getattr(row, measure.key)), row.name) for row in overview.rows]
    if not values or max(v for v, _n in values) <= 0:
        return _(
            "Für keinen Ort gibt es hier einen Wert über null. Die Tabelle enthält alle Zahlen."
        )
    peak, name = max(values, key=lambda item: (item[0], item[1]))
    total = Decimal(getattr(overview.total, measure.key))
    return _(
        "Ein Balken je Ort. Höchster Wert: %(town)s mit %(value)s; Kreis gesamt %(total)s. "
        "Die Tabelle enthält alle Zahlen."
    ) % {
        "town": name,
        "value": measure.value_format(peak),
        "total": measure.value_format(total),
    }


def town_charts(overview: FiguresOverview) -> list[SafeString]:
    """One chart per measure; every town a bar with its name and its value as text."""
    charts = []
    for measure in measures():
        series = [Series(row.name, "solid") for row in overview.rows]
        values = [Decimal(getattr(row, measure.key)) for row in overview.rows]
        charts.append(
            bar_chart(
                chart_id=f"chart-{measure.key.replace('_', '-')}",
                title=measure.title,
                description=_description(overview, measure),
                series=series,
                groups=[Group(measure.title, values)],
                value_format=measure.value_format,
            )
        )
    return charts
