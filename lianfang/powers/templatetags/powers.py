from django import template
from django.conf import settings

register = template.Library()


@register.filter
def level_mark(level) -> str:
    """The configured mark of a risk level on flowcharts (★★★ / ★★ / ★ by default)."""
    try:
        return settings.RISK_LEVEL_MARKS[int(level) - 1]
    except (TypeError, ValueError, IndexError):
        return ""


@register.filter
def lookup(mapping: dict, key):
    """`mapping[key]`, or "" — for label dictionaries computed once per page."""
    return mapping.get(key, "")
