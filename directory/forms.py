"""Forms of the directory's management pages. They parse input; the rules live in the services
(directory.services.*), whose DomainErrors the views show at the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from volunteers.languages import LANGUAGE_NAMES, language_choices
from volunteers.models import Town

from .models import Offer
from .search import MAX_QUERY_CHARS
from .services.contacts import CONSENT_TEXT
from .services.offers import FIELDS as OFFER_FIELDS

EVERY = ("", _("alle"))
TEXT_FIELDS = ("title", "description", "place", "dates", "target_group", "contact_name")


def _town_field(**kwargs) -> forms.ModelChoiceField:
    """A town of the district (the Town table is the district's list): anything else, a
    forged id included, is a clear error at the field."""
    return forms.ModelChoiceField(
        queryset=Town.objects.order_by("name"),
        empty_label=_("Bitte wählen"),
        error_messages={"invalid_choice": _("Bitte wählen Sie einen Ort im Kreis.")},
        **kwargs,
    )


class OfferForm(forms.Form):
    """Every field of an offer. "When" is either a weekly slot (weekday, from, to) or free
    text for the dates; the service insists on one of them."""

    title = forms.CharField(label=_("Titel"), max_length=200)
    kind = forms.ChoiceField(label=_("Art"), choices=[("", _("Bitte wählen")), *Offer.Kind.choices])
    description = forms.CharField(
        label=_("Beschreibung"),
        max_length=5000,
        help_text=_("Öffentlich sichtbar: Was erwartet die Besucherinnen und Besucher?"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    town = _town_field(label=_("Ort"))
    place = forms.CharField(
        label=_("Treffpunkt / Anschrift"),
        max_length=300,
        help_text=_("Öffentlich sichtbar, z. B. „Stadtbücherei, Marktplatz 1“."),
    )
    weekday = forms.TypedChoiceField(
        label=_("Wochentag"),
        choices=[("", _("– kein fester Wochentag –")), *Offer.Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    starts_at = forms.TimeField(
        label=_("von"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    ends_at = forms.TimeField(
        label=_("bis"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    dates = forms.CharField(
        label=_("Termine"),
        max_length=300,
        required=False,
        help_text=_(
            "Wenn es keinen festen Wochentag gibt, z. B. „jeden 1. Samstag im Monat“ oder "
            "„nach Vereinbarung“."
        ),
    )
    languages = forms.MultipleChoiceField(
        label=_("Sprachen"),
        choices=language_choices,
        required=False,
        help_text=_("Welche Sprachen beim Angebot gesprochen werden."),
        widget=forms.CheckboxSelectMultiple,
    )
    target_group = forms.CharField(
        label=_("Für wen"),
        max_length=300,
        required=False,
        help_text=_("z. B. „Frauen mit kleinen Kindern“ oder „alle“."),
    )
    free_of_charge = forms.BooleanField(label=_("Das Angebot ist kostenlos."), required=False)
    contact_name = forms.CharField(label=_("Ansprechperson"), max_length=120, required=False)
    contact_email = forms.EmailField(
        label=_("Kontakt-E-Mail"),
        required=False,
        help_text=_("Öffentlich sichtbar. E-Mail-Adresse oder Telefonnummer ist nötig."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    contact_phone = forms.CharField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, offer: Offer | None = None, **kwargs):
        if offer is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_from(offer)
        elif offer is None and "initial" not in kwargs:
            kwargs["initial"] = {"free_of_charge": True}
        super().__init__(*args, **kwargs)

    @staticmethod
    def _initial_from(offer: Offer) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(offer, name) for name in OFFER_FIELDS}
        initial["town"] = offer.town_id
        initial["languages"] = [language.code for language in offer.languages.all()]
        for name in ("starts_at", "ends_at"):
            if initial[name] is not None:
                initial[name] = initial[name].strftime("%H:%M")
        return initial

    def service_data(self) -> dict[str, Any]:
        """The fields as offer_create / offer_update take them (town separately)."""
        data = {name: self.cleaned_data.get(name) for name in OFFER_FIELDS}
        for name in (*TEXT_FIELDS, "contact_email", "contact_phone"):
            data[name] = (data[name] or "").strip()
        data["free_of_charge"] = bool(data["free_of_charge"])
        data["languages"] = list(self.cleaned_data.get("languages") or [])
        return data


class OfferHideForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund für das Ausblenden"),
        max_length=300,
        required=False,  # the service says what is missing, in its words
        help_text=_("Die Organisation sieht den Grund."),
    )


class ContactPersonForm(forms.Form):
    """A contact person of an organisation; the consent box is required by the service,
    which records when and to which text it was given."""

    name = forms.CharField(label=_("Name"), max_length=120)
    function = forms.CharField(
        label=_("Funktion"),
        max_length=200,
        help_text=_("z. B. „Koordination Sprachcafé“ oder „Integrationsbeauftragte“."),
    )
    phone = forms.CharField(
        label=_("Telefon"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-Mail"),
        help_text=_("An diese Adresse geht der Link, mit dem die Person den Eintrag entfernt."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    # Not required here: the service refuses a missing consent with its own words.
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)

    def service_data(self) -> dict[str, Any]:
        return {
            "name": self.cleaned_data.get("name") or "",
            "function": self.cleaned_data.get("function") or "",
            "phone": self.cleaned_data.get("phone") or "",
            "email": self.cleaned_data.get("email") or "",
            "consent": bool(self.cleaned_data.get("consent")),
        }


class TownContactPersonForm(ContactPersonForm):
    """A contact person of a town administration (kept by the KI)."""

    town = _town_field(label=_("Stadt-/Gemeindeverwaltung"))

    field_order = ["town", "name", "function", "phone", "email", "consent"]


class OfferFilterForm(forms.Form):
    """Filters of the staff list of offers (GET)."""

    STATES = [
        EVERY,
        ("public", _("öffentlich")),
        ("stale", _("Bestätigung fällig")),
        ("expired", _("nicht mehr angezeigt")),
        ("hidden", _("vom KI ausgeblendet")),
    ]

    town = forms.ChoiceField(label=_("Ort"), required=False)
    kind = forms.ChoiceField(label=_("Art"), required=False, choices=[EVERY, *Offer.Kind.choices])
    state = forms.ChoiceField(label=_("Status"), required=False, choices=STATES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [EVERY] + [
            (t.slug, t.name) for t in Town.objects.order_by("name")
        ]


class MunicipalAccessForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse des Kontos"),
        help_text=_(
            "Die Person muss schon ein Konto auf der Plattform haben (Registrierung mit "
            "dieser Adresse)."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    town = _town_field(label=_("Stadt/Gemeinde"))


class DirectorySearchForm(forms.Form):
    """The public directory's search (GET): words, town, topic and language in any
    combination. The parameters are those of the API's offer list (q, town, kind, language),
    so a link to the page and a call of the API ask the same."""

    q = forms.CharField(
        label=_("Suchbegriff"),
        required=False,
        help_text=_(
            "Zum Beispiel „Sprachcafé“, „Fahrrad“, „arabisch“ oder den Namen eines Vereins."
        ),
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_CHARS}),
    )
    town = forms.ModelChoiceField(
        label=_("Ort"),
        queryset=Town.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("alle Orte"),
        error_messages={
            "invalid_choice": _(
                "Diesen Ort gibt es im Verzeichnis nicht. Bitte wählen Sie einen Ort aus der Liste."
            )
        },
    )
    kind = forms.ChoiceField(
        label=_("Thema"),
        required=False,
        choices=[("", _("alle Themen")), *Offer.Kind.choices],
        error_messages={
            "invalid_choice": _(
                "Dieses Thema gibt es im Verzeichnis nicht. "
                "Bitte wählen Sie ein Thema aus der Liste."
            )
        },
    )
    language = forms.ChoiceField(
        label=_("Sprache"),
        required=False,
        choices=lambda: [("", _("alle Sprachen")), *language_choices()],
        error_messages={
            "invalid_choice": _(
                "Diese Sprache kennt das Verzeichnis nicht. "
                "Bitte wählen Sie eine Sprache aus der Liste."
            )
        },
    )

    def clean_q(self) -> str:
        text = self.cleaned_data["q"].replace("\x00", "").strip()
        if len(text) > MAX_QUERY_CHARS:
            raise forms.ValidationError(
                _("Der Suchbegriff ist zu lang. Bitte verwenden Sie höchstens %(n)d Zeichen."),
                params={"n": MAX_QUERY_CHARS},
            )
        return text

    def chosen(self) -> list[tuple[str, str, str]]:
        """What the valid form narrows by, in form order: (parameter, label, value shown)."""
        data = self.cleaned_data
        rows = []
        if data.get("q"):
            rows.append(("q", str(self.fields["q"].label), f"„{data['q']}“"))
        if data.get("town"):
            rows.append(("town", str(self.fields["town"].label), data["town"].name))
        if data.get("kind"):
            rows.append(
                ("kind", str(self.fields["kind"].label), str(Offer.Kind(data["kind"]).label))
            )
        if data.get("language"):
            rows.append(
                (
                    "language",
                    str(self.fields["language"].label),
                    str(LANGUAGE_NAMES[data["language"]]),
                )
            )
        return rows
