"""The sign-up form's own fields (allauth's ACCOUNT_SIGNUP_FORM_CLASS): everybody who signs up
gives first and last name, so greetings, certificates and the organisations' view of a
volunteer (the first name before a confirmation) never fall back to the email address."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SignupNameForm(forms.Form):
    first_name = forms.CharField(
        label=_("Vorname"),
        max_length=75,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nachname"),
        max_length=75,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )

    def clean_first_name(self) -> str:
        return self._name("first_name", _("Bitte geben Sie Ihren Vornamen an."))

    def clean_last_name(self) -> str:
        return self._name("last_name", _("Bitte geben Sie Ihren Nachnamen an."))

    def _name(self, field: str, missing) -> str:
        value = " ".join(self.cleaned_data.get(field, "").split())
        if not value:
            raise forms.ValidationError(missing)
        return value

    def signup(self, request, user) -> None:
        """allauth's adapter has stored first_name and last_name on the new account."""
