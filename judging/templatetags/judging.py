"""Template helpers for the judging pages: a score value by criterion, a share as a percentage, the nav link."""

from django import template
from django.utils.formats import number_format

from contest.rules import judges_or_organizes_anything

register = template.Library()


@register.filter
def get_item(mapping, key):
    """A criterion's value from a score's `values` (keys are criterion ids as text)."""
    if not mapping:
        return None
    return mapping.get(str(key))


@register.filter
def percent(fraction) -> str:
    """0.42 → "42 %" written the way the page's language writes numbers."""
    try:
        value = round(float(fraction) * 100)
    except (TypeError, ValueError):
        value = 0
    return f"{number_format(value)}\u00a0%"


@register.simple_tag
def judging_role(user) -> bool:
    """Whether the person judges or organizes anything, so the menu shows them the judging pages."""
    return judges_or_organizes_anything(user)


@register.filter
def bar_width(value, total) -> str:
    """A bar's length out of 100 (the chart's viewBox), for an SVG attribute: the CSP forbids inline styles."""
    try:
        share = float(value) / float(total) if float(total) else 0.0
    except (TypeError, ValueError):
        share = 0.0
    return f"{max(0.0, min(1.0, share)) * 100:.1f}"
