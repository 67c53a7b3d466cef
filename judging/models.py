"""Screening decisions, jury rounds with their criteria and panels, assignments, scores and the audit chain."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from contest.models import Contest
from submissions.models import Entry

from .enums import (
    AssignmentMethod,
    ConflictKind,
    IneligibleReason,
    RoundState,
    ScoreState,
    ScreeningOutcome,
)


class ScreeningDecision(models.Model):
    """An organizer's eligible / ineligible call on a submitted entry; the entrant learns it once released."""

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="screening", verbose_name=_("entry"))
    # The entry's contest, which never changes, kept beside it: the screening page counts a contest's decisions
    # from an index of their own instead of joining them to every entry of the contest (B7).
    contest = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="+", editable=False, verbose_name=_("contest")
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=ScreeningOutcome.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=IneligibleReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("Told to the entrant with the reason."))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))
    released_at = models.DateTimeField(_("told to the entrant at"), null=True, blank=True)

    class Meta:
        verbose_name = _("screening decision")
        verbose_name_plural = _("screening decisions")
        indexes = [models.Index(fields=["contest", "released_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome=ScreeningOutcome.ELIGIBLE, reason="")
                | (models.Q(outcome=ScreeningOutcome.INELIGIBLE) & ~models.Q(reason="")),
                name="screening_reason_only_when_ineligible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} – {self.get_outcome_display()}"

    @property
    def released(self) -> bool:
        return self.released_at is not None


class AISuspicion(models.Model):
    """An organizer's note that an entry looks made with AI tools its entrant did not declare: a flag beside
    the entry while screening, not a decision."""

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="ai_suspicion", verbose_name=_("entry"))
    note = models.TextField(_("what makes you think so"), blank=True)
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("noted by")
    )
    noted_at = models.DateTimeField(_("noted at"))

    class Meta:
        verbose_name = _("suspected undisclosed AI use")
        verbose_name_plural = _("suspected undisclosed AI use")

    def __str__(self) -> str:
        return f"{self.entry_id}"


class Round(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("contest"))
    position = models.PositiveSmallIntegerField(_("position"), help_text=_("Rounds run in this order, from 1."))
    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=RoundState.choices, default=RoundState.DRAFT)
    blind = models.BooleanField(
        _("blind"), default=True, help_text=_("Judges see nothing that identifies the entrant.")
    )
    judges_per_entry = models.PositiveSmallIntegerField(
        _("judges per entry"), default=3, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    avoid_same_country = models.BooleanField(
        _("no judge from the entrant's country"),
        default=False,
        help_text=_("Never assign an entry to a judge from the entrant's own country."),
    )
    disagreement_threshold = models.DecimalField(
        _("disagreement above"),
        max_digits=6,
        decimal_places=2,
        default=3,
        help_text=_("An entry is flagged when its highest and lowest scores differ by more than this."),
    )
    discussion_open = models.BooleanField(
        _("discussion open"),
        default=False,
        help_text=_("Judges who submitted may see the other judges' scores, even in a blind round."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    reopened_count = models.PositiveSmallIntegerField(_("times reopened"), default=0, editable=False)
    last_reopened_at = models.DateTimeField(_("last reopened at"), null=True, blank=True, editable=False)
    # Rises whenever what the results depend on changes (a submitted score, the entries, the threshold);
    # the stored results table is recomputed when it was computed for an older value.
    results_changes = models.PositiveBigIntegerField(_("changes to the results"), default=0, editable=False)
    results_computed_for = models.PositiveBigIntegerField(
        _("results computed at change"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["contest", "position"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "position"], name="one_round_per_position"),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest} – {self.name}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The closing time must be after the opening time.")})


class Criterion(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("round"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    guidance = models.TextField(_("guidance"), blank=True, help_text=_("What judges should look for."))
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0.01)]
    )
    scale_min = models.SmallIntegerField(_("lowest score"), default=1)
    scale_max = models.SmallIntegerField(_("highest score"), default=10)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(scale_max__gt=models.F("scale_min")), name="criterion_scale"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.scale_min is not None and self.scale_max is not None and self.scale_max <= self.scale_min:
            raise ValidationError({"scale_max": _("The highest score must be above the lowest.")})


class JudgeProfile(models.Model):
    """What a judge tells a contest about themselves, used to avoid conflicts of interest."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="judge_profiles", verbose_name=_("contest")
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judge_profiles", verbose_name=_("judge")
    )
    country = CountryField(_("country"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("judge's details")
        verbose_name_plural = _("judges' details")
        constraints = [models.UniqueConstraint(fields=["contest", "judge"], name="one_judge_profile_per_contest")]

    def __str__(self) -> str:
        return f"{self.judge} – {self.contest}"


class JudgeInvitation(models.Model):
    """An emailed invitation to judge a contest; its signed link carries this row's id."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="judge_invitations", verbose_name=_("contest")
    )
    round = models.ForeignKey(
        "Round",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("round"),
        help_text=_("The panel the judge joins on accepting; empty for none yet."),
    )
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language of the email"), max_length=8, choices=settings.LANGUAGES, default="en")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    invited_at = models.DateTimeField(_("invited at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("judge invitation")
        verbose_name_plural = _("judge invitations")
        ordering = ["-invited_at"]

    def __str__(self) -> str:
        return f"{self.email} – {self.contest}"


class PanelMember(models.Model):
    """A judge on a round's panel. A judge who leaves keeps the row (and their submitted scores)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panel", verbose_name=_("round"))
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panels", verbose_name=_("judge")
    )
    joined_at = models.DateTimeField(_("joined at"))
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    # The judge's work in the round, counted again from the assignments and scores by services.tallies at each
    # change, so the progress page reads them instead of counting 10,000 entries' scores (B7).
    assigned = models.PositiveIntegerField(_("entries"), default=0, editable=False)
    scored = models.PositiveIntegerField(_("submitted scores"), default=0, editable=False)
    drafts = models.PositiveIntegerField(_("drafts"), default=0, editable=False)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [models.UniqueConstraint(fields=["round", "judge"], name="one_seat_per_judge_per_round")]

    def __str__(self) -> str:
        return f"{self.judge} – {self.round}"

    @property
    def active(self) -> bool:
        return self.left_at is None


class ConflictOfInterest(models.Model):
    """A judge must not judge an entry (or any entry of an entrant) of this contest."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("contest"))
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("judge")
    )
    entrant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts_as_entrant",
        verbose_name=_("entrant"),
    )
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="conflicts", verbose_name=_("entry")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ConflictKind.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entrant__isnull=False) | models.Q(entry__isnull=False),
                name="conflict_names_an_entrant_or_entry",
            ),
        ]
        indexes = [models.Index(fields=["contest", "judge"])]

    def __str__(self) -> str:
        return f"{self.judge} – {self.get_kind_display()}"


