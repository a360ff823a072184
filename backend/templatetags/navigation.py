"""{% navigation as nav %}: the header navigation of the page (backend/navigation.py)."""

from django import template

from backend.navigation import Navigation, navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def navigation(context) -> Navigation | None:
    request = context.get("request")
    if request is None or not hasattr(request, "user"):
        return None
    return navigation_for(request, context.get("user_roles") or [])
