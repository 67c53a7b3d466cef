"""The people's-choice vote: a contest's settings for it, each vote (overall or per category) and its ballots.

A ballot keeps no email address and no network address: the voter is a keyed digest of their confirmed address
(one ballot per voter per vote, a unique constraint), the network address a keyed digest beside its block (/24 for
IPv4, /48 for IPv6), kept for the integrity page. The email's domain and the country are kept as they are.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from contest.models import Category, Contest
from submissions.models import Entry

from .disposable import DEFAULT_DOMAINS
from .enums import VoteState


def default_domains() -> list[str]:
    return list(DEFAULT_DOMAINS)


class VotingSettings(models.Model):
    """One row per contest: the disposable-mail domains its votes refuse (a copy of the default list to start)."""

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="voting_settings",
                                   verbose_name=_("contest"))
    refused_domains = models.JSONField(_("refused email domains"), default=default_domains, blank=True)

    class Meta:
        verbose_name = _("voting settings")
        verbose_name_plural = _("voting settings")

    def __str__(self) -> str:
        return str(self.contest)


class Vote(models.Model):
    """The public's vote on the exhibition's shortlist, overall (no category) or within one category."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="votes", verbose_name=_("contest"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"), help_text=_("Empty: one vote over the whole shortlist."))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    state = models.CharField(_("state"), max_length=16, choices=VoteState.choices, default=VoteState.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("opened by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("totals published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("people's-choice vote")
        verbose_name_plural = _("people's-choice votes")
        ordering = ["contest", "category__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "category"], name="one_vote_per_category"),
            models.UniqueConstraint(fields=["contest"], condition=Q(category__isnull=True), name="one_overall_vote"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="vote_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return f"{self.contest} – {self.category or _('overall')}"


class Ballot(models.Model):
    """One voter's choice in one vote; cast again, it changes (until the close)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("vote"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+", verbose_name=_("entry"))
    voter = models.CharField(_("voter (digest of the confirmed address)"), max_length=64)
    email_domain = models.CharField(_("email domain"), max_length=255)
    address_digest = models.CharField(_("network address (digest)"), max_length=64, blank=True)
    address_block = models.CharField(_("network block"), max_length=49, blank=True)
    country = CountryField(_("country"), blank=True)
    cast_at = models.DateTimeField(_("cast at"))
    changed_at = models.DateTimeField(_("last changed at"))
    changes = models.PositiveIntegerField(_("changes"), default=0)
    # When the last link followed was asked for: a link asked for at or before it was used, or superseded.
    link_asked_at = models.DateTimeField(_("last link asked for at"))
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("voided by"))
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [models.UniqueConstraint(fields=["vote", "voter"], name="one_ballot_per_voter")]
        indexes = [models.Index(fields=["vote", "cast_at"], name="ballot_by_time")]

    def __str__(self) -> str:
        return f"#{self.pk}"
