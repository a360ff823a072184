"""Template filters of the volunteers app. `{% load schedule %}`."""

from django import template

from volunteers.models import weekly_slots_text

register = template.Library()


@register.filter
def weekly_times(mask) -> str:
    """A weekly_slots mask in words, in the active language: "dienstags nachmittags, ..."
    (emails get the mask, so each is worded in its recipient's language)."""
    try:
        return weekly_slots_text(int(mask or 0))
    except (TypeError, ValueError):
        return ""
