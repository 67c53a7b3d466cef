"""A judged contest for the results tests: four entries scored by three judges, two of them level on total."""

import email
import email.policy
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from contest.enums import ContestStatus
from contest.services import change_contest_status
from judging import services as judging
from judging.models import Assignment
from results import services
from results.enums import AwardKind
from submissions.models import MediaAsset, Rendition
from tests.judging.factories import Jury, jury

# (Message ×2, Craft ×1) per entry, the same from every judge: entries 1 and 2 both total 7, so they are level
# on normalised and raw means; entry 1 is higher on Message, entry 2 agrees as much.
VALUES = [(9, 9), (8, 5), (7, 7), (3, 3)]




def judged_contest(*, steps: list[str] | None = None, name_criterion: bool = False) -> Jury:
    """A contest closed to entries, its tie-break declared (when `steps`), its round opened, every entry scored
    by all three judges, and the round closed."""
    made = jury(entries=4, judges=3, k=3, open_round=False, assign=False)
    now = timezone.now()
    if steps is not None:
        criterion = made.criteria[0] if name_criterion else None
        services.declare_tie_break(contest=made.contest, steps=steps, criterion=criterion, by=made.organizer,
                                   now=now)
    judging.open_round(round=made.round, by=made.organizer, now=now)
    judging.auto_assign(round=made.round, by=made.organizer, now=now)
    message, craft = made.criteria
    for assignment in Assignment.objects.filter(round=made.round).select_related("entry", "judge"):
        m, c = VALUES[made.entries.index(assignment.entry)]
        judging.submit_score(assignment=assignment, values={str(message.pk): m, str(craft.pk): c},
                             expected_version=0, by=assignment.judge, now=now,
                             feedback=f"Feedback for {assignment.entry.title}")
    judging.close_round(round=made.round, by=made.organizer, now=now)
    change_contest_status(contest=made.contest, to=ContestStatus.CLOSED)
    made.round.refresh_from_db()
    return made


def award_and_verify(made: Jury, *, entry_index: int = 0, publish_name: bool = True) -> None:
    now = timezone.now()
    entry = made.entries[entry_index]
    services.give_award(contest=made.contest, entry=entry, kind=AwardKind.WINNER, by=made.organizer, now=now,
                        texts={"citation_en": "A film that makes the case.", "citation_ar": "فيلم يقنع."})
    services.verify_winner(entry=entry, identity_checked=True, age_checked=True, publish_name=publish_name,
                           publish_country=True, note="Passport seen on a call.", by=made.organizer, now=now)


def add_rendition(entry, *, spec: str = "poster.jpg", content_type: str = "image/jpeg",
                  data: bytes = b"\xff\xd8\xff\xe0 not really a picture") -> Rendition:
    storage = storages["private"]
    original = storage.save(f"test-results/{entry.reference}/original.mp4", ContentFile(b"original bytes"))
    asset = MediaAsset.objects.create(entry=entry, file=original, size=14, sha256="0" * 64, file_format="mp4")
    name = storage.save(f"test-results/{entry.reference}/{spec}", ContentFile(data))
    return Rendition.objects.create(asset=asset, spec=spec, file=name, content_type=content_type, size=len(data))


def worker_mail(directory: Path) -> list[email.message.Message]:
    """Every message the worker wrote with Django's file-based backend (one file per connection)."""
    found = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_text().split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                # As bytes: from a str the email package decodes an 8-bit UTF-8 body with raw-unicode-escape.
                found.append(email.message_from_bytes(chunk.encode(), policy=email.policy.default))
    return found
