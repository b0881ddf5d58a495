import json

from django import template

register = template.Library()


@register.filter
def pretty_json(value) -> str:
    """A stored JSON value as indented text (autoescaped by the template)."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
