"""Reads for screening: submitted entries with their decision and the flags an organizer should look at."""

import dataclasses

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from contest.models import Contest, Registration
from submissions.enums import EntryStatus, JobStatus
from submissions.models import Entry, MediaAsset
from submissions.words import word_count

from ..models import ScreeningDecision
from .common import Page, _has_related, _limit
from .preview import with_work_details


@dataclasses.dataclass
class ScreeningRow:
    entry: Entry
    flags: list[str]


@dataclasses.dataclass
class ScreeningPage(Page):
    unreleased: int = 0  # decisions taken and not yet told to their entrants (all the contest's entries)


# Each entry on the screening page carries its work, its checks and two forms: ten to a page keep it about
# 50 KB and quick to answer at 10,000 entries (B7); a decision brings the organizer back to where they were.
SCREENING_PAGE = 10


def screening_list(*, contest: Contest, after: int | None = None, limit: int = SCREENING_PAGE,
                   undecided_only: bool = False) -> ScreeningPage:
    """Submitted entries with their decision (or None) and the automatic flags an organizer should look at:
    the age decision, processing failures, too long a work, too many words, the same file sent twice; and the
    signed release forms, declarations, caption files and the file's processing jobs, for the preview of the
    work. Nine queries."""
    current_assets = MediaAsset.objects.current()
    same_file_elsewhere = current_assets.filter(
        entry__contest=contest,
        sha256__in=current_assets.filter(entry=OuterRef(OuterRef("pk"))).values("sha256"),
    ).exclude(entry=OuterRef("pk"))
    submitted = Entry.objects.filter(contest=contest, status=EntryStatus.SUBMITTED)
    entries = with_work_details(
        submitted.select_related("theme", "category", "entrant", "screening", "ai_suspicion")
        .annotate(
            registration_status=Subquery(
                Registration.objects.filter(contest=contest, user=OuterRef("entrant_id")).values("status")[:1]
            ),
            duplicate_file=Exists(same_file_elsewhere),
        )
        .order_by("pk")
    )
    if undecided_only:
        entries = entries.filter(screening__isnull=True)
    # The page's counts, each from an index: the entries listed, and the decisions not yet told. A decision
    # stays when its entry is withdrawn (or taken back to a draft), and its entrant is not told while it is
    # (services.release_screening), so those are counted apart, starting from the entries not submitted (by
    # their index, not by joining every decision to its entry), and left out of both.
    unreleased = Count("pk", filter=Q(released_at__isnull=True))
    submitted_count = submitted.count()
    decided = ScreeningDecision.objects.filter(contest=contest).aggregate(all=Count("pk"), unreleased=unreleased)
    not_listed = ScreeningDecision.objects.filter(
        entry__in=Entry.objects.filter(
            contest=contest, status__in=[status for status in EntryStatus if status != EntryStatus.SUBMITTED]
        )
    ).aggregate(all=Count("pk"), unreleased=unreleased)
    counts = {"submitted": submitted_count, "undecided": submitted_count - (decided["all"] - not_listed["all"]),
              "unreleased": decided["unreleased"] - not_listed["unreleased"]}
    if after is not None:
        entries = entries.filter(pk__gt=after)
    limit = _limit(limit)
    items = list(entries[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    rows = [ScreeningRow(entry, _flags(entry)) for entry in items]
    return ScreeningPage(items=rows, next_after=items[-1].pk if more else None,
                         total=counts["undecided" if undecided_only else "submitted"],
                         unreleased=counts["unreleased"])


def _flags(entry: Entry) -> list[str]:
    flags = []
    if entry.registration_status and entry.registration_status != "eligible":
        flags.append(_("The entrant's registration does not allow them to enter (age or consent)."))
    if any(job.status == JobStatus.FAILED for asset in entry.current_assets for job in asset.jobs.all()):
        flags.append(_("Processing the file failed."))
    category = entry.category
    for asset in entry.current_assets:
        duration = (asset.facts or {}).get("duration_seconds")
        if category.max_duration_seconds and duration and duration > category.max_duration_seconds:
            flags.append(
                _("The work lasts %(seconds)s seconds; the category allows %(max)s.")
                % {"seconds": round(duration), "max": category.max_duration_seconds}
            )
    if category.max_words and entry.essay_text and word_count(entry.essay_text) > category.max_words:
        flags.append(_("The essay has more words than the category allows."))
    if entry.ai_use != "none":
        flags.append(_("The entrant declared the use of AI tools."))
    suspicion = getattr(entry, "ai_suspicion", None) if _has_related(entry, "ai_suspicion") else None
    if suspicion is not None:
        flags.append(
            _("An organizer suspects AI use that was not declared: %(note)s") % {"note": suspicion.note}
            if suspicion.note
            else _("An organizer suspects AI use that was not declared.")
        )
    if entry.duplicate_file:
        flags.append(_("The same file was sent in with another entry."))
    return flags


