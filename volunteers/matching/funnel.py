"""Why nobody is suggested (or found): how many people remain after each hard filter.

The steps come from the filters themselves (filters.volunteer_filter_steps for the
suggestions, selectors_coordination.volunteer_search_steps for the search); this module only
counts them, in one query whatever the number of volunteers, and puts each step into words:

    Führungszeugnis erforderlich: 0 von 41 Personen in Reichweite haben ein gültiges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from volunteers.models import HelpRequest, LanguageLevel

from .filters import Step, volunteer_filter_steps


@dataclass(frozen=True)
class FunnelStep:
    """One step as the coordinator reads it: `label` names the condition, `sentence` says
    how many of `before` passed it (`remaining`)."""

    key: str
    label: str
    before: int | None  # None for the first step (everybody it starts from)
    remaining: int
    sentence: str


@dataclass(frozen=True)
class Funnel:
    steps: list[FunnelStep]

    @property
    def remaining(self) -> int:
        return self.steps[-1].remaining if self.steps else 0

    @property
    def blocking(self) -> FunnelStep | None:
        """The step after which nobody was left (None while somebody remains)."""
        return next((step for step in self.steps if step.remaining == 0), None)

    @property
    def up_to_blocking(self) -> list[FunnelStep]:
        """The steps to show a person: up to the one that left nobody (the ones after it
        would all read "0 von 0")."""
        blocking = self.blocking
        if blocking is None:
            return self.steps
        return self.steps[: self.steps.index(blocking) + 1]


def count_steps(steps: list[Step]) -> list[int]:
    """How many profiles each step leaves, in one query: every step's profiles are a subset
    of the first step's, so each is counted as a filter over it."""
    if not steps:
        return []
    totals = (
        steps[0]
        .profiles.order_by()
        .aggregate(
            **{
                f"step_{i}": Count("pk", filter=Q(pk__in=step.profiles.order_by().values("pk")))
                for i, step in enumerate(steps)
            }
        )
    )
    return [totals[f"step_{i}"] or 0 for i in range(len(steps))]


def volunteer_funnel(help_request: HelpRequest, *, now: dt.datetime | None = None) -> Funnel:
    """The suggestions' hard filters, step by step, counted: two queries (the request's
    languages, unless prefetched, and the count); the request's town and required training
    are read for their names (select_related them)."""
    now = now or timezone.now()
    prefetch_related_objects([help_request], "languages")
    steps = volunteer_filter_steps(help_request, now=now)
    return _funnel(steps, count_steps(steps), help_request)


# --- In words -------------------------------------------------------------------------------


def _scope(previous_key: str | None, before: int) -> str:
    """How the people a step starts from are called: right after the distance step they are
    the people in reach, later those who are left."""
    if previous_key == "reach":
        return ngettext("Person in Reichweite", "Personen in Reichweite", before)
    if previous_key == "contactable":
        return ngettext("ansprechbaren Person", "ansprechbaren Personen", before)
    return ngettext("übrigen Person", "übrigen Personen", before)


def _languages(help_request: HelpRequest) -> str:
    levels = dict(LanguageLevel.choices)
    return "; ".join(
        _("%(language)s, mindestens %(level)s")
        % {"language": language.name, "level": levels.get(language.min_level, "")}
        for language in help_request.languages.all()
    )


def _label(step: Step, help_request: HelpRequest, search: dict[str, str]) -> str:
    key = step.key
    if key == "contactable":
        return _("Ansprechbar")
    if key == "reach":
        return _("In Reichweite von %(town)s") % {"town": help_request.town.name}
    if key == "languages":
        return _("Sprachen (%(languages)s)") % {"languages": _languages(help_request)}
    if key == "fuehrungszeugnis":
        return _("Führungszeugnis erforderlich")
    if key == "qualification":
        return _("Schulung „%(name)s“ erforderlich") % {
            "name": help_request.required_qualification.name
        }
    if key == "budget":
        return _("Höchstens %(n)d Anfragen in sieben Tagen") % {
            "n": settings.MATCHING_WEEKLY_INVITATIONS
        }
    if key == "asked":
        return _("Noch nicht zu diesem Hilfegesuch gefragt")
    if key in search:
        return search[key]
    return getattr(step.requirement, "label", "") or _("Weitere Bedingung")


