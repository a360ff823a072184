"""Forms of the KI staff pages: filters (GET) and the Führungszeugnis record (POST).

The forms parse input only; the rules (dates of a Führungszeugnis) live in the service and
come back as form errors through backend.forms.domain_error_to_form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .languages import language_choices
from .models import ActivityArea, LanguageLevel, Town

EVERY = ("", _("alle"))


class OrganisationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            EVERY,
            ("pending", _("zu prüfen")),
            ("verified", _("geprüft")),
            ("rejected", _("abgelehnt")),
        ],
    )
    q = forms.CharField(label=_("Name enthält"), required=False, max_length=100)


class OrganisationRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Ablehnung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Geht per E-Mail an die Person, die die Organisation registriert hat, und steht "
            "auf der Seite der Organisation. Bitte sachlich und ohne sensible Angaben."
        ),
        error_messages={
            "required": _("Bitte schreiben Sie, warum die Organisation nicht bestätigt wird."),
        },
    )


class VolunteerSearchForm(forms.Form):
    q = forms.CharField(label=_("Name oder E-Mail enthält"), required=False, max_length=100)
    town = forms.ChoiceField(label=_("Wohnort"), required=False)
    language = forms.ChoiceField(label=_("Sprache"), required=False)
    min_level = forms.TypedChoiceField(
        label=_("Sprachniveau mindestens"),
        required=False,
        coerce=int,
        empty_value=LanguageLevel.BASIC,
        choices=LanguageLevel.choices,
        help_text=_("Gilt für die gewählte Sprache."),
    )
    activity = forms.ChoiceField(label=_("Tätigkeitsbereich"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].choices = [EVERY] + [
            (t.slug, t.name) for t in Town.objects.order_by("name")
        ]
        self.fields["language"].choices = [EVERY, *language_choices()]
        self.fields["activity"].choices = [EVERY] + [
            (a.slug, a.name) for a in ActivityArea.objects.order_by("position", "slug")
        ]


class FuehrungszeugnisForm(forms.Form):
    """Only the two dates: no upload, no free text (a Führungszeugnis is never copied)."""

    certificate_date = forms.DateField(
        label=_("Ausstellungsdatum des Führungszeugnisses"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Das Datum, das auf dem Führungszeugnis steht."),
    )
    seen_on = forms.DateField(
        label=_("eingesehen am"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
        help_text=_("Der Tag, an dem Sie das Original gesehen haben."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        for name in ("certificate_date", "seen_on"):
            self.fields[name].widget.attrs["max"] = today


class OverviewYearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Jahr der Stunden"), coerce=int)

    YEARS_BACK = 5

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = timezone.localdate().year
        self.fields["year"].choices = [
            (year, str(year)) for year in range(current, current - self.YEARS_BACK, -1)
        ]
        self.fields["year"].initial = current
