"""One table of who may do what, when: for every role, contest state and moment around each deadline, the
permission the site declares (`has_perm`) and what the real view does must agree.

Each cell builds its contest with times relative to now (the views read the clock), asks `has_perm` for the
person, then makes the request as that person would and looks at what happened: the page answered, or the
entry changed. A cell where the two disagree is a rule written twice.
"""

import base64
import contextlib
import dataclasses
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts.models import User
from contest.enums import ContestStatus, MediaKind, Role
from contest.models import Contest, ContestRole, Registration
from submissions import uploads
from submissions.enums import EntryStatus
from submissions.models import Attachment, Entry, MediaAsset, Upload
from tests.factories import CategoryFactory, ContestFactory, EntrantFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
ESSAY = "Cluster munitions scatter bomblets that lie in fields for decades."

# Each moment: the contest's state and times, relative to now; `closed_at` as the site would have set it.
MOMENTS = {
    "draft contest": {"status": ContestStatus.DRAFT, "opens": -DAY, "closes": DAY},
    "before opening": {"status": ContestStatus.OPEN, "opens": HOUR, "closes": 2 * DAY},
    "open": {"status": ContestStatus.OPEN, "opens": -DAY, "closes": HOUR},
    "last minute": {"status": ContestStatus.OPEN, "opens": -DAY, "closes": MINUTE},
    "closed early": {"status": ContestStatus.CLOSED, "opens": -DAY, "closes": HOUR, "closed": -MINUTE},
    "deadline passed, not yet closed": {"status": ContestStatus.OPEN, "opens": -DAY, "closes": -MINUTE},
    "in grace": {"status": ContestStatus.CLOSED, "opens": -DAY, "closes": -MINUTE, "closed": -MINUTE},
    "after grace": {"status": ContestStatus.CLOSED, "opens": -3 * DAY, "closes": -3 * HOUR, "closed": -3 * HOUR},
    "judging": {"status": ContestStatus.JUDGING, "opens": -3 * DAY, "closes": -DAY, "closed": -DAY},
    "archived": {"status": ContestStatus.ARCHIVED, "opens": -40 * DAY, "closes": -30 * DAY, "closed": -30 * DAY},
}
ROLES = ("owner", "other entrant", "judge", "organizer", "staff", "anonymous")


@dataclasses.dataclass
class World:
    contest: Contest
    people: dict[str, User | None]
    entry: Entry
    upload: Upload


def world(moment: str) -> World:
    """A contest at `moment`, an eligible entrant's complete essay entry (a draft) whose PDF upload started ten
    minutes before the deadline, and one person of each role."""
    now = timezone.now()
    spec = MOMENTS[moment]
    contest = ContestFactory(
        status=ContestStatus.OPEN, opens_at=now + spec["opens"], closes_at=now + spec["closes"], statement_max_words=50
    )
    ThemeFactory(contest=contest)
    essays = CategoryFactory(contest=contest, title="Essay", media_kind=MediaKind.ESSAY, allowed_formats=["pdf"],
                             max_size_bytes=None, max_duration_seconds=None)
    owner, other = EntrantFactory(), EntrantFactory()
    for person in (owner, other):
        Registration.objects.create(contest=contest, user=person, status="eligible", rules_version=1,
                                    accepted_rules_at=now, accepted_privacy_at=now, accepted_processing_at=now)
    judge, organizer = UserFactory(), UserFactory()
    ContestRole.objects.create(contest=contest, user=judge, role=Role.JUDGE)
    ContestRole.objects.create(contest=contest, user=organizer, role=Role.ORGANIZER)
    staff = UserFactory(is_staff=True)
    entry = Entry.objects.create(
        contest=contest, entrant=owner, reference=f"T-{contest.pk}-1", theme=contest.themes.get(), category=essays,
        title="The fields", statement="What I made and why.", essay_text=ESSAY,
    )
    for kind in ("original", "rights", "consent", "licence"):
        entry.declarations.create(kind=kind, text_version=1, accepted_at=now)
    started = contest.closes_at - 10 * MINUTE
    done = Upload.objects.create(entry=entry, owner=owner, length=len(PDF), offset=len(PDF), filename="essay.pdf",
                                 status="complete", created_at=started)
    asset = MediaAsset(entry=entry, upload=done, original_name="essay.pdf", size=len(PDF), sha256="0" * 64,
                       file_format="pdf")
    asset.file.save(f"entries/{entry.reference}/essay.pdf", ContentFile(PDF), save=True)
    under_way = Upload.objects.create(entry=entry, owner=owner, length=2 * len(PDF), offset=0,
                                      filename="again.pdf", created_at=started)
    uploads.temp_path(under_way).parent.mkdir(parents=True, exist_ok=True)
    uploads.temp_path(under_way).touch()
    # The state last: the moves that would set it need the very rules under test.
    Contest.objects.filter(pk=contest.pk).update(
        status=spec["status"], closed_at=now + spec["closed"] if "closed" in spec else None
    )
    contest.refresh_from_db()
    people = {"owner": owner, "other entrant": other, "judge": judge, "organizer": organizer, "staff": staff,
              "anonymous": None}
    return World(contest, people, Entry.objects.get(pk=entry.pk), under_way)