class RoundEntry(models.Model):
    """An entry in a round: every eligible one in the first, those advanced in later ones."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_entries", verbose_name=_("round"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="round_entries", verbose_name=_("entry"))
    advanced_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="advanced_to",
        verbose_name=_("advanced from"),
    )
    added_at = models.DateTimeField(_("added at"))
    # Its judges and their submitted scores, counted again by services.tallies at each change (see PanelMember).
    assigned = models.PositiveIntegerField(_("judges"), default=0, editable=False)
    scored = models.PositiveIntegerField(_("submitted scores"), default=0, editable=False)

    class Meta:
        verbose_name = _("entry in a round")
        verbose_name_plural = _("entries in a round")
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="entry_once_per_round")]
        # The progress chart: how many entries have 0, 1 … k scores, read from the index alone.
        indexes = [models.Index(fields=["round", "scored"])]

    def __str__(self) -> str:
        return f"{self.entry_id} in {self.round_id}"


class Assignment(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("round"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("entry"))
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("judge")
    )
    method = models.CharField(_("how"), max_length=16, choices=AssignmentMethod.choices)
    assigned_at = models.DateTimeField(_("assigned at"))
    # Kept here, not on the score, so that the player's progress reports never make a
    # judge's open score sheet stale (they would bump the score's version).
    played_fraction = models.FloatField(
        _("share of the work played"), default=0, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["round", "entry", "judge"], name="judge_once_per_entry_per_round"),
            models.CheckConstraint(
                condition=models.Q(played_fraction__gte=0, played_fraction__lte=1), name="played_fraction_range"
            ),
        ]
        indexes = [
            models.Index(fields=["round", "judge", "entry"]),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} → {self.judge_id} ({self.round_id})"


class Score(models.Model):
    """A judge's score sheet for one assignment; `version` rises with every save so a stale one is refused."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="score", verbose_name=_("assignment")
    )
    # Criterion primary key (as text) → the value given on that criterion's scale.
    values = models.JSONField(_("values"), default=dict, blank=True)
    # The weighted mean of `values`, kept with them so ranking thousands of entries is one query.
    total = models.FloatField(_("weighted score"), null=True, blank=True)
    comment = models.TextField(_("comment for the organizers"), blank=True)
    feedback = models.TextField(_("feedback for the entrant"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ScoreState.choices, default=ScoreState.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state=ScoreState.DRAFT) | models.Q(total__isnull=False),
                name="submitted_score_has_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignment} – {self.get_state_display()}"


class RoundResult(models.Model):
    """One line of a round's results table, as last computed from the submitted scores (see judging.ranking).

    Kept so that a page of the table is an index read, however many entries and scores the round has.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="results", verbose_name=_("round"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+", verbose_name=_("entry"))
    raw_mean = models.FloatField(_("mean of raw scores"), null=True)
    normalised_mean = models.FloatField(_("mean of normalised scores"), null=True)
    raw_rank = models.PositiveIntegerField(_("rank by raw scores"), null=True)
    normalised_rank = models.PositiveIntegerField(_("rank by normalised scores"), null=True)
    # The ranks with entries not yet scored last, for ordering and keyset pages.
    raw_order = models.PositiveIntegerField()
    normalised_order = models.PositiveIntegerField()
    scores = models.PositiveIntegerField(_("scores"))
    spread = models.FloatField(_("highest minus lowest score"), null=True)
    disagreement = models.BooleanField(_("judges disagree"))

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="one_result_per_entry_per_round")]
        indexes = [
            models.Index(fields=["round", "normalised_order", "entry"]),
            models.Index(fields=["round", "raw_order", "entry"]),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.entry_id}: {self.normalised_rank}"
