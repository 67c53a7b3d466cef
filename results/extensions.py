"""What the apps above results add to its pages: a section of the winners' gallery and the exhibition (the
people's choice).

Results imports no app above it, so such an app registers here, in its `AppConfig.ready()`, a template and a
function `context(contest=…)` that answers that template's context, or None to leave the section out.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class GallerySection:
    template: str
    context: Callable[..., dict | None]


_sections: dict[str, GallerySection] = {}


def gallery_section(template: str, context: Callable[..., dict | None]) -> None:
    _sections[template] = GallerySection(template=template, context=context)  # keyed: a second ready() replaces


def gallery_sections(*, contest) -> list[tuple[str, dict]]:
    """(template, context) of every registered section that has something to show for this contest."""
    found = []
    for section in _sections.values():
        context = section.context(contest=contest)
        if context is not None:
            found.append((section.template, context))
    return found
