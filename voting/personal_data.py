"""The voting app's part of a person's data: the ballots cast with one of their confirmed addresses.

A ballot keeps no address, only keyed digests (see `voting.models`), so the ballots of a person are found by
computing the digest of each address they proved is theirs.

Download (`voting/`): each such ballot: the vote, the chosen entry, when it was cast and last changed, the email
domain, the network block and country it came from, and whether the organizers voided it (with the reason).

Erasure: those ballots are deleted, nothing kept anonymously. A vote whose totals are published keeps its
published totals only as long as the ballots are there: an erased ballot no longer counts.
"""

from accounts.models import User
from accounts.registry import Erasure, ExportFolder, proven_addresses

from .models import Ballot
from .services import voter_of


def _ballots(addresses):
    return Ballot.objects.filter(voter__in=[voter_of(address) for address in addresses])


def export(*, user: User, into: ExportFolder) -> None:
    into.records("ballots", [
        {"vote": str(ballot.vote), "entry": ballot.entry.reference, "cast_at": ballot.cast_at,
         "changed_at": ballot.changed_at, "email_domain": ballot.email_domain, "network_block": ballot.address_block,
         "country": str(ballot.country), "voided_at": ballot.voided_at, "void_reason": ballot.void_reason}
        for ballot in _ballots(proven_addresses(user)).select_related("vote__contest", "vote__category", "entry")
    ])


def erase(*, erasure: Erasure) -> None:
    ballots = _ballots(erasure.verified_emails)
    erasure.mark(ballots)
    erasure.count("people's-choice ballots", ballots.delete()[0])
