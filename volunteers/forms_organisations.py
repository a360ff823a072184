"""Forms of the coordinator side. They parse input; the rules live in the services (whose
DomainErrors the views show at the field)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .languages import language_choices
from .models import (
    DAY_PARTS,
    MAX_AUTO_INVITE_BATCH,
    MAX_AUTO_INVITE_DAYS,
    MAX_HELPERS,
    WEEKDAYS,
    ActivityArea,
    HelpRequest,
    LanguageLevel,
    Organisation,
    Qualification,
    Town,
    slot_bit,
)
from .services.help_requests import EDITABLE_FIELDS

LANGUAGE_ROWS = 3  # rows of the "languages needed" part; one more than a request already has
SLOT_CHOICES = [(str(d * 3 + p), f"{d}-{p}") for d in range(len(WEEKDAYS)) for p in range(3)]


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name der Organisation"), max_length=200)
    kind = forms.ChoiceField(label=_("Art"), choices=Organisation.Kind.choices)
    town = forms.ModelChoiceField(
        label=_("Ort"), queryset=Town.objects.all(), empty_label=_("Bitte wählen")
    )
    address = forms.CharField(
        label=_("Anschrift"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    contact_email = forms.EmailField(
        label=_("Kontakt-E-Mail"),
        help_text=_("An diese Adresse schreibt das KI bei Fragen zur Registrierung."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Kontakt-Telefon"),
        max_length=40,
        required=False,
        help_text=_("Ehrenamtliche sehen E-Mail-Adresse und Telefon erst nach ihrer Zusage."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=5000,
        required=False,
        help_text=_("Was macht Ihre Organisation, für wen, seit wann?"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class OrganisationContactForm(forms.Form):
    """The contact details confirmed helpers see (organisation_update_contact)."""

    contact_email = forms.CharField(
        label=_("Kontakt-E-Mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Kontakt-Telefon"),
        required=False,
        help_text=_("Ehrenamtliche sehen E-Mail-Adresse und Telefon erst nach ihrer Zusage."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )


class CoordinatorInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Person"),
        help_text=_("Die Person bekommt einen Link. Sie braucht ein Konto mit dieser Adresse."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class HelpRequestForm(forms.Form):
    """Every field of a help request. Languages are a few fixed rows (language + minimum
    level); the weekly slots are a weekday x time-of-day grid of check boxes."""

    title = forms.CharField(label=_("Titel"), max_length=140)
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=5000,
        help_text=_("Öffentlich sichtbar. Bitte keine Namen oder Daten der Unterstützten."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    activity_area = forms.ModelChoiceField(
        label=_("Tätigkeitsbereich"),
        queryset=ActivityArea.objects.all(),
        empty_label=_("Bitte wählen"),
    )
    town = forms.ModelChoiceField(
        label=_("Ort"), queryset=Town.objects.all(), empty_label=_("Bitte wählen")
    )
    place = forms.CharField(
        label=_("Treffpunkt"),
        max_length=200,
        required=False,
        help_text=_("Öffentlich sichtbar, z. B. „Stadtbücherei“."),
    )
    address = forms.CharField(
        label=_("Anschrift"),
        max_length=300,
        required=False,
        help_text=_("Nur für bestätigte Helfende sichtbar."),
    )
    schedule = forms.ChoiceField(
        label=_("Zeitplan"),
        choices=HelpRequest.Schedule.choices,
        initial=HelpRequest.Schedule.FLEXIBLE,
        widget=forms.RadioSelect,
    )
    starts_at = forms.DateTimeField(
        label=_("Termin"),
        required=False,
        help_text=_("Nur bei einem einmaligen Termin: Datum und Uhrzeit."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    weekly_slots = forms.MultipleChoiceField(
        label=_("Wöchentliche Zeiten"),
        choices=SLOT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    helpers_needed = forms.IntegerField(
        label=_("Benötigte Helfende"),
        initial=1,
        help_text=format_lazy(_("Zwischen 1 und {max}."), max=MAX_HELPERS),
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_HELPERS, "inputmode": "numeric"}),
    )
    requires_fuehrungszeugnis = forms.BooleanField(
        label=_("Ein erweitertes Führungszeugnis ist erforderlich (z. B. bei Arbeit mit Kindern)"),
        required=False,
    )
    required_qualification = forms.ModelChoiceField(
        label=_("Erforderliche Schulung"),
        queryset=Qualification.objects.all(),
        required=False,
        empty_label=_("– keine –"),
        help_text=_(
            "Nur wer diese Schulung abgeschlossen hat, wird vorgeschlagen und kann helfen."
        ),
    )
    open_until = forms.DateField(
        label=_("Offen bis"),
        help_text=_("Danach wird das Hilfegesuch nicht mehr angezeigt."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    auto_invite_batch = forms.IntegerField(
        label=_("Automatisch einladen: so viele passende Freiwillige"),
        initial=0,
        required=False,
        min_value=0,
        max_value=MAX_AUTO_INVITE_BATCH,
        help_text=format_lazy(
            _(
                "Beim Veröffentlichen lädt die Plattform die am besten passenden Freiwilligen "
                "ein. 0 = aus, höchstens {max}."
            ),
            max=MAX_AUTO_INVITE_BATCH,
        ),
        widget=forms.NumberInput(
            attrs={"min": 0, "max": MAX_AUTO_INVITE_BATCH, "inputmode": "numeric"}
        ),
    )
    auto_invite_after_days = forms.IntegerField(
        label=_("Noch nicht besetzt? Die Nächsten einladen nach so vielen Tagen"),
        initial=3,
        required=False,
        min_value=1,
        max_value=MAX_AUTO_INVITE_DAYS,
        widget=forms.NumberInput(
            attrs={"min": 1, "max": MAX_AUTO_INVITE_DAYS, "inputmode": "numeric"}
        ),
    )

    @property
    def weekly_budget(self) -> int:
        """Invitations a volunteer receives per week at most (said next to auto-invite)."""
        return settings.MATCHING_WEEKLY_INVITATIONS

    def __init__(self, *args, help_request: HelpRequest | None = None, **kwargs):
        self.help_request = help_request
        existing = list(help_request.languages.all()) if help_request is not None else []
        self.language_rows = max(LANGUAGE_ROWS, len(existing) + 1)
        if help_request is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(help_request, existing)
        super().__init__(*args, **kwargs)
        every_language = [("", _("– keine –")), *language_choices()]
        for i in range(self.language_rows):
            self.fields[f"language_{i}"] = forms.ChoiceField(
                label=format_lazy(_("Sprache {n}"), n=i + 1),
                choices=every_language,
                required=False,
            )
            self.fields[f"level_{i}"] = forms.TypedChoiceField(
                label=format_lazy(_("Mindestens (Sprache {n})"), n=i + 1),
                choices=LanguageLevel.choices,
                coerce=int,
                initial=LanguageLevel.BASIC,
                required=False,
            )

    @staticmethod
    def _initial_from(help_request: HelpRequest, languages: list) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(help_request, name)
            for name in (
                "title",
                "description",
                "activity_area",
                "town",
                "place",
                "address",
                "schedule",
                "helpers_needed",
                "requires_fuehrungszeugnis",
                "required_qualification",
                "open_until",
                "auto_invite_batch",
                "auto_invite_after_days",
            )
        }
        if help_request.starts_at:
            # <input type="datetime-local"> takes local time without seconds or zone.
            local = timezone.localtime(help_request.starts_at)
            initial["starts_at"] = local.strftime("%Y-%m-%dT%H:%M")
        initial["weekly_slots"] = [
            value for value, _label in SLOT_CHOICES if help_request.weekly_slots & (1 << int(value))
        ]
        for i, language in enumerate(languages):
            initial[f"language_{i}"] = language.code
            initial[f"level_{i}"] = language.min_level
        return initial

    # --- what the template iterates ------------------------------------------------------

    def language_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"language_{i}"], self[f"level_{i}"]) for i in range(self.language_rows)]

    def slot_grid(self) -> list[dict[str, Any]]:
        """Rows of the weekly grid: the weekday and its three check boxes."""
        field = self["weekly_slots"]
        chosen = {str(v) for v in (field.value() or [])}
        return [
            {
                "weekday": weekday,
                "cells": [
                    {
                        "value": str(d * 3 + p),
                        "id": f"{field.auto_id}_{d * 3 + p}",
                        "checked": str(d * 3 + p) in chosen,
                        "weekday": weekday,
                        "part": part,
                    }
                    for p, part in enumerate(DAY_PARTS)
                ],
            }
            for d, weekday in enumerate(WEEKDAYS)
        ]

    # --- cleaning ------------------------------------------------------------------------

    def clean_weekly_slots(self) -> int:
        mask = 0
        for value in self.cleaned_data.get("weekly_slots") or []:
            bit = int(value)
            mask |= slot_bit(bit // 3, bit % 3)
        return mask

    def clean_starts_at(self) -> dt.datetime | None:
        starts_at = self.cleaned_data.get("starts_at")
        if starts_at is None or self.cleaned_data.get("schedule") != HelpRequest.Schedule.ONCE:
            return None  # only a one-off request keeps a date
        unchanged = self.help_request is not None and self.help_request.starts_at == starts_at
        if not unchanged and starts_at < timezone.now():
            raise forms.ValidationError(_("Der Termin liegt in der Vergangenheit."))
        return starts_at

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        languages: list[tuple[str, int]] = []
        seen: set[str] = set()
        for i in range(self.language_rows):
            code = cleaned.get(f"language_{i}")
            if not code:
                continue
            if code in seen:
                self.add_error(f"language_{i}", _("Diese Sprache ist schon ausgewählt."))
                continue
            seen.add(code)
            languages.append((code, cleaned.get(f"level_{i}") or LanguageLevel.BASIC))
        cleaned["languages"] = languages
        # Only the part of the schedule that was chosen is kept.
        if cleaned.get("schedule") != HelpRequest.Schedule.WEEKLY:
            cleaned["weekly_slots"] = 0
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The request's fields as help_request_create / help_request_update take them."""
        data = {name: self.cleaned_data.get(name) for name in EDITABLE_FIELDS}
        data["starts_at"] = data["starts_at"] or None
        data["weekly_slots"] = data["weekly_slots"] or 0
        data["auto_invite_batch"] = data["auto_invite_batch"] or 0
        data["auto_invite_after_days"] = data["auto_invite_after_days"] or 3
        for text in ("title", "description", "place", "address"):
            data[text] = (data[text] or "").strip()
        return data


class VolunteerSearchForm(forms.Form):
    town = forms.ChoiceField(label=_("Wohnort"), required=False)
    language = forms.ChoiceField(label=_("Sprache"), required=False)
    activity = forms.ChoiceField(label=_("Tätigkeitsbereich"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("alle"))]
        self.fields["town"].choices = every + [(t.slug, t.name) for t in Town.objects.all()]
        self.fields["language"].choices = every + language_choices()
        self.fields["activity"].choices = every + [
            (a.slug, a.name) for a in ActivityArea.objects.all()
        ]

    def step_labels(self) -> dict[str, str]:
        """The chosen filters by name, as the funnel of an empty search names its steps:
        {"town": "Wohnort „Ahlen“", ...}; a value that is no choice is named as given."""
        labels = {}
        for name in ("town", "language", "activity"):
            value = self.data.get(name)
            if value:
                choice = dict(self.fields[name].choices).get(value, value)
                labels[name] = _("%(filter)s „%(value)s“") % {
                    "filter": self.fields[name].label,
                    "value": choice,
                }
        return labels
