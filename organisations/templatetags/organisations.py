from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..guidance import guide_for

register = template.Library()


@register.simple_tag
def category_icon(category: str) -> SafeString:
    """The pictogram of a kind of need, as inline SVG (decorative: always next to its label).
    The shapes are our own constants, never user input."""
    return format_html(
        '<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" '
        'focusable="false" fill="none" stroke="currentColor" stroke-width="1.8" '
        'stroke-linecap="round" stroke-linejoin="round">{}</svg>',
        mark_safe(guide_for(category).icon),  # noqa: S308
    )
