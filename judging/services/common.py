"""What the judging services share: their refusals, locking helpers and the round's scale."""

from decimal import Decimal

from django.utils.translation import gettext as _

from .. import rules
from ..enums import RoundState
from ..models import Round


class JudgingRefused(Exception):
    """The person asked for something the rules of judging do not allow; `messages` say why and what to do."""

    def __init__(self, *messages: str) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


class StaleScore(JudgingRefused):
    """The score changed since the judge's page loaded it (another tab, another device). The view answers 409
    and shows the judge's own text again with `current`, the score as it now is."""

    def __init__(self, current) -> None:
        super().__init__(
            _(
                "This score was changed in another window since you opened it. Your text is still here: "
                "compare it with the saved version below, then save again."
            )
        )
        self.current = current


def locked_round(round_: Round) -> Round:
    return Round.objects.select_for_update(of=("self",)).select_related("contest").get(pk=round_.pk)


def require_organizer(by, contest) -> None:
    """The organizers' services ask the same rule as their pages (`judging.manage_judging`)."""
    if not (verdict := rules.may_manage_judging(by, contest)):
        raise JudgingRefused(verdict.reason)


def managed_round(round_: Round, by) -> Round:
    """The round, locked, for a change only the contest's organizers may make."""
    locked = locked_round(round_)
    require_organizer(by, locked.contest)
    return locked


def require_state(round_: Round, *states: str) -> None:
    if round_.state not in states:
        raise JudgingRefused(
            _("The round “%(round)s” is “%(state)s”; this cannot be done now.")
            % {"round": round_.name, "state": round_.get_state_display()}
        )


def require_open_for_assigning(round_: Round) -> None:
    """Work is given to judges in an open round only: a first round's entries join it when it opens."""
    if round_.state == RoundState.DRAFT:
        raise JudgingRefused(
            _("Open the round first: its entries join it when it opens, and only then can they be given to judges.")
        )
    require_state(round_, RoundState.OPEN)


def round_scale(criteria) -> tuple[float, float]:
    """The range of a weighted total: the weighted means of the criteria's lowest and highest scores."""
    criteria = list(criteria)
    if not criteria:
        return (0.0, 10.0)
    weight = sum(Decimal(c.weight) for c in criteria)
    low = sum(Decimal(c.weight) * c.scale_min for c in criteria) / weight
    high = sum(Decimal(c.weight) * c.scale_max for c in criteria) / weight
    return float(low), float(high)
