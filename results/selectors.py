"""Reads for the results pages: the final standings, awards, the gallery, the exhibition, counts and reports."""

import dataclasses
from collections import Counter, defaultdict

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.birth_dates import AGE_BANDS, age_band
from accounts.models import User
from contest.models import AnonymisedRegistration, Contest, Registration
from judging.enums import RoundState, ScoreState
from judging.models import Assignment, Criterion, Round, RoundResult, Score
from judging.ranking import EntryResult
from judging.selectors import ranking_of, stored_results, with_work_details
from submissions.enums import EntryStatus
from submissions.models import Entry, MediaAsset

from . import tiebreak
from .enums import PLACES, AwardKind, NotificationKind, NotificationStatus, TieBreakStep
from .models import Award, ContestResults, FeedbackModeration, Notification, PublishedFile, TieDecision


def results_for(contest: Contest) -> ContestResults:
    """The contest's results row, or an unsaved one with the defaults when none was made yet."""
    found = ContestResults.objects.filter(contest=contest).select_related("tie_break_criterion").first()
    return found or ContestResults(contest=contest)


def is_announced(contest: Contest) -> bool:
    return ContestResults.objects.filter(contest=contest, announced_at__isnull=False).exists()


def tie_break_locked(contest: Contest) -> bool:
    """The rule is declared before judging: once any round has opened it cannot change."""
    return Round.objects.filter(contest=contest, opened_at__isnull=False).exists()


def final_round(contest: Contest) -> Round | None:
    """The last round that has opened: its scores make the final ranking."""
    return (
        Round.objects.filter(contest=contest).exclude(state=RoundState.DRAFT).order_by("-position").first()
    )


def award_warnings(*, contest: Contest, entry: Entry | None = None, round_: Round | None = None) -> list[str]:
    """What an organizer should know before giving an award: judging still open, the entry not scored yet.
    `round_` is the contest's `final_round`, when the caller has it already."""
    round_ = round_ or final_round(contest)
    if round_ is None:
        return [_("No round has opened yet: there is no ranking to give awards from.")]
    warnings = []
    if round_.state != RoundState.CLOSED:
        warnings.append(
            _("Judging is still open in “%(round)s”: the ranking can change until the round is closed.")
            % {"round": round_.name}
        )
    if entry is not None and not Score.objects.filter(
        assignment__round=round_, assignment__entry=entry, state=ScoreState.SUBMITTED
    ).exists():
        warnings.append(
            _("%(reference)s has no submitted score in “%(round)s”.") % {"reference": entry.reference,
                                                                         "round": round_.name}
        )
    return warnings


def criterion_means(*, round: Round, criterion: Criterion | None) -> dict[int, float]:
    """Each entry's mean on one criterion over the round's submitted scores (a criterion of another round
    names nothing here, so gives nothing)."""
    if criterion is None or criterion.round_id != round.pk:
        return {}
    values: dict[int, list[float]] = defaultdict(list)
    key = str(criterion.pk)
    rows = Score.objects.filter(assignment__round=round, state=ScoreState.SUBMITTED).values_list(
        "assignment__entry_id", "values"
    )
    for entry_id, given in rows:
        if given and given.get(key) is not None:
            values[entry_id].append(float(given[key]))
    return {entry_id: sum(v) / len(v) for entry_id, v in values.items()}


@dataclasses.dataclass
class Standings:
    round: Round | None
    steps: list[str]
    criterion: Criterion | None
    rows: list[tiebreak.Standing]
    entries: dict[int, Entry]
    ties: list[list[tiebreak.Standing]]

    @property
    def needs_decision(self) -> bool:
        """Ties remain and the declared rule leaves them to an organizer."""
        return bool(self.ties) and TieBreakStep.ORGANIZER in self.steps

    def top(self, n: int) -> list[tiebreak.Standing]:
        return [row for row in self.rows if row.rank is not None and row.rank <= n]


