"""Forms of the volunteer's profile: one per onboarding step; the profile page reuses them.

Forms parse input and check its shape; the rules of the domain are in
volunteers/services/profiles.py, whose ValidationFailed lands at the field it names.
"""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.forms import name_fields, tidy_name
from backend.errors import ValidationFailed

from .languages import language_choices, language_name
from .models import (
    DAY_PARTS,
    WEEKDAYS,
    ActivityArea,
    Consent,
    LanguageLevel,
    Town,
    VolunteerProfile,
    slot_bit,
)
from .selectors import consent_is_active
from .services.consents import CONSENT_TEXTS
from .services.profiles import location_check

PLEASE_CHOOSE = gettext_lazy("Bitte wählen")


class ProfileForm(forms.Form):
    """A step form: built from the profile's current data, or from the posted data. `account`
    is the person filling it in (step 1 asks their name when the account has none)."""

    def __init__(self, *args, profile: VolunteerProfile | None = None, account=None, **kwargs):
        self.profile = profile
        self.account = account
        kwargs.setdefault("initial", self.initial_from(profile) if profile is not None else {})
        super().__init__(*args, **kwargs)

    def initial_from(self, profile: VolunteerProfile) -> dict:
        return {}

    def add_domain_error(self, exc) -> None:
        """A ValidationFailed from the service, at its field (or at the top)."""
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, exc.message)


class TownChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Town) -> str:
        return obj.name


class LocationForm(ProfileForm):
    town = TownChoiceField(
        label=gettext_lazy("Wohnort"),
        queryset=Town.objects.order_by("name"),
        empty_label=PLEASE_CHOOSE,
        help_text=gettext_lazy("Die Stadt oder Gemeinde im Kreis, in der Sie wohnen."),
        error_messages={"required": gettext_lazy("Bitte wählen Sie Ihren Wohnort aus.")},
    )
    postal_code = forms.CharField(
        label=gettext_lazy("Postleitzahl"),
        max_length=5,
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "inputmode": "numeric", "maxlength": 5}
        ),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie Ihre Postleitzahl ein."),
            "max_length": gettext_lazy("Bitte geben Sie die Postleitzahl mit fünf Ziffern ein."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        account = self.account
        if account is not None and account.needs_name:
            # Accounts made before sign-up asked the name: asked here, before the town.
            self.fields = {**name_fields(), **self.fields}
            self.initial.setdefault("first_name", account.first_name)
            self.initial.setdefault("last_name", account.last_name)

    @property
    def asks_name(self) -> bool:
        return "first_name" in self.fields

    def initial_from(self, profile):
        return {"town": profile.town_id, "postal_code": profile.postal_code}

    def clean_first_name(self) -> str:
        return tidy_name(self.cleaned_data.get("first_name", ""))

    def clean_last_name(self) -> str:
        return tidy_name(self.cleaned_data.get("last_name", ""))

    def clean(self):
        """The rules of the town and postal code as well, so that a refused step names every
        problem at once (a missing name and a wrong postal code together)."""
        cleaned = super().clean()
        if cleaned.get("town") is not None and cleaned.get("postal_code"):
            try:
                location_check(town=cleaned["town"], postal_code=cleaned["postal_code"])
            except ValidationFailed as exc:
                self.add_domain_error(exc)
        return cleaned


LEVEL_CHOICES = [("", PLEASE_CHOOSE)] + [
    (str(value), label) for value, label in reversed(LanguageLevel.choices)
]
MIN_LANGUAGE_ROWS = 3
MAX_LANGUAGE_ROWS = 12


class RowChoiceField(forms.ChoiceField):
    """A choice in a row of the languages form: empty is checked per row, in the form."""

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


class LanguagesForm(ProfileForm):
    """Rows of (language, level). The district's common languages come first in each list.
    Without JavaScript, "Weitere Sprache" posts the form back with one more empty row."""

    rows = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_LANGUAGE_ROWS
    )

    def __init__(self, *args, profile=None, rows: int | None = None, **kwargs):
        self._existing = list(profile.languages.all()) if profile is not None else []
        super().__init__(*args, profile=profile, **kwargs)
        if rows is None:
            rows = len(self._existing) + 1
            if self.is_bound:
                try:
                    rows = int(self.data.get("rows", rows))
                except (TypeError, ValueError):
                    rows = MIN_LANGUAGE_ROWS
        count = max(MIN_LANGUAGE_ROWS, min(rows, MAX_LANGUAGE_ROWS))
        self.row_count = count
        self.can_add_row = count < MAX_LANGUAGE_ROWS
        self.initial["rows"] = count
        languages = [("", PLEASE_CHOOSE), *language_choices()]
        for i in range(count):
            number = i + 1
            # The first row is marked as required (at least one language); the checks of
            # all rows are in clean().
            self.fields[f"lang_{i}"] = RowChoiceField(
                label=_("%(n)d. Sprache") % {"n": number}, choices=languages, required=i == 0
            )
            self.fields[f"level_{i}"] = RowChoiceField(
                label=_("Niveau der %(n)d. Sprache") % {"n": number},
                choices=LEVEL_CHOICES,
                required=i == 0,
            )

    @classmethod
    def with_added_row(cls, data, *, profile=None) -> LanguagesForm:
        """The posted rows again, unsaved and unchecked, plus one empty row ("Weitere
        Sprache" without JavaScript)."""
        posted = cls(data, profile=profile)
        initial = {
            name: data.get(name, "")
            for name in posted.fields
            if name.startswith(("lang_", "level_"))
        }
        return cls(profile=profile, initial=initial, rows=posted.row_count + 1)

    def initial_from(self, profile):
        initial = {}
        for i, language in enumerate(self._existing):
            initial[f"lang_{i}"] = language.code
            initial[f"level_{i}"] = str(language.level)
        return initial

    def language_rows(self):
        """(language field, level field) per row, for the template."""
        return [(self[f"lang_{i}"], self[f"level_{i}"]) for i in range(self.row_count)]

    def clean(self):
        cleaned = super().clean()
        languages: list[tuple[str, int]] = []
        first_row: dict[str, int] = {}
        for i in range(self.row_count):
            code = cleaned.get(f"lang_{i}") or ""
            level = cleaned.get(f"level_{i}") or ""
            if not code and not level:
                continue
            if not code:
                self.add_error(f"lang_{i}", _("Bitte wählen Sie die Sprache zu diesem Niveau."))
                continue
            if not level:
                self.add_error(
                    f"level_{i}",
                    _("Bitte wählen Sie, wie gut Sie %(language)s sprechen.")
                    % {"language": language_name(code)},
                )
                continue
            if code in first_row:
                self.add_error(
                    f"lang_{i}",
                    _("%(language)s steht schon in Zeile %(row)d. Bitte jede Sprache nur einmal.")
                    % {"language": language_name(code), "row": first_row[code] + 1},
                )
                continue
            first_row[code] = i
            languages.append((code, int(level)))
        if not languages and not self.errors:
            self.add_error("lang_0", _("Bitte geben Sie mindestens eine Sprache an."))
        cleaned["languages"] = languages
        return cleaned

    def add_domain_error(self, exc) -> None:
        if exc.field == "languages":
            self.add_error("lang_0", exc.message)
            return
        super().add_domain_error(exc)


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ActivityArea) -> str:
        return obj.name


