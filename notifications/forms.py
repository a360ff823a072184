from django import forms

from . import catalogue
from .services import preference_enabled


class PreferencesForm(forms.Form):
    """One checkbox per optional kind the person can receive."""

    def __init__(self, *args, user, audiences: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = catalogue.optional_kinds(audiences)
        self.current = {kind.code: preference_enabled(user=user, kind=kind) for kind in self.kinds}
        for kind in self.kinds:
            self.fields[_field_name(kind.code)] = forms.BooleanField(
                label=kind.label, required=False, initial=self.current[kind.code]
            )

    def changed_choices(self) -> list[tuple[str, bool]]:
        """(kind, on) for every choice that differs from what is stored."""
        return [
            (kind.code, self.cleaned_data[_field_name(kind.code)])
            for kind in self.kinds
            if self.cleaned_data[_field_name(kind.code)] != self.current[kind.code]
        ]


def _field_name(code: str) -> str:
    return code.replace(".", "-")
