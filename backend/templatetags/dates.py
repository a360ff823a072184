"""Dates as each language writes them. `{% load dates %}`.

Templates name a format (DATE_FORMAT, SHORT_DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT, ...,
defined per language in backend/formats/) instead of spelling a pattern, so English pages
never show a German date (tests/test_dates.py checks every template).
"""

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter(expects_localtime=True)
def weekday_datetime(value) -> str:
    """'Montag, 7. Dezember 2026, 14:05' / 'Monday, 7 December 2026, 14:05'."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{formats.date_format(value, 'l')}, {formats.date_format(value, 'DATETIME_FORMAT')}"