class ActivitiesForm(ProfileForm):
    activity_areas = AreaChoiceField(
        label=gettext_lazy("In welchen Bereichen möchten Sie helfen?"),
        queryset=ActivityArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Wählen Sie alle Bereiche, die Sie interessieren."),
        error_messages={
            "required": gettext_lazy("Bitte wählen Sie mindestens einen Bereich aus."),
        },
    )

    def initial_from(self, profile):
        return {"activity_areas": [area.pk for area in profile.activity_areas.all()]}


SLOT_CHOICES = [
    (f"{day}-{part}", format_lazy("{} {}", WEEKDAYS[day], DAY_PARTS[part]))
    for day in range(len(WEEKDAYS))
    for part in range(len(DAY_PARTS))
]


class AvailabilityForm(ProfileForm):
    availability = forms.MultipleChoiceField(
        label=gettext_lazy("Wann können Sie helfen?"),
        choices=SLOT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Kreuzen Sie alle Zeiten an, zu denen Sie meistens Zeit haben."),
        error_messages={
            "required": gettext_lazy(
                "Bitte wählen Sie mindestens eine Zeit aus, zu der Sie helfen können."
            ),
        },
    )
    travel_radius_km = forms.TypedChoiceField(
        label=gettext_lazy("Wie weit würden Sie fahren?"),
        choices=VolunteerProfile.Radius.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Bitte wählen Sie eine Entfernung.")},
    )

    def initial_from(self, profile):
        slots = [
            value
            for value, _label in SLOT_CHOICES
            if profile.availability & slot_bit(*map(int, value.split("-")))
        ]
        return {"availability": slots, "travel_radius_km": profile.travel_radius_km}

    def grid(self):
        """Rows of the availability table: (weekday, [check box per part of the day])."""
        boxes = list(self["availability"])
        parts = len(DAY_PARTS)
        return [
            (weekday, boxes[day * parts : (day + 1) * parts])
            for day, weekday in enumerate(WEEKDAYS)
        ]

    def day_parts(self):
        return DAY_PARTS

    def clean(self):
        cleaned = super().clean()
        cleaned["slots"] = {
            tuple(map(int, value.split("-"))) for value in cleaned.get("availability", [])
        }
        return cleaned


CONSENT_KINDS = list(Consent.Kind)


class ContactForm(ProfileForm):
    phone = forms.CharField(
        label=gettext_lazy("Telefonnummer"),
        required=False,
        max_length=30,
        help_text=gettext_lazy(
            "Nur für Rückfragen des Kommunalen Integrationszentrums und – wenn Sie unten "
            "zustimmen – für Initiativen, bei denen Sie bestätigt helfen."
        ),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "maxlength": 30}),
    )

    def __init__(self, *args, profile=None, **kwargs):
        super().__init__(*args, profile=profile, **kwargs)
        for kind in CONSENT_KINDS:
            self.fields[f"consent_{kind.value}"] = forms.BooleanField(
                label=kind.label, help_text=CONSENT_TEXTS[kind], required=False
            )

    def initial_from(self, profile):
        initial = {"phone": profile.phone}
        for kind in CONSENT_KINDS:
            initial[f"consent_{kind.value}"] = consent_is_active(user=profile.user, kind=kind)
        return initial

    def consent_fields(self):
        return [self[f"consent_{kind.value}"] for kind in CONSENT_KINDS]

    def clean(self):
        cleaned = super().clean()
        cleaned["consents"] = {
            kind.value for kind in CONSENT_KINDS if cleaned.get(f"consent_{kind.value}")
        }
        return cleaned

    def add_domain_error(self, exc) -> None:
        if exc.field == "consents":
            self.add_error(f"consent_{CONSENT_KINDS[0].value}", exc.message)
            return
        super().add_domain_error(exc)
