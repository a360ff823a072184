"""Forms of the accounts: the name (asked at sign-up, on the account overview and in the first
onboarding step of accounts made before names were asked) and the sign-up form's own fields
(allauth's ACCOUNT_SIGNUP_FORM_CLASS): everybody gives first and last name, so greetings,
certificates and the organisations' view of a volunteer (the first name before a confirmation)
never fall back to the email address."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

FIRST_NAME_MISSING = _("Bitte geben Sie Ihren Vornamen an.")
LAST_NAME_MISSING = _("Bitte geben Sie Ihren Nachnamen an.")


def tidy_name(value: str) -> str:
    """Whitespace tidied as backend.accounts.services.user_set_name stores it."""
    return " ".join((value or "").split())


class NameForm(forms.Form):
    """First and last name; both are needed (an empty or blank part is named at its field)."""

    first_name = forms.CharField(
        label=_("Vorname"),
        max_length=75,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": FIRST_NAME_MISSING},
    )
    last_name = forms.CharField(
        label=_("Nachname"),
        max_length=75,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": LAST_NAME_MISSING},
    )

    def clean_first_name(self) -> str:
        return tidy_name(self.cleaned_data.get("first_name", ""))

    def clean_last_name(self) -> str:
        return tidy_name(self.cleaned_data.get("last_name", ""))


def name_fields() -> dict[str, forms.Field]:
    """Copies of NameForm's two fields, for another form that asks the name as well."""
    return {name: copy.deepcopy(field) for name, field in NameForm.base_fields.items()}


class SignupNameForm(NameForm):
    def signup(self, request, user) -> None:
        """allauth's adapter has stored first_name and last_name on the new account."""
