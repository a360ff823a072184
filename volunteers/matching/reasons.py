"""Why a suggestion was made, in words, in the active language.

Reasons name what speaks for a candidate (and, for fairness, how often somebody was asked
lately); the numbers behind them are the score parts. Built only for the rows that are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from volunteers.models import DAY_PARTS, HelpRequest, LanguageLevel, VolunteerProfile

from .scores import bits, request_slots

# Translators: a weekday as it stands before a part of the day: "dienstags nachmittags".
WEEKDAYS_BEFORE_PART = [
    gettext_lazy("montags"),
    gettext_lazy("dienstags"),
    gettext_lazy("mittwochs"),
    gettext_lazy("donnerstags"),
    gettext_lazy("freitags"),
    gettext_lazy("samstags"),
    gettext_lazy("sonntags"),
]


@dataclass(frozen=True)
class History:
    """What a volunteer did lately, for the fairness and activity reasons."""

    asked_recently: int = 0
    busy_with: int = 0
    experienced: bool = False


def slots_text(mask: int) -> str:
    """'dienstags nachmittags, freitags abends' for the slots in the mask."""
    labels = []
    for bit in bits(mask):
        slot = bit.bit_length() - 1
        weekday, part = divmod(slot, len(DAY_PARTS))
        labels.append(str(format_lazy("{} {}", WEEKDAYS_BEFORE_PART[weekday], DAY_PARTS[part])))
    return ", ".join(labels)


def _level(level: int) -> str:
    return str(LanguageLevel(level).label)


def volunteer_reasons(
    profile: VolunteerProfile, help_request: HelpRequest, *, km: int, history: History
) -> list[str]:
    """Reasons to ask this volunteer, as a coordinator reads them."""
    reasons = []
    spoken = {language.code: language for language in profile.languages.all()}
    for needed in help_request.languages.all():
        language = spoken[needed.code]  # the hard filter guarantees it
        reasons.append(
            _("spricht %(language)s (%(level)s)")
            % {"language": language.name, "level": _level(language.level)}
        )
    if profile.town_id == help_request.town_id:
        reasons.append(_("wohnt am Ort, in %(town)s") % {"town": profile.town.name})
    else:
        reasons.append(
            _("wohnt %(km)d km entfernt in %(town)s") % {"km": km, "town": profile.town.name}
        )
    overlap = profile.availability & (request_slots(help_request) or 0)
    if overlap:
        reasons.append(_("%(slots)s verfügbar") % {"slots": slots_text(overlap)})
    area = help_request.activity_area.name
    if history.experienced:
        reasons.append(_("Erfahrung im Bereich %(area)s") % {"area": area})
    elif any(a.pk == help_request.activity_area_id for a in profile.activity_areas.all()):
        reasons.append(_("interessiert sich für %(area)s") % {"area": area})
    if history.asked_recently:
        reasons.append(
            ngettext(
                "wurde in den letzten 30 Tagen einmal angefragt",
                "wurde in den letzten 30 Tagen %(count)d-mal angefragt",
                history.asked_recently,
            )
            % {"count": history.asked_recently}
        )
    else:
        reasons.append(_("hat in den letzten 30 Tagen noch keine Anfrage bekommen"))
    if history.busy_with:
        reasons.append(
            ngettext(
                "hilft gerade bei %(count)d Hilfegesuch",
                "hilft gerade bei %(count)d Hilfegesuchen",
                history.busy_with,
            )
            % {"count": history.busy_with}
        )
    return reasons


def request_reasons(help_request: HelpRequest, profile: VolunteerProfile, *, km: int) -> list[str]:
    """Reasons why a request suits the volunteer, addressed to the volunteer."""
    reasons = []
    spoken = {language.code: language for language in profile.languages.all()}
    for needed in help_request.languages.all():
        language = spoken[needed.code]  # the hard filter guarantees it
        reasons.append(
            _("Sie sprechen %(language)s (%(level)s)")
            % {"language": language.name, "level": _level(language.level)}
        )
    if help_request.town_id == profile.town_id:
        reasons.append(_("in Ihrem Wohnort %(town)s") % {"town": help_request.town.name})
    else:
        reasons.append(
            _("%(km)d km entfernt in %(town)s") % {"km": km, "town": help_request.town.name}
        )
    overlap = profile.availability & (request_slots(help_request) or 0)
    if overlap:
        reasons.append(_("passt zu Ihrer Zeit: %(slots)s") % {"slots": slots_text(overlap)})
    if any(a.pk == help_request.activity_area_id for a in profile.activity_areas.all()):
        reasons.append(
            _("in Ihrem Tätigkeitsbereich %(area)s") % {"area": help_request.activity_area.name}
        )
    if help_request.confirmed_count == 0:
        reasons.append(_("hat noch keine Helfenden"))
    else:
        reasons.append(
            ngettext(
                "noch %(count)d Platz frei", "noch %(count)d Plätze frei", help_request.seats_left
            )
            % {"count": help_request.seats_left}
        )
    return reasons
