"""Every change to a people's-choice vote: the organizer's moves (audited), a visitor's request and ballot.

A visitor asks for a ballot with an entry and an email address; the address gets a signed link (Django's
signing, valid a day) that carries the vote, the entry, the address and the time it was asked for. Following
it casts or changes their ballot. A link is good once: the ballot keeps when its last link was asked for, and
refuses that link and any asked for earlier, so an older link cannot undo a later choice.
"""

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.models import User
from contest import audit, deadlines
from contest.models import Category, Contest
from submissions.models import Entry

from . import disposable, selectors
from .enums import TRANSITIONS, AuditAction, VoteState
from .models import Ballot, Vote, VotingSettings

LINK_SALT = "voting.ballot"
LINK_VALID_FOR = 24 * 3600  # seconds: mail can take a while to reach a school's inbox
VOTE_FIELDS = ("category", "opens_at", "closes_at", "state", "closed_at", "published_at")


class VoteRefused(Exception):
    """A move or a ballot the rules refuse; the message says why and what to do."""

    def __init__(self, message: str, *, status: int = 400, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


@dataclass(frozen=True)
class Address:
    """Where a ballot came from, as it is kept: a keyed digest of the address, its block and the country."""

    digest: str
    block: str
    country: str

    @classmethod
    def of(cls, ip: str, country: str = "") -> "Address":
        try:
            address = ipaddress.ip_address(ip)
        except ValueError:
            return cls(digest="", block="", country=country)
        prefix = 24 if address.version == 4 else 48
        block = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
        digest = salted_hmac("voting.address", str(address), algorithm="sha256").hexdigest()
        return cls(digest=digest, block=str(block),
                   country=country.upper()[:2] if country.isalpha() else "")


def normalised(email: str) -> str:
    """One person, one address: lower case, without a "+tag" (name+1@, name+2@ reach one inbox)."""
    local, _at, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def voter_of(email: str) -> str:
    """The keyed digest a ballot keeps instead of the address: equal for one address, unreadable without the key."""
    return salted_hmac("voting.voter", normalised(email), algorithm="sha256").hexdigest()


def _require_organizer(by: User, contest: Contest) -> None:
    if not by.has_perm("voting.manage_votes", contest):
        raise VoteRefused(_("Only the contest's organizers can do this."), status=403)


def _record(action: str, vote: Vote, before: dict | None, by: User, now: datetime) -> None:
    after = audit.snapshot(vote, VOTE_FIELDS)
    audit.record(action=action, obj=vote, actor=by, contest=vote.contest_id, before=before, after=after, at=now)


def _move(vote: Vote, to: VoteState) -> None:
    if to not in TRANSITIONS[VoteState(vote.state)]:
        raise VoteRefused(_("This vote is %(state)s: that step is not possible now.")
                          % {"state": VoteState(vote.state).label})
    vote.state = to


# --- The organizer's moves ------------------------------------------------------------------------
@transaction.atomic
def open_vote(*, contest: Contest, category: Category | None, opens_at: datetime, closes_at: datetime, by: User,
              now: datetime) -> Vote:
    _require_organizer(by, contest)
    if deadlines.archived(contest):
        raise VoteRefused(_("This contest is archived: nothing in it can change any more."))
    if category is not None and category.contest_id != contest.pk:
        raise VoteRefused(_("That category belongs to another contest."))
    if closes_at <= opens_at:
        raise VoteRefused(_("The vote must close after it opens: change the closing time."))
    if closes_at <= now:
        raise VoteRefused(_("The closing time has passed already: choose a later one."))
    if Vote.objects.filter(contest=contest, category=category).exists():
        raise VoteRefused(_("There is already a vote for this scope: it is in the list of votes."))
    vote = Vote(contest=contest, category=category, opens_at=opens_at, closes_at=closes_at, opened_by=by)
    if len(selectors.choices(vote=vote)) < 2:
        raise VoteRefused(_("A vote needs at least two shortlisted entries to choose from; this one has fewer."))
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError:  # another organizer opened it at the same moment
        raise VoteRefused(_("There is already a vote for this scope: it is in the list of votes.")) from None
    _record(AuditAction.VOTE_OPENED, vote, None, by, now)
    return vote


def _locked(vote: Vote) -> Vote:
    return Vote.objects.select_for_update().select_related("contest").get(pk=vote.pk)


@transaction.atomic
def close_vote(*, vote: Vote, by: User, now: datetime) -> Vote:
    vote = _locked(vote)
    _require_organizer(by, vote.contest)
    before = audit.snapshot(vote, VOTE_FIELDS)
    _move(vote, VoteState.CLOSED)
    vote.closed_at = now
    if deadlines.vote_under_way(vote, now):  # closed early: the page shows when it really closed
        vote.closes_at = now
    vote.save()
    _record(AuditAction.VOTE_CLOSED, vote, before, by, now)
    return vote


@transaction.atomic
def publish_totals(*, vote: Vote, by: User, now: datetime) -> Vote:
    """The totals become public (and the winner shows in the gallery): only once the vote has closed."""
    vote = _locked(vote)
    _require_organizer(by, vote.contest)
    before = audit.snapshot(vote, VOTE_FIELDS)
    if vote.state == VoteState.OPEN:
        if not deadlines.vote_time_over(vote, now):
            raise VoteRefused(_("The vote is still open: close it first, then publish its totals."))
        _move(vote, VoteState.CLOSED)
        vote.closed_at = vote.closes_at
    _move(vote, VoteState.PUBLISHED)
    vote.published_at = now
    vote.save()
    _record(AuditAction.VOTE_PUBLISHED, vote, before, by, now)
    return vote


@transaction.atomic
def void_ballot(*, ballot: Ballot, reason: str, by: User, now: datetime) -> Ballot:
    ballot = Ballot.objects.select_for_update().select_related("vote__contest").get(pk=ballot.pk)
    _require_organizer(by, ballot.vote.contest)
    reason = reason.strip()
    if not reason:
        raise VoteRefused(_("Give the reason for voiding this vote: it is kept in the audit log."))
    if ballot.vote.state == VoteState.PUBLISHED:
        raise VoteRefused(_("The totals are published: their votes can no longer be voided."))
    if ballot.voided_at is not None:
        raise VoteRefused(_("This vote was voided already."))
    before = audit.snapshot(ballot, ("entry", "voided_at", "void_reason"))
    ballot.voided_at, ballot.voided_by, ballot.void_reason = now, by, reason
    ballot.save(update_fields=["voided_at", "voided_by", "void_reason"])
    after = audit.snapshot(ballot, ("entry", "voided_at", "void_reason"))
    audit.record(action=AuditAction.BALLOT_VOIDED, obj=ballot, actor=by, contest=ballot.vote.contest_id,
                 before=before, after=after, at=now)
    return ballot


def settings_of(contest: Contest) -> VotingSettings:
    settings, _created = VotingSettings.objects.get_or_create(contest=contest)
    return settings


@transaction.atomic
def set_refused_domains(*, contest: Contest, text: str, by: User, now: datetime) -> VotingSettings:
    _require_organizer(by, contest)
    settings = VotingSettings.objects.select_for_update().get(pk=settings_of(contest).pk)
    before = {"refused_domains": settings.refused_domains}
    settings.refused_domains = disposable.parse(text)
    settings.save(update_fields=["refused_domains"])
    audit.record(action=AuditAction.DOMAINS_CHANGED, obj=settings, actor=by, contest=contest, before=before,
                 after={"refused_domains": settings.refused_domains}, at=now)
    return settings


# --- A visitor's ballot -----------------------------------------------------------------------------
def _require_open(vote: Vote, now: datetime) -> None:
    verdict = deadlines.vote_open(vote, now)
    if not verdict:
        raise VoteRefused(verdict.reason, status=403)


def _require_choice(vote: Vote, entry_id: int) -> Entry:
    entry = next((entry for entry in selectors.choices(vote=vote) if entry.pk == entry_id), None)
    if entry is None:
        raise VoteRefused(_("That work is not one of this vote's choices: choose one from the list."),
                          field="entry")
    return entry


def ballot_link(*, vote: Vote, entry_id: int, email: str, now: datetime) -> str:
    """The signed token for the link emailed to `email`, after every check that can be made before it is sent."""
    _require_open(vote, now)
    entry = _require_choice(vote, entry_id)
    domain = normalised(email).rpartition("@")[2]
    if disposable.refused(domain, settings_of(vote.contest).refused_domains):
        raise VoteRefused(_("Addresses at %(domain)s are not accepted for this vote: use an address of your own "
                            "that you keep.") % {"domain": domain}, field="email")
    data = {"v": vote.pk, "n": entry.pk, "e": email.strip(), "t": now.astimezone(UTC).isoformat()}
    return signing.dumps(data, salt=LINK_SALT, compress=True)


@dataclass(frozen=True)
class Link:
    vote: Vote
    entry: Entry
    email: str
    asked_at: datetime


def read_link(token: str, *, now: datetime) -> Link:
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_VALID_FOR)
        vote = Vote.objects.select_related("contest", "category").get(pk=int(data["v"]))
        entry_id, email, asked_at = int(data["n"]), str(data["e"]), datetime.fromisoformat(str(data["t"]))
    except signing.SignatureExpired:
        raise VoteRefused(_("This link has expired: vote again to get a new one."), status=410) from None
    except (signing.BadSignature, Vote.DoesNotExist, KeyError, TypeError, ValueError):
        raise VoteRefused(_("This link is not valid: copy the whole link from the email, or vote again."),
                          status=404) from None
    _require_open(vote, now)
    return Link(vote=vote, entry=_require_choice(vote, entry_id), email=email, asked_at=asked_at)


