"""Reads for the organizers' view of an entry's work: what a judge sees, plus what only organizers check."""

import dataclasses

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from submissions.enums import AttachmentKind
from submissions.models import Attachment, Entry, MediaAsset, ProcessingJob

from ..models import Assignment, Round


def with_work_details(entries: QuerySet) -> QuerySet:
    """Entries with their current file (its jobs too), declarations, release forms and caption files, for the
    organizers' previews: five more queries for any number of entries."""
    return entries.prefetch_related(
        Prefetch(
            "assets",
            queryset=MediaAsset.objects.current().prefetch_related(
                Prefetch("jobs", queryset=ProcessingJob.objects.order_by("pk"))
            ),
            to_attr="current_assets",
        ),
        "declarations",
        # The signed consent of the people shown, for the organizer to check; judges never see them.
        Prefetch(
            "attachments",
            queryset=Attachment.objects.filter(kind=AttachmentKind.RELEASE_FORM),
            to_attr="release_forms",
        ),
        Prefetch(
            "attachments",
            queryset=Attachment.objects.filter(kind=AttachmentKind.CAPTION).order_by("language"),
            to_attr="caption_files",
        ),
    )


def preview_entry(*, entry_id: int) -> Entry | None:
    return (
        with_work_details(Entry.objects.select_related("contest", "entrant", "theme", "category"))
        .filter(pk=entry_id)
        .first()
    )


@dataclasses.dataclass
class JudgesView:
    """What the judges of one round are shown of an entry, in words for its organizers."""

    round: Round
    judges: list[str]
    shown: str


def judges_view(*, entry: Entry) -> list[JudgesView]:
    """For each round holding the entry: its judges and what they see (two queries)."""
    rounds = list(Round.objects.filter(round_entries__entry=entry).order_by("position", "pk"))
    judges: dict[int, list[str]] = {round_.pk: [] for round_ in rounds}
    for assignment in Assignment.objects.filter(entry=entry, round__in=rounds).select_related("judge").order_by(
        "judge__full_name", "judge__email"
    ):
        judges[assignment.round_id].append(str(assignment.judge))
    views = []
    for round_ in rounds:
        if round_.blind:
            shown = _(
                "A blind round: its judges see the work, its title, theme, category, languages, description, work "
                "notes and AI-use statement. They do not see who made it (name, country, team), the original file "
                "or the release forms."
            )
        else:
            shown = _(
                "An open round: its judges see the work, its texts and who made it (name, country, team). They do "
                "not see the original file or the release forms."
            )
        views.append(JudgesView(round_, judges[round_.pk], shown))
    return views
