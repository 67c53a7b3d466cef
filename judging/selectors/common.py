"""What the judging selectors share: the page of a keyset list, progress counts, and a reverse one-to-one test."""

import dataclasses
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from ..models import Assignment, PanelMember

PAGE = 50
MAX_PAGE = 200


@dataclasses.dataclass
class Page:
    items: list
    next_after: Any
    total: int


def _limit(limit: int) -> int:
    return max(1, min(MAX_PAGE, int(limit)))



@dataclasses.dataclass
class Progress:
    scored: int
    drafts: int
    total: int

    @classmethod
    def of_seat(cls, seat: PanelMember | None) -> "Progress":
        """A judge's progress in a round, from their seat's tallies (services.tallies); none without a seat."""
        return cls(seat.scored, seat.drafts, seat.assigned) if seat else cls(0, 0, 0)

    @property
    def label(self) -> str:
        return _("%(scored)s of %(total)s scored") % {"scored": self.scored, "total": self.total}

    @property
    def percent(self) -> int:
        return round(100 * self.scored / self.total) if self.total else 100


def _has_related(instance, name: str) -> bool:
    """Whether a reverse one-to-one (loaded with select_related) has a row; it raises when it has none."""
    try:
        getattr(instance, name)
    except ObjectDoesNotExist:
        return False
    return True


def _has_score(assignment: Assignment) -> bool:
    return _has_related(assignment, "score")