@contextlib.contextmanager
def cell(w: World, starting_state: str | None):
    """One cell of the table, in a transaction rolled back at its end; the entry starts in `starting_state`."""
    with transaction.atomic():
        if starting_state:
            set_status(w, starting_state)
        yield
        transaction.set_rollback(True)
    w.entry.refresh_from_db()
    w.contest.refresh_from_db()


def as_(person: User | None) -> Client:
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


def entry_status(w: World) -> str:
    return Entry.objects.values_list("status", flat=True).get(pk=w.entry.pk)


def set_status(w: World, status: str) -> None:
    Entry.objects.filter(pk=w.entry.pk).update(status=status)
    w.entry.refresh_from_db()


def tus(**headers) -> dict:
    return {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in {"Tus-Resumable": "1.0.0",
                                                                                 **headers}.items()}


def b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


# --- The actions: (permission and its object, the request, whether it happened) ---------------------------------------
def create_entry(w, client):
    answer = client.get(f"/en/contests/{w.contest.slug}/entries/new/")
    return ("submissions.create_entry", w.contest), answer.status_code == 200


def view_entry(w, client):
    return ("submissions.view_entry", w.entry), client.get(f"/en/entries/{w.entry.reference}/").status_code == 200


def download_original(w, client):
    asset = w.entry.assets.get()
    answer = client.get(f"/en/entries/{w.entry.reference}/files/{asset.pk}/")
    return ("submissions.view_entry_files", w.entry), answer.status_code == 200


def edit_entry(w, client):
    client.post(f"/en/entries/{w.entry.reference}/edit/", {
        "title": "A new title", "theme": w.entry.theme_id, "category": w.entry.category_id, "statement": "Notes.",
        "essay_text": ESSAY, "ai_use": "none", "declarations": ["original", "rights", "consent", "licence"],
    })
    return ("submissions.change_entry", w.entry), Entry.objects.get(pk=w.entry.pk).title == "A new title"


def submit_entry(w, client):
    client.post(f"/en/entries/{w.entry.reference}/submit/")
    return ("submissions.submit_entry", w.entry), entry_status(w) == EntryStatus.SUBMITTED


def unsubmit_entry(w, client):
    client.post(f"/en/entries/{w.entry.reference}/unsubmit/")
    return ("submissions.unsubmit_entry", w.entry), entry_status(w) == EntryStatus.DRAFT


def withdraw_entry(w, client):
    client.post(f"/en/entries/{w.entry.reference}/withdraw/")
    return ("submissions.withdraw_entry", w.entry), entry_status(w) == EntryStatus.WITHDRAWN


def add_release_form(w, client):
    client.post(f"/en/entries/{w.entry.reference}/attachments/release-form/add/",
                {"release-file": ContentFile(PDF, name="consent.pdf")})
    return ("submissions.change_entry", w.entry), Attachment.objects.filter(entry=w.entry).exists()


def start_upload(w, client):
    answer = client.post("/en/uploads/", **tus(**{"Upload-Length": "100",
                                                  "Upload-Metadata": f"entry {b64(w.entry.reference)},"
                                                                     f"filename {b64('essay.pdf')}"}))
    return ("submissions.upload", w.entry), answer.status_code == 201


def continue_upload(w, client):
    answer = client.generic("PATCH", f"/en/uploads/{w.upload.pk}", PDF,
                            content_type="application/offset+octet-stream", **tus(**{"Upload-Offset": "0"}))
    return ("submissions.continue_upload", w.upload), answer.status_code == 204


