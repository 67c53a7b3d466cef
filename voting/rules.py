"""Who may see and do what with the people's-choice vote (django-rules), on `contest.rules`' roles and
`contest.deadlines`.

Organizers of the contest open, close and publish votes and read the integrity page. Everyone sees a vote's
choices once the exhibition is public, and its totals only once published: before that, nobody (organizers
included) sees who leads, so nobody can steer the vote by it.
"""

import rules

from contest import deadlines
from contest.rules import is_organizer

from .enums import VoteState


@rules.predicate
def organizes_contest(user, contest) -> bool:
    return is_organizer(user, contest)


@rules.predicate
def vote_public(user, vote) -> bool:
    return vote is not None and deadlines.results_visible(vote.contest)


@rules.predicate
def totals_published(user, vote) -> bool:
    return vote is not None and vote.state == VoteState.PUBLISHED and deadlines.results_visible(vote.contest)


rules.add_perm("voting.manage_votes", organizes_contest)
rules.add_perm("voting.view_vote", vote_public)
rules.add_perm("voting.view_totals", totals_published)
