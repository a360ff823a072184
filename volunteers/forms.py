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
    """Hours of one assignment on the dashboard, which shows one form per assignment: the
    ids carry the assignment's id ("hours-12"), the names stay plain."""

    date = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    # The range (0.25 to 24, and 24 a day) is hours_log's rule: it names a wrong number and a
    # date in the future together. The attributes only guide the browser's keyboard.
    hours = forms.DecimalField(
        label=_("Stunden"),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24"}),
    )
    note = forms.CharField(label=_("Notiz"), required=False, max_length=200)

    def __init__(self, *args, assignment_id: int = 0, **kwargs):
        kwargs.setdefault("auto_id", f"%s-{assignment_id}" if assignment_id else "id_%s")
        super().__init__(*args, **kwargs)