def final_standings(*, contest: Contest) -> Standings:
    """The final ranking: the last round's results in the order of the declared tie-break; four queries or so."""
    results = results_for(contest)
    round_ = final_round(contest)
    if round_ is None:
        return Standings(None, results.steps, results.tie_break_criterion, [], {}, [])
    decided = dict(TieDecision.objects.filter(contest=contest).values_list("entry_id", "position"))
    rows = tiebreak.order(
        ranking_of(round=round_),
        steps=results.steps,
        criterion_means=criterion_means(round=round_, criterion=results.tie_break_criterion),
        decided=decided,
    )
    entries = Entry.objects.select_related("theme", "category", "entrant").defer("essay_text").in_bulk(
        [row.entry_id for row in rows]
    )
    return Standings(round_, results.steps, results.tie_break_criterion, rows, entries, tiebreak.tied_groups(rows))


# --- One page of the final standings, computed by the database ---------------------------------------------
STANDINGS_PAGE = 50


@dataclasses.dataclass
class StandingsPage:
    """The entries of the final standings whose rank is in (start, start + `limit`], with the entries
    themselves, where the pages before and after begin, and the groups of tied entries on this page."""

    round: Round | None
    steps: list[str]
    criterion: Criterion | None
    rows: list[tiebreak.Standing]
    entries: dict[int, Entry]
    ties: list[list[tiebreak.Standing]]
    start: int
    total: int
    next_start: int | None
    previous_start: int | None

    @property
    def first(self) -> int:
        return self.start + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.start + len(self.rows)


# Each step's column in the ordering (scored entries only), and whether higher comes first, as tiebreak.step_key.
_STEP_COLUMNS = {
    TieBreakStep.NORMALISED_MEAN: ("r.normalised_mean", True),
    TieBreakStep.RAW_MEAN: ("r.raw_mean", True),
    TieBreakStep.CRITERION_MEAN: ("c.mean", True),
    TieBreakStep.FEWER_SPREAD: ("r.spread", False),
    TieBreakStep.ORGANIZER: ("d.position", False),
}


def _criterion_means_sql(*, round: Round, key: str) -> tuple[str, list]:
    """Each entry's mean on one criterion over the round's submitted scores, as SQL (see criterion_means)."""
    values = f"s.{connection.ops.quote_name('values')}"
    if connection.vendor == "postgresql":
        value, params = f"CAST({values} ->> %s AS double precision)", [key]
    else:
        value, params = f"CAST(json_extract({values}, %s) AS REAL)", [f'$."{key}"']
    # The names are the models' own tables; the key and the ids are parameters.
    sql = f"""SELECT a.entry_id, AVG({value}) AS mean FROM {Score._meta.db_table} s
        JOIN {Assignment._meta.db_table} a ON a.id = s.assignment_id
        WHERE a.round_id = %s AND s.state = %s AND {value} IS NOT NULL GROUP BY a.entry_id"""  # noqa: S608
    return sql, [*params, round.pk, ScoreState.SUBMITTED, *params]


