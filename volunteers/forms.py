from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .languages import language_choices
from .models import ActivityArea, Town


class HelpRequestFilterForm(forms.Form):
    town = forms.ChoiceField(label=_("Ort"), required=False)
    activity = forms.ChoiceField(label=_("Tätigkeitsbereich"), required=False)
    language = forms.ChoiceField(label=_("Sprache"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("alle"))]
        self.fields["town"].choices = every + [(t.slug, t.name) for t in Town.objects.all()]
        self.fields["activity"].choices = every + [
            (a.slug, a.name) for a in ActivityArea.objects.all()
        ]
        self.fields["language"].choices = every + language_choices()


class HoursForm(forms.Form):
    date = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    hours = forms.DecimalField(
        label=_("Stunden"),
        min_value=0.25,
        max_value=24,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25"}),
    )
    note = forms.CharField(label=_("Notiz"), required=False, max_length=200)