# Per step: what a count means. `remaining` picks singular or plural; `before` and `scope`
# say out of how many ("von 41 Personen in Reichweite").
SENTENCES = {
    "reach": ngettext_lazy(
        "%(label)s: %(remaining)d von %(before)d %(scope)s wohnt so nah, wie sie fahren möchte.",
        "%(label)s: %(remaining)d von %(before)d %(scope)s wohnen so nah, wie sie fahren möchten.",
        "remaining",
    ),
    "languages": ngettext_lazy(
        "%(label)s: %(remaining)d von %(before)d %(scope)s spricht sie gut genug.",
        "%(label)s: %(remaining)d von %(before)d %(scope)s sprechen sie gut genug.",
        "remaining",
    ),
    "fuehrungszeugnis": ngettext_lazy(
        "%(label)s: %(remaining)d von %(before)d %(scope)s hat ein gültiges.",
        "%(label)s: %(remaining)d von %(before)d %(scope)s haben ein gültiges.",
        "remaining",
    ),
    "qualification": ngettext_lazy(
        "%(label)s: %(remaining)d von %(before)d %(scope)s hat sie abgeschlossen.",
        "%(label)s: %(remaining)d von %(before)d %(scope)s haben sie abgeschlossen.",
        "remaining",
    ),
    "budget": ngettext_lazy(
        "%(label)s: %(remaining)d von %(before)d %(scope)s darf diese Woche noch angefragt werden.",
        "%(label)s: %(remaining)d von %(before)d %(scope)s dürfen diese Woche noch angefragt "
        "werden.",
        "remaining",
    ),
    "asked": ngettext_lazy(
        "%(label)s: %(remaining)d von %(before)d %(scope)s wurde noch nicht eingeladen und "
        "hat sich nicht gemeldet.",
        "%(label)s: %(remaining)d von %(before)d %(scope)s wurden noch nicht eingeladen und "
        "haben sich nicht gemeldet.",
        "remaining",
    ),
    # The search's own filters (selectors_coordination.volunteer_search_steps).
    "town": ngettext_lazy(
        "%(label)s: %(remaining)d von %(before)d %(scope)s wohnt dort.",
        "%(label)s: %(remaining)d von %(before)d %(scope)s wohnen dort.",
        "remaining",
    ),
    "language": ngettext_lazy(
        "%(label)s: %(remaining)d von %(before)d %(scope)s spricht sie.",
        "%(label)s: %(remaining)d von %(before)d %(scope)s sprechen sie.",
        "remaining",
    ),
    "activity": ngettext_lazy(
        "%(label)s: %(remaining)d von %(before)d %(scope)s möchte dort helfen.",
        "%(label)s: %(remaining)d von %(before)d %(scope)s möchten dort helfen.",
        "remaining",
    ),
}
FIRST_SENTENCE = ngettext_lazy(
    "%(label)s: %(remaining)d Person hat ein vollständiges Profil und möchte angefragt werden.",
    "%(label)s: %(remaining)d Personen haben ein vollständiges Profil und möchten angefragt "
    "werden.",
    "remaining",
)
OTHER_SENTENCE = ngettext_lazy(
    "%(label)s: %(remaining)d von %(before)d %(scope)s erfüllt sie.",
    "%(label)s: %(remaining)d von %(before)d %(scope)s erfüllen sie.",
    "remaining",
)


def _sentence(key: str, label: str, remaining: int, before: int | None, scope: str) -> str:
    values = {"label": label, "remaining": remaining, "before": before, "scope": scope}
    if before is None:
        return str(FIRST_SENTENCE % values)
    return str(SENTENCES.get(key, OTHER_SENTENCE) % values)


def _funnel(
    steps: list[Step],
    counts: list[int],
    help_request: HelpRequest,
    search: dict[str, str] | None = None,
) -> Funnel:
    result = []
    before = None
    previous = None
    for step, remaining in zip(steps, counts, strict=True):
        label = _label(step, help_request, search or {})
        scope = _scope(previous, before) if before is not None else ""
        result.append(
            FunnelStep(
                key=step.key,
                label=label,
                before=before,
                remaining=remaining,
                sentence=_sentence(step.key, label, remaining, before, scope),
            )
        )
        before, previous = remaining, step.key
    return Funnel(result)


def search_funnel(
    steps: list[Step], help_request: HelpRequest, *, labels: dict[str, str]
) -> Funnel:
    """The search's steps counted; `labels` names the search's own filters by key
    ("Wohnort: Ahlen")."""
    return _funnel(steps, count_steps(steps), help_request, labels)