def standings_page(*, contest: Contest, start: int = 0, limit: int = STANDINGS_PAGE,
                   results: ContestResults | None = None) -> StandingsPage:
    """A page of the final standings, the same order and ranks as `final_standings` (see tiebreak.order), in
    six queries however many entries the round has.

    Ranks, ties and "separated by" depend on every entry above, so the database orders the whole round in
    one statement (window functions over the stored results) and returns only the page. A page holds the
    entries whose rank is in (start, start + limit]: entries level with each other share a rank, so a group
    of them is never cut in two, and the pages before and after are found by the same arithmetic. `results`
    is the contest's `results_for`, when the caller has it already.
    """
    results = results or results_for(contest)
    round_ = final_round(contest)
    if round_ is None:
        return StandingsPage(None, results.steps, results.tie_break_criterion, [], {}, [], 0, 0, None, None)
    criterion = results.tie_break_criterion
    if criterion is not None and criterion.round_id != round_.pk:
        criterion = None  # a criterion of another round names nothing here, as in criterion_means
    steps = [TieBreakStep.NORMALISED_MEAN.value, *[s for s in results.steps if s != TieBreakStep.NORMALISED_MEAN]]
    if criterion is None:
        steps = [step for step in steps if step != TieBreakStep.CRITERION_MEAN]
    limit = max(1, min(200, int(limit)))
    start = max(0, int(start))
    total = stored_results(round=round_).count()  # recomputed first if a score changed since
    params: list = []
    # Means are compared to tiebreak.PLACES decimals, as whole numbers of billionths: rounding a float this way
    # groups the same values as Python's round() (a mean of judges' scores is never within a rounding error of
    # a half-billionth), and floats sort several times faster than the numerics ROUND(x, 9) needs.
    scale = f"1e{tiebreak.PLACES}"
    keys = []
    for index, step in enumerate(steps):
        column, _higher_first = _STEP_COLUMNS[step]
        if step != TieBreakStep.ORGANIZER:
            column = f"ROUND({column} * {scale})"
        keys.append(f"CASE WHEN r.normalised_mean IS NULL THEN NULL ELSE {column} END AS key_{index}")
    criterion_join = ""
    if criterion is not None:
        means, mean_params = _criterion_means_sql(round=round_, key=str(criterion.pk))
        criterion_join = f"LEFT JOIN ({means}) c ON c.entry_id = r.entry_id"
        params += mean_params
    # Unscored entries come last, each alone (by entry): their keys are left out. The first key, the normalised
    # mean, is missing for them alone, so its NULLS LAST puts them last without a key of their own to sort by
    # (which took a third of the sort).
    order = ", ".join(
        [f"key_{i} {'DESC' if _STEP_COLUMNS[step][1] else 'ASC'} NULLS LAST" for i, step in enumerate(steps)]
        + ["alone"]
    )
    # The keys of the entry above, for the step that separates each entry from it. The entry below needs no
    # window: a group of level entries is never cut by a page, so an entry level with the one below has it
    # on the same page.
    neighbours = "".join(f", LAG(key_{i}) OVER every_row AS before_{i}" for i in range(len(steps)))
    sql = f"""
        WITH keyed AS (
            SELECT r.entry_id, r.raw_mean, r.normalised_mean, r.raw_rank, r.normalised_rank, r.scores, r.spread,
                   r.disagreement, CASE WHEN r.normalised_mean IS NULL THEN 1 ELSE 0 END AS unscored,
                   {"c.mean" if criterion is not None else "NULL"} AS criterion_mean,
                   CASE WHEN r.normalised_mean IS NULL THEN r.entry_id END AS alone, {", ".join(keys)}
            FROM {RoundResult._meta.db_table} r
            LEFT JOIN {TieDecision._meta.db_table} d ON d.entry_id = r.entry_id AND d.contest_id = %s
            {criterion_join}
            WHERE r.round_id = %s
        ), ranked AS (
            SELECT keyed.*, ROW_NUMBER() OVER every_row AS position, RANK() OVER level AS level_rank{neighbours}
            FROM keyed
            -- One sort serves both: `level` orders by a prefix of `every_row`.
            WINDOW level AS (ORDER BY {order}), every_row AS (ORDER BY {order}, entry_id)
        )
        SELECT * FROM ranked WHERE level_rank > %s AND level_rank <= %s ORDER BY position
    """  # noqa: S608 - every name above is the code's own; the values are parameters
    params = [contest.pk, *params, round_.pk, start, start + limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        found = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    # What the ranking shows of an entry: its reference and title.
    entries = Entry.objects.only("pk", "reference", "title").in_bulk(
        [row["entry_id"] for row in found]
    )
    levels = [[row[f"key_{i}"] for i in range(len(steps))] for row in found]
    standings = []
    for index, row in enumerate(found):
        unscored = bool(row["unscored"])
        level, above = levels[index], [row[f"before_{i}"] for i in range(len(steps))]
        separated_by = None
        if not unscored and row["level_rank"] != 1:
            separated_by = next((step for step, key, over in zip(steps, level, above, strict=True) if key != over),
                                None)
        standings.append(
            tiebreak.Standing(
                entry_id=row["entry_id"],
                result=EntryResult(entry_id=row["entry_id"], raw_mean=row["raw_mean"],
                                   normalised_mean=row["normalised_mean"], raw_rank=row["raw_rank"],
                                   normalised_rank=row["normalised_rank"], scores=row["scores"], spread=row["spread"],
                                   disagreement=bool(row["disagreement"])),
                rank=None if unscored else row["level_rank"],
                criterion_mean=row["criterion_mean"],
                separated_by=separated_by,
                # Level with the entry above or below (an entry above that does not exist has no keys at all).
                tied=not unscored and level in [above, *levels[index + 1 : index + 2]],
            )
        )
    first = found[0]["position"] - 1 if found else start
    return StandingsPage(
        round=round_, steps=results.steps, criterion=results.tie_break_criterion, rows=standings, entries=entries,
        ties=tiebreak.tied_groups(standings), start=first, total=total,
        next_start=start + limit if start + limit < total else None,
        previous_start=max(0, start - limit) if start > 0 else None,
    )


def awards_of(*, contest: Contest, themes=None, categories=None) -> list[Award]:
    """The contest's awards in order, with their entry, its entrant and verification, and the theme or category
    an award is for, from `themes` and `categories` when the caller has them already (a join of the two
    translated tables cost the results page more than the awards themselves: B7)."""
    themes = {t.pk: t for t in (contest.themes.all() if themes is None else themes)}
    categories = {c.pk: c for c in (contest.categories.all() if categories is None else categories)}
    awards = list(
        Award.objects.filter(contest=contest)
        .select_related("entry__entrant", "entry__winner_verification")
        .order_by("position", "kind", "pk")
    )
    for award in awards:
        if award.theme_id in themes:
            award.theme = themes[award.theme_id]
        if award.category_id in categories:
            award.category = categories[award.category_id]
    return awards


def award_entry(*, entry: Entry) -> Entry:
    """The entry with what its organizers' preview shows (declarations, release forms, file, captions)."""
    return with_work_details(Entry.objects.select_related("entrant", "theme", "category")).get(pk=entry.pk)


def unverified_award_entries(*, contest: Contest) -> list[Entry]:
    return list(
        Entry.objects.filter(awards__contest=contest)
        .exclude(winner_verification__verified_at__isnull=False)
        .distinct()
        .order_by("pk")
    )


# --- Public pages ----------------------------------------------------------------------------------------
@dataclasses.dataclass
class GalleryItem:
    award: Award
    entry: Entry
    files: dict[str, PublishedFile]
    captions: list[PublishedFile]
    public_name: str
    country: str

    @property
    def kind(self) -> str:
        return self.entry.category.media_kind


def gallery(*, contest: Contest) -> list[GalleryItem]:
    """Each award of a verified entry, with the entry's published files and the name and country the entrant
    agreed to show; three queries."""
    awards = list(
        Award.objects.filter(contest=contest, entry__winner_verification__verified_at__isnull=False)
        .select_related("entry__entrant", "entry__category", "entry__theme", "entry__winner_verification",
                        "theme", "category")
        .prefetch_related(Prefetch("entry__published_files", queryset=PublishedFile.objects.select_related(
            "rendition", "attachment")))
        .order_by("position", "pk")
    )
    order = {kind: index for index, kind in enumerate(AwardKind.values)}
    awards.sort(key=lambda a: (a.theme_id or 0, a.category_id or 0, order[a.kind], a.position, a.pk))
    items = []
    for award in awards:
        entry = award.entry
        verification = entry.winner_verification
        files, captions = {}, []
        for published in entry.published_files.all():
            if published.rendition_id:
                files[published.rendition.spec] = published
            else:
                captions.append(published)
        captions.sort(key=lambda p: p.attachment.language)
        entrant = entry.entrant
        items.append(
            GalleryItem(
                award=award,
                entry=entry,
                files=files,
                captions=captions,
                public_name=(entrant.public_name or entrant.full_name) if verification.publish_name else "",
                country=entrant.country.name if verification.publish_country and entrant.country else "",
            )
        )
    return items


def exhibition(*, contest: Contest) -> list[tuple[tiebreak.Standing, Entry, MediaAsset | None]]:
    """The shortlisted top N of the final ranking, each with its current file (for its picture)."""
    results = results_for(contest)
    standings = final_standings(contest=contest)
    top = standings.top(results.shortlist_size)
    assets = {
        asset.entry_id: asset
        for asset in MediaAsset.objects.current().filter(entry_id__in=[r.entry_id for r in top])
        .prefetch_related("renditions")
        .order_by("entry_id", "-created_at")
    }
    return [(row, standings.entries[row.entry_id], assets.get(row.entry_id)) for row in top]


def shortlisted_entry_ids(*, contest: Contest) -> set[int]:
    results = results_for(contest)
    return {row.entry_id for row in final_standings(contest=contest).top(results.shortlist_size)}


# --- Notifications and feedback -------------------------------------------------------------------------
def notification_counts(*, contest: Contest) -> dict[str, int]:
    counts = dict(
        Notification.objects.filter(contest=contest).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return {status: counts.get(status, 0) for status in NotificationStatus.values} | {"total": sum(counts.values())}


def feedback_to_moderate(*, contest: Contest) -> list[Score]:
    return list(
        Score.objects.filter(assignment__round__contest=contest, state=ScoreState.SUBMITTED)
        .exclude(feedback="")
        .select_related("assignment__entry", "moderation")
        .order_by("assignment__entry_id", "pk")
    )


def approved_feedback(*, entries: list[Entry]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = defaultdict(list)
    rows = FeedbackModeration.objects.filter(
        approved=True, score__assignment__entry__in=entries
    ).values_list("score__assignment__entry_id", "text").order_by("score__assignment__entry_id", "pk")
    for entry_id, text in rows:
        if text.strip():
            texts[entry_id].append(text)
    return texts


def result_of_entrant(*, contest: Contest, user: User) -> tuple[list[Entry], dict[int, list[Award]], set[int]]:
    """The entrant's submitted entries, their awards (verified only) and which are shortlisted."""
    entries = list(
        Entry.objects.filter(contest=contest, entrant=user, status=EntryStatus.SUBMITTED)
        .select_related("theme", "category")
        .order_by("pk")
    )
    awards: dict[int, list[Award]] = defaultdict(list)
    for award in Award.objects.filter(entry__in=entries, entry__winner_verification__verified_at__isnull=False):
        awards[award.entry_id].append(award)
    shortlisted = shortlisted_entry_ids(contest=contest) & {e.pk for e in entries}
    return entries, awards, shortlisted


def kind_for_entrant(*, award_entries: set[int], shortlisted: set[int], entry_ids: set[int]) -> str:
    if entry_ids & award_entries:
        return NotificationKind.WINNER
    if entry_ids & shortlisted:
        return NotificationKind.SHORTLISTED
    return NotificationKind.PARTICIPANT


# --- Reports ----------------------------------------------------------------------------------------------
def entries_for_export(*, contest: Contest, theme_id: int | None = None, category_id: int | None = None,
                       status: str | None = None, country: str | None = None) -> QuerySet[Entry]:
    entries = (
        Entry.objects.filter(contest=contest)
        .select_related("theme", "category", "entrant", "screening")
        .defer("essay_text", "statement", "description")
        .order_by("pk")
    )
    if theme_id:
        entries = entries.filter(theme_id=theme_id)
    if category_id:
        entries = entries.filter(category_id=category_id)
    if status:
        entries = entries.filter(status=status)
    if country:
        entries = entries.filter(entrant__country=country)
    return entries


def scores_for_export(*, contest: Contest) -> QuerySet[Score]:
    return (
        Score.objects.filter(assignment__round__contest=contest)
        .select_related("assignment__round", "assignment__entry", "assignment__judge")
        .order_by("assignment__round__position", "assignment__entry_id", "assignment__judge_id")
    )


@dataclasses.dataclass
class Chart:
    title: str
    rows: list[tuple[str, int]]

    @property
    def largest(self) -> int:
        return max((n for _label, n in self.rows), default=0) or 1

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.rows)


def statistics(*, contest: Contest) -> dict[str, list[tuple[str, int]]]:
    """Counts of submitted entries by theme, category, country, age band, gender, language and week, and of
    registrations; those of people who deleted their account count among the registrations (their entries
    went with them)."""
    from django.conf import settings
    from django_countries import countries

    from accounts.models import Gender

    entries = Entry.objects.filter(contest=contest, status=EntryStatus.SUBMITTED)
    # Counted by key and named from the theme and category rows, so the names are in the page's language
    # (a `theme__title` lookup would read the untranslated column).
    theme_counts = dict(entries.values_list("theme").annotate(n=Count("pk")).order_by())
    category_counts = dict(entries.values_list("category").annotate(n=Count("pk")).order_by())
    by_theme = [(theme.title, theme_counts[theme.pk]) for theme in contest.themes.all() if theme.pk in theme_counts]
    by_category = [
        (category.title, category_counts[category.pk])
        for category in contest.categories.all()
        if category.pk in category_counts
    ]
    reference = timezone.localdate(contest.closes_at, contest.zone)
    people = Counter()
    country, band, gender, language = Counter(), Counter(), Counter(), Counter()
    gender_names = dict(Gender.choices)
    language_names = dict(settings.LANGUAGES)
    for entrant in User.objects.filter(entries__in=entries).distinct().only(
        "country", "date_of_birth", "gender", "preferred_language"
    ):
        people["all"] += 1
        country[countries.name(entrant.country) if entrant.country else "—"] += 1
        band[age_band(entrant.date_of_birth, reference) or "—"] += 1
        gender[str(gender_names.get(entrant.gender, "—"))] += 1
        language[str(language_names.get(entrant.preferred_language, entrant.preferred_language or "—"))] += 1
    band_order = [label for _low, _high, label in AGE_BANDS] + ["—"]
    weeks = list(
        entries.annotate(week=TruncWeek("first_submitted_at", tzinfo=contest.zone))
        .values_list("week")
        .annotate(n=Count("pk"))
        .order_by("week")
    )
    # A person who deleted their account leaves an anonymised registration: it still counts here.
    registrations = Counter()
    for model in (Registration, AnonymisedRegistration):
        registrations.update(
            model.objects.filter(contest=contest).aggregate(
                total=Count("pk"), eligible=Count("pk", filter=Q(status="eligible"))
            )
        )
    return {
        "theme": by_theme,
        "category": by_category,
        "country": sorted(country.items(), key=lambda item: (-item[1], item[0])),
        "age_band": sorted(band.items(), key=lambda item: band_order.index(item[0])),
        "gender": sorted(gender.items(), key=lambda item: (-item[1], item[0])),
        "language": sorted(language.items(), key=lambda item: (-item[1], item[0])),
        "week": [(week.date().isoformat() if week else "—", n) for week, n in weeks],
        "registrations": registrations,
    }


def awards_by_place(awards: list[Award]) -> dict[str, list[Award]]:
    placed: dict[str, list[Award]] = defaultdict(list)
    for award in awards:
        placed["placed" if award.kind in PLACES else award.kind].append(award)
    return placed
