"""The choices of the people's-choice vote: its states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteState(models.TextChoices):
    OPEN = "open", _("Open (between its dates)")
    CLOSED = "closed", _("Closed, totals hidden")
    PUBLISHED = "published", _("Totals published")


# The one transition table: a vote is closed before its totals are published, and nothing reopens it.
TRANSITIONS = {
    VoteState.OPEN: {VoteState.CLOSED},
    VoteState.CLOSED: {VoteState.PUBLISHED},
    VoteState.PUBLISHED: set(),
}


class AuditAction(models.TextChoices):
    VOTE_OPENED = "vote.opened", _("People's-choice vote opened")
    VOTE_CLOSED = "vote.closed", _("People's-choice vote closed")
    VOTE_PUBLISHED = "vote.published", _("People's-choice totals published")
    BALLOT_VOIDED = "vote.ballot_voided", _("People's-choice ballot voided")
    DOMAINS_CHANGED = "vote.domains_changed", _("Refused email domains changed")
