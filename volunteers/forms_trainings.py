"""Forms of the training pages. Rules across fields are the service's
(volunteers/services/trainings.py); these forms parse and show errors at the fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .languages import language_choices
from .models import Qualification, Registration, Training
from .services.trainings import TRAINING_FIELDS

SESSION_ROWS = 3  # empty session rows offered; one more than a training already has


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


class TrainingForm(forms.ModelForm):
    """A training with up to a few sessions (start and end each)."""

    online_url = forms.URLField(
        label=_("Online-Link"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Training
        fields = [f for f in TRAINING_FIELDS]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "registration_opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "registration_closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "cancellation_deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args, training: Training | None = None, **kwargs):
        self.training = training
        existing = list(training.sessions.all()) if training is not None else []
        self.session_rows = max(SESSION_ROWS, len(existing) + 1)
        if training is not None:
            kwargs["instance"] = training
            initial = kwargs.setdefault("initial", {})
            for i, session in enumerate(existing):
                initial[f"session_{i}_start"] = _local(session.starts_at)
                initial[f"session_{i}_end"] = _local(session.ends_at)
        super().__init__(*args, **kwargs)
        self.fields["language"] = forms.ChoiceField(
            label=_("Sprache"), choices=language_choices(), initial="de"
        )
        self.fields["qualification"].queryset = Qualification.objects.all()
        self.fields["qualification"].required = False
        for i in range(self.session_rows):
            for part, label in (("start", _("Beginn")), ("end", _("Ende"))):
                self.fields[f"session_{i}_{part}"] = forms.DateTimeField(
                    label=f"{label} ({_('Termin')} {i + 1})",
                    required=False,
                    widget=forms.DateTimeInput(
                        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
                    ),
                )

    @property
    def session_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"session_{i}_start"], self[f"session_{i}_end"]) for i in range(self.session_rows)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for i in range(self.session_rows):
            start, end = cleaned.get(f"session_{i}_start"), cleaned.get(f"session_{i}_end")
            if bool(start) != bool(end):
                self.add_error(
                    f"session_{i}_end" if start else f"session_{i}_start",
                    _("Bitte Beginn und Ende des Termins angeben."),
                )
        return cleaned

    def sessions(self) -> list[tuple[dt.datetime, dt.datetime]]:
        rows = []
        for i in range(self.session_rows):
            start = self.cleaned_data.get(f"session_{i}_start")
            end = self.cleaned_data.get(f"session_{i}_end")
            if start and end:
                rows.append((start, end))
        return rows

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in TRAINING_FIELDS}
        for text in ("title", "description", "place", "online_url", "target_group"):
            data[text] = (data[text] or "").strip()
        return data

    def _post_clean(self) -> None:
        # The service saves; model validation of the instance would run the DB constraints
        # against a half-built object (sessions decide first_starts_at).
        pass


class CancelTrainingForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund der Absage"),
        max_length=500,
        help_text=_("Geht per E-Mail an alle Angemeldeten und Wartenden."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveUpForm(forms.Form):
    reason = forms.CharField(
        label=_("Begründung"),
        min_length=10,
        max_length=500,
        help_text=_("Wird im Protokoll gespeichert."),
    )


PRESENT, ABSENT = "present", "absent"


class AttendanceForm(forms.Form):
    """One present/absent choice per confirmed participant."""

    def __init__(self, *args, registrations: list[Registration], **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        for registration in registrations:
            marks = list(registration.attendances.all())
            initial = (PRESENT if marks[0].present else ABSENT) if marks else None
            self.fields[f"r{registration.pk}"] = forms.ChoiceField(
                label=registration.volunteer.get_full_name(),
                choices=[(PRESENT, _("anwesend")), (ABSENT, _("nicht da"))],
                widget=forms.RadioSelect,
                required=False,
                initial=initial,
            )

    def marks(self) -> list[tuple[Registration, bool]]:
        return [
            (r, self.cleaned_data[f"r{r.pk}"] == PRESENT)
            for r in self.registrations
            if self.cleaned_data.get(f"r{r.pk}")
        ]
