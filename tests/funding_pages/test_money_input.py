"""Euro amounts as people type them: German notation first, the computer's too."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from funding.forms import MoneyField, money_text, parse_money


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1 234,56 €", "1234.56"),
        ("1.234", "1234.00"),
        ("1.234.567,8", "1234567.80"),
        ("12,5", "12.50"),
        ("0,99", "0.99"),
        ("500 EUR", "500.00"),
        ("  75  ", "75.00"),
        ("+3", "3.00"),
    ],
)
def test_accepted_notations(typed, amount):
    assert parse_money(typed) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("-5", "negative"),
        ("−5,00", "negative"),  # typographic minus
        ("abc", "invalid"),
        ("1e5", "invalid"),
        ("NaN", "invalid"),
        ("1,2,3", "invalid"),
        ("12.34.5", "invalid"),
        ("1.23,4.5", "invalid"),
        ("12,345", "precision"),
        ("1.2345", "precision"),
        ("€", "invalid"),
        ("99999999999", "max_value"),
    ],
)
def test_refused_input_says_why(typed, code):
    with pytest.raises(ValidationError) as refused:
        parse_money(typed)
    assert refused.value.code == code


def test_the_field_shows_amounts_in_the_notation_of_the_page_language():
    field = MoneyField(required=False)
    with translation.override("de"):
        assert field.prepare_value(Decimal("1234.5")) == "1234,50"
    with translation.override("en"):
        assert field.prepare_value(Decimal("1234.5")) == "1234.50"
    assert money_text(None) == ""
    assert field.clean("") is None
    assert MoneyField(required=False, empty_value=Decimal("0.00")).clean("") == Decimal("0.00")
