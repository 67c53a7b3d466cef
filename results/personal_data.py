"""The results app's part of a person's data: awards and checks of their entries, certificates, result emails.

Download (`results/`), for contests already announced only, as every result
is: the awards of their entries (with the citations), the check of their
identity and age (what was checked and what they agreed to publish, not the
document), the judges' feedback approved for them, their published files
(the addresses where the public sees them), and in `certificates/` a
certificate for each submitted entry, as the result page gives it. For every
contest: the result emails sent to them.

Erasure: what is about them is deleted, nothing of it kept anonymously:
- the awards of their entries, the checks of their identity with any identity
  document still stored, the ties decided between their entries and others,
  their published files (the public copies in storage too, once the erasure
  is committed), and the feedback approved for them;
- the result emails addressed to them;
- as a judge, the feedback of theirs an organizer approved (their own words,
  also the edited version);
What they decided as an organizer (tie-breaks, awards, checks, moderations)
stays, without their name (the database empties `…_by`). An award that goes
with its entry leaves the other awards as they were: nothing is ranked again.
The audit log keeps the fact that awards were given (see contest).
"""

from django.db.models import Q

from accounts.models import User
from accounts.registry import Erasure, ExportFolder
from submissions.enums import EntryStatus
from submissions.models import Entry

from .certificates import render_certificate
from .models import Award, FeedbackModeration, Notification, PublishedFile, TieDecision, WinnerVerification


def export(*, user: User, into: ExportFolder) -> None:
    announced = Q(entry__contest__results__announced_at__isnull=False)
    into.records("awards", Award.objects.filter(announced, entry__entrant=user), leave_out=("decided_by",))
    into.records(
        "identity_checks",
        WinnerVerification.objects.filter(announced, entry__entrant=user),
        leave_out=("document", "verified_by"),
    )
    into.records(
        "feedback_for_you",
        [
            {"entry": reference, "feedback": text}
            for reference, text in FeedbackModeration.objects.filter(
                score__assignment__entry__entrant=user,
                score__assignment__entry__contest__results__announced_at__isnull=False,
                approved=True,
            ).values_list("score__assignment__entry__reference", "text")
        ],
    )
    into.records(
        "published_files",
        [
            {"entry": published.entry.reference, "address": published.file.url, "published_at": published.published_at}
            for published in PublishedFile.objects.filter(entry__entrant=user).select_related("entry")
        ],
    )
    into.records("result_emails", Notification.objects.filter(recipient=user))
    entries = Entry.objects.filter(
        entrant=user, status=EntryStatus.SUBMITTED, contest__results__announced_at__isnull=False
    ).select_related("contest")
    for entry in entries:
        awards = list(entry.awards.filter(entry__winner_verification__verified_at__isnull=False)
                      .select_related("theme", "category"))
        pdf = render_certificate(contest=entry.contest, entrant=user, entry=entry, awards=awards)
        into.bytes(f"certificates/{entry.reference}-certificate.pdf", pdf)


def erase(*, erasure: Erasure) -> None:
    user = erasure.user
    awards = Award.objects.filter(entry__entrant=user)
    checks = WinnerVerification.objects.filter(entry__entrant=user)
    published = PublishedFile.objects.filter(entry__entrant=user)
    ties = TieDecision.objects.filter(entry__entrant=user)
    moderations = FeedbackModeration.objects.filter(
        Q(score__assignment__entry__entrant=user) | Q(score__assignment__judge=user)
    )
    emails = Notification.objects.filter(recipient=user)
    for queryset in (awards, checks, published, ties, moderations, emails):
        erasure.mark(queryset)
    for row in published:
        erasure.delete_file(row.file)
    for check in checks.exclude(document=""):
        erasure.delete_file(check.document)
    erasure.count("awards", awards.delete()[0])
    erasure.count("published files", published.delete()[0])
    for queryset in (checks, ties, moderations, emails):
        queryset.delete()