def cast_ballot(*, link: Link, address: Address, now: datetime) -> tuple[Ballot, bool]:
    """Record the linked choice: a new ballot, or the voter's ballot changed. The unique (vote, voter) constraint
    keeps it to one ballot however many arrive at once; a used or superseded link is refused."""
    voter = voter_of(link.email)
    facts = {"address_digest": address.digest, "address_block": address.block, "country": address.country}
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().filter(vote=link.vote, voter=voter).first()
        if ballot is None:
            try:
                with transaction.atomic():
                    ballot = Ballot.objects.create(
                        vote=link.vote, entry=link.entry, voter=voter,
                        email_domain=normalised(link.email).rpartition("@")[2], cast_at=now, changed_at=now,
                        link_asked_at=link.asked_at, **facts,
                    )
                return ballot, True
            except IntegrityError:  # the same voter's other link, a moment earlier
                ballot = Ballot.objects.select_for_update().get(vote=link.vote, voter=voter)
        if ballot.voided_at is not None:
            raise VoteRefused(_("Your vote was voided by the organizers and cannot be changed."), status=403)
        if ballot.link_asked_at >= link.asked_at:
            raise VoteRefused(_("This link was used already. To change your vote, choose again: a new link "
                                "will be sent."), status=409)
        ballot.entry, ballot.changed_at, ballot.changes = link.entry, now, ballot.changes + 1
        ballot.link_asked_at = link.asked_at
        for name, value in facts.items():
            setattr(ballot, name, value)
        ballot.save()
        return ballot, False