def screen_entry(w, client):
    client.post(f"/en/judging/manage/{w.contest.slug}/screening/{w.entry.pk}/",
                {f"e{w.entry.pk}-outcome": "eligible"})
    return ("judging.screen_entry", w.entry), hasattr(Entry.objects.get(pk=w.entry.pk), "screening")


def manage_results(w, client):
    answer = client.get(f"/en/contests/{w.contest.slug}/results/manage/")
    return ("results.manage_results", w.contest), answer.status_code == 200


def see_winners(w, client):
    answer = client.get(f"/en/contests/{w.contest.slug}/winners/")
    return ("results.view_results", w.contest), answer.status_code == 200


# The entry's state each action starts from.
ACTIONS = {
    create_entry: None,
    view_entry: EntryStatus.DRAFT,
    download_original: EntryStatus.DRAFT,
    edit_entry: EntryStatus.DRAFT,
    submit_entry: EntryStatus.DRAFT,
    unsubmit_entry: EntryStatus.SUBMITTED,
    withdraw_entry: EntryStatus.SUBMITTED,
    add_release_form: EntryStatus.DRAFT,
    start_upload: EntryStatus.DRAFT,
    continue_upload: EntryStatus.DRAFT,
    screen_entry: EntryStatus.SUBMITTED,
    manage_results: None,
    see_winners: None,
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_the_declared_permission_and_the_view_agree_for_every_role_action_and_moment(moment):
    disagreements, allowed = [], 0
    w = world(moment)
    for action, starting_state in ACTIONS.items():
        for role in ROLES:
            with cell(w, starting_state):  # each cell rolled back: an action must not see the one before
                person = w.people[role]
                (permission, obj), done = action(w, as_(person))
                declared = (person or AnonymousUser()).has_perm(permission, obj)
            allowed += declared
            if declared != done:
                disagreements.append(f"{action.__name__} as {role}: has_perm says {declared}, the view did {done}")
    assert not disagreements, f"At “{moment}”:\n" + "\n".join(disagreements)
    assert allowed, "the table allowed nothing at all: it would pass for a site that refuses everyone"


EXPECTED_FOR_THE_OWNER = {
    # moment: the actions the owner may take then (those of entrants only; viewing is always allowed)
    "open": {"create_entry", "edit_entry", "submit_entry", "unsubmit_entry", "withdraw_entry", "add_release_form",
             "start_upload", "continue_upload"},
    "last minute": {"create_entry", "edit_entry", "submit_entry", "unsubmit_entry", "withdraw_entry",
                    "add_release_form", "start_upload", "continue_upload"},
    "closed early": {"withdraw_entry"},
    "in grace": {"submit_entry", "withdraw_entry", "continue_upload"},
    "after grace": {"withdraw_entry"},
    "archived": set(),
}


@pytest.mark.parametrize("moment", list(EXPECTED_FOR_THE_OWNER))
def test_what_an_entrant_may_do_around_the_deadline(moment):
    """The table's rows for the owner, written out: the rules themselves, not only their agreement."""
    may = set()
    w = world(moment)
    for action, starting_state in ACTIONS.items():
        if action in (view_entry, download_original, screen_entry, manage_results, see_winners):
            continue
        with cell(w, starting_state):
            (_permission, _obj), done = action(w, as_(w.people["owner"]))
        if done:
            may.add(action.__name__)
    assert may == EXPECTED_FOR_THE_OWNER[moment]


def test_a_contest_closed_early_refuses_upload_patch_attachment_and_submission_with_the_same_message():
    w = world("closed early")
    owner = as_(w.people["owner"])
    said = "The organizers have closed this contest to entries."
    start = owner.post("/en/uploads/", **tus(**{"Upload-Length": "100",
                                                "Upload-Metadata": f"entry {b64(w.entry.reference)}"}))
    assert (start.status_code, start.content.decode()) == (403, said)
    patch = owner.generic("PATCH", f"/en/uploads/{w.upload.pk}", PDF,
                          content_type="application/offset+octet-stream", **tus(**{"Upload-Offset": "0"}))
    assert (patch.status_code, patch.content.decode()) == (403, said)
    attachment = owner.post(f"/en/entries/{w.entry.reference}/attachments/release-form/add/",
                            {"release-file": ContentFile(PDF, name="consent.pdf")})
    assert attachment.status_code == 400 and said in attachment.content.decode()
    submitted = owner.post(f"/en/entries/{w.entry.reference}/submit/", follow=True)
    assert said in submitted.content.decode()
    assert entry_status(w) == EntryStatus.DRAFT and not Attachment.objects.exists()
    assert Upload.objects.get(pk=w.upload.pk).offset == 0


def test_registering_follows_the_same_table():
    for moment, expected in (("open", True), ("closed early", False), ("in grace", False), ("before opening", False)):
        w = world(moment)
        newcomer = EntrantFactory()
        declared = newcomer.has_perm("contest.register", w.contest)
        as_(newcomer).post(f"/en/contests/{w.contest.slug}/register/",
                           {"accept_rules": "on", "accept_privacy": "on", "accept_processing": "on"})
        done = Registration.objects.filter(contest=w.contest, user=newcomer).exists()
        assert declared == done == expected, moment


ROUND_MOMENTS = {
    "open": {},
    "not yet open": {"opens_at": HOUR},
    "past its closing time": {"closes_at": -MINUTE},
    "closed": {"state": "closed"},
    "contest archived": {"archived": True},
}


@pytest.mark.parametrize("moment", list(ROUND_MOMENTS))
def test_scoring_follows_the_same_table(moment):
    from judging.models import Assignment, Round, Score
    from tests.judging.factories import jury

    team = jury(entries=2, judges=2, k=1)
    spec = ROUND_MOMENTS[moment]
    now = timezone.now()
    Round.objects.filter(pk=team.round.pk).update(
        state=spec.get("state", "open"),
        opens_at=now + spec["opens_at"] if "opens_at" in spec else None,
        closes_at=now + spec["closes_at"] if "closes_at" in spec else None,
    )
    if spec.get("archived"):
        Contest.objects.filter(pk=team.contest.pk).update(status=ContestStatus.ARCHIVED)
    assignment = Assignment.objects.select_related("round__contest", "entry").filter(round=team.round).first()
    other_judge = next(judge for judge in team.judges if judge.pk != assignment.judge_id)
    results = {}
    for role, person in (("assigned judge", assignment.judge), ("other judge", other_judge),
                         ("organizer", team.organizer), ("entrant", assignment.entry.entrant)):
        with transaction.atomic():
            declared = person.has_perm("judging.score_assignment", assignment)
            data = {f"criterion_{c.pk}": 7 for c in team.criteria}
            as_(person).post(f"/en/judging/assignments/{assignment.pk}/",
                             data | {"comment": "", "feedback": "", "expected_version": 0, "action": "save"})
            done = Score.objects.filter(assignment=assignment).exists()
            transaction.set_rollback(True)
        assert declared == done, f"{role} at “{moment}”: has_perm says {declared}, the view did {done}"
        results[role] = done
    assert results == {"assigned judge": moment == "open", "other judge": False, "organizer": False,
                       "entrant": False}


def test_the_organizers_services_refuse_anyone_else_as_their_pages_do(client):
    from judging import services as judging
    from results import services as results
    from tests.judging.factories import jury

    team = jury(entries=2, judges=2, k=1)
    judge, entrant, now = team.judges[0], team.entries[0].entrant, timezone.now()
    for person in (judge, entrant):
        assert not person.has_perm("judging.manage_judging", team.contest)
        client.force_login(person)
        assert client.get(f"/en/judging/manage/{team.contest.slug}/").status_code == 404
        with pytest.raises(judging.JudgingRefused, match="Only the contest's organizers"):
            judging.create_round(contest=team.contest, data={"name": "Mine"}, by=person, now=now)
        with pytest.raises(judging.JudgingRefused, match="Only the contest's organizers"):
            judging.close_round(round=team.round, by=person, now=now)
        with pytest.raises(judging.JudgingRefused, match="Only the contest's organizers"):
            judging.decide_screening(entry=team.entries[0], outcome="ineligible", reason="other", note="x", by=person,
                                     now=now)
        with pytest.raises(results.ResultsRefused, match="Only the contest's organizers"):
            results.give_award(contest=team.contest, entry=team.entries[0], kind="winner", by=person, now=now)
    assert team.organizer.has_perm("judging.manage_judging", team.contest)
    judging.close_round(round=team.round, by=team.organizer, now=now)
