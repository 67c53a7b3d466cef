"""Template helpers for the results pages."""

from django import template

register = template.Library()


@register.filter
def get_spec(files: dict, spec: str):
    """The published file of that spec (video.mp4, poster.jpg…), or None."""
    return files.get(spec) if files else None
