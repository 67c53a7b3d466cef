"""Entries through the real pages and services: drafts, what is left to do, deadlines, states, teams, birth dates."""

import html
import re
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import BirthDateCorrection
from accounts.services import BirthDateLocked, correct_birth_date, update_profile
from contest import registration as registrations
from contest.enums import ContestStatus, MediaKind
from contest.models import Category
from submissions import services
from submissions.enums import DECLARATIONS_VERSION, ENTRY_TRANSITIONS, CoCreatorStatus, EntryStatus
from submissions.models import CoCreator, Entry, EntryDeclaration
from tests.factories import CategoryFactory, ContestFactory, EntrantFactory, ThemeFactory, years_before
from tests.pages import text

pytestmark = pytest.mark.django_db

ALL_DECLARATIONS = ["original", "rights", "consent", "licence"]
ESSAY = "Cluster munitions scatter bomblets that lie in fields for decades and maim the children who find them."
NOTES = "I wrote about my grandmother's village."
MEXICO_CITY = zoneinfo.ZoneInfo("America/Mexico_City")


# --- Building a contest, an entrant and their entries ---------------------
def essay_contest(**fields):
    """A contest with one theme, an essay category of at most 20 words and a video category."""
    contest = ContestFactory(**{"reference_prefix": "CCM-2026", "statement_max_words": 12, **fields})
    ThemeFactory(contest=contest, title="Victims and survivors")
    CategoryFactory(contest=contest, title="Essay", media_kind=MediaKind.ESSAY, allowed_formats=["pdf"], max_words=20)
    CategoryFactory(contest=contest, title="Short video", media_kind=MediaKind.VIDEO)
    return contest


def essay_category(contest):
    return contest.categories.get(media_kind=MediaKind.ESSAY)


def registered(contest, **fields):
    person = EntrantFactory(**fields)
    registrations.register(contest=contest, user=person, now=timezone.now())
    return person


def answers(contest, **changes):
    """What an entrant types into the entry form for a complete essay entry."""
    typed = {
        "title": "The fields of Ban Naxay",
        "theme": contest.themes.get().pk,
        "category": essay_category(contest).pk,
        "description": "An essay.",
        "statement": NOTES,
        "languages": "English",
        "essay_text": ESSAY,
        "ai_use": "none",
        "ai_use_details": "",
        "declarations": ALL_DECLARATIONS,
    }
    return {name: value for name, value in {**typed, **changes}.items() if value is not None}


def draft(contest, entrant, *, declarations=ALL_DECLARATIONS, now=None, **data):
    """An essay entry made through the service: complete unless `data` or `declarations` say otherwise."""
    fields = {
        "title": "The fields of Ban Naxay",
        "theme": contest.themes.get(),
        "category": essay_category(contest),
        "statement": NOTES,
        "essay_text": ESSAY,
        **data,
    }
    return services.create_entry(
        contest=contest, entrant=entrant, data=fields, declarations=set(declarations), now=now or timezone.now()
    )


def submitted(contest, entrant, **data):
    return services.submit_entry(entry=draft(contest, entrant, **data), now=timezone.now())


def entry_url(entry, action=""):
    return f"/en/entries/{entry.reference}/{action}"


def new_entry_url(contest):
    return f"/en/contests/{contest.slug}/entries/new/"


def error_beside(response, field: str) -> str:
    """As tests.pages.error_beside, but the input may point at its help text too ("id_x_helptext id_x_error")."""
    page = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', page, re.DOTALL)
    assert match, f"no error is shown beside {field}"
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error\b', page), (
        f"the {field} input does not point at its error"
    )
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def messages_on(response) -> list[str]:
    return re.findall(r'<li class="message message--\w+">([^<]*)</li>', text(response))


# --- Creating an entry -----------------------------------------------------
def test_an_eligible_entrant_saves_an_essay_draft_with_a_reference_and_four_declarations(client):
    contest = essay_contest(rules_version=3)
    entrant = registered(contest)
    client.force_login(entrant)
    before = timezone.now()

    response = client.post(new_entry_url(contest), answers(contest))

    assert response.status_code == 302
    assert response["Location"] == "/en/entries/CCM-2026-0001/"
    entry = Entry.objects.get()
    assert (entry.reference, entry.status, entry.entrant) == ("CCM-2026-0001", "draft", entrant)
    assert (entry.title, entry.essay_text, entry.statement) == ("The fields of Ban Naxay", ESSAY, NOTES)
    assert entry.category.media_kind == "essay"
    declarations = {d.kind: d for d in EntryDeclaration.objects.filter(entry=entry)}
    assert sorted(declarations) == sorted(ALL_DECLARATIONS)
    assert {d.text_version for d in declarations.values()} == {DECLARATIONS_VERSION}
    assert declarations["licence"].licence_rules_version == 3
    assert all(declarations[kind].licence_rules_version is None for kind in ("original", "rights", "consent"))
    assert all(before <= d.accepted_at <= timezone.now() for d in declarations.values())
    page = client.get(response["Location"])
    assert "Your draft is saved. It is not submitted yet." in messages_on(page)
    assert "CCM-2026-0001" in text(page)


def test_the_second_entry_gets_the_next_reference(client):
    contest = essay_contest()
    entrant = registered(contest)
    draft(contest, entrant)
    client.force_login(entrant)

    response = client.post(new_entry_url(contest), answers(contest, title="Second essay"))

    assert response["Location"] == "/en/entries/CCM-2026-0002/"
    assert Entry.objects.get(title="Second essay").reference == "CCM-2026-0002"


def test_someone_who_has_not_registered_is_told_to_register_first(client):
    contest = essay_contest()
    client.force_login(EntrantFactory())

    response = client.post(new_entry_url(contest), answers(contest))

    assert response.status_code == 403
    assert messages_on(response) == ["Register for the contest before you create an entry."]
    assert not Entry.objects.exists()
    assert not EntryDeclaration.objects.exists()


def test_an_ineligible_registration_cannot_create_an_entry(client):
    contest = essay_contest()
    too_old = registered(contest, date_of_birth=years_before(timezone.localdate(), 35))
    client.force_login(too_old)

    response = client.post(new_entry_url(contest), answers(contest))

    assert response.status_code == 403
    assert messages_on(response) == ["Your registration does not allow you to enter: your registration page says why."]
    assert not Entry.objects.exists()


def test_the_entry_limit_refuses_one_more_and_a_withdrawn_entry_frees_a_place(client):
    contest = essay_contest(max_entries_per_entrant=2)
    entrant = registered(contest)
    first, _second = draft(contest, entrant), draft(contest, entrant)
    client.force_login(entrant)

    refused = client.post(new_entry_url(contest), answers(contest, title="Third"))

    assert refused.status_code == 403
    assert messages_on(refused) == [
        "This contest takes at most 2 entries from each entrant, and you have them already. "
        "Withdraw one to make room for a new one."
    ]
    assert Entry.objects.count() == 2

    services.withdraw_entry(entry=first, now=timezone.now())
    accepted = client.post(new_entry_url(contest), answers(contest, title="Third"))

    assert accepted.status_code == 302
    assert Entry.objects.get(title="Third").status == "draft"


def test_a_limit_of_one_entry_is_said_in_the_singular():
    contest = essay_contest(max_entries_per_entrant=1)
    entrant = registered(contest)
    draft(contest, entrant)

    with pytest.raises(services.EntryRefused) as refused:
        draft(contest, entrant)

    assert refused.value.messages == [
        "This contest takes at most 1 entry from each entrant, and you have it already. "
        "Withdraw one to make room for a new one."
    ]


# --- What is still to do ---------------------------------------------------
@pytest.mark.parametrize(
    ("entry_data", "declarations", "missing"),
    [
        pytest.param({"essay_text": ""}, ALL_DECLARATIONS, "Write your essay, or upload it as a PDF.", id="no-essay"),
        pytest.param(
            {"essay_text": "word " * 21},
            ALL_DECLARATIONS,
            "Your essay has 21 words; this category allows at most 20. Shorten it.",
            id="essay-too-long",
        ),
        pytest.param(
            {"statement": "note " * 13},
            ALL_DECLARATIONS,
            "Your work notes have 13 words; at most 12 are allowed.",
            id="notes-too-long",
        ),
        pytest.param(
            {"statement": ""},
            ALL_DECLARATIONS,
            "Write your work notes: a few lines on what you made and why.",
            id="no-notes",
        ),
        pytest.param(
            {"ai_use": "assisted", "ai_use_details": "  "},
            ALL_DECLARATIONS,
            "Say which AI tools you used and how.",
            id="ai-without-details",
        ),
        pytest.param({}, ["original", "licence"], "Tick the 2 remaining declarations.", id="two-declarations"),
        pytest.param({}, ["original", "rights", "consent"], "Tick the 1 remaining declaration.", id="one-declaration"),
    ],
)
def test_each_missing_thing_is_said_in_words(entry_data, declarations, missing):
    contest = essay_contest()
    entry = draft(contest, registered(contest), declarations=declarations, **entry_data)

    assert services.still_to_do(entry) == [missing]


def test_a_complete_essay_entry_has_nothing_left_to_do():
    contest = essay_contest()
    entry = draft(contest, registered(contest), essay_text="word " * 20, statement="note " * 12)

    assert services.still_to_do(entry) == []


def test_an_essay_shorter_than_the_category_asks_says_both_numbers():
    contest = essay_contest()
    Category.objects.filter(pk=essay_category(contest).pk).update(min_words=5)
    entry = draft(contest, registered(contest), essay_text="Too short.")

    assert services.still_to_do(entry) == ["Your essay has 2 words; this category needs at least 5."]


def test_ai_use_with_details_is_complete():
    contest = essay_contest()
    entry = draft(contest, registered(contest), ai_use="generated", ai_use_details="A model drew the map.")

    assert services.still_to_do(entry) == []


def test_a_video_entry_asks_for_its_file_and_cannot_be_submitted_yet(client):
    contest = essay_contest()
    entrant = registered(contest)
    entry = draft(contest, entrant, category=contest.categories.get(media_kind=MediaKind.VIDEO), essay_text="")
    client.force_login(entrant)

    assert services.still_to_do(entry) == ["Upload your file (video)."]
    assert "Upload your file (video)." in text(client.get(entry_url(entry)))
    response = client.post(entry_url(entry, "submit/"), follow=True)

    assert "Upload your file (video)." in messages_on(response)
    entry.refresh_from_db()
    assert entry.status == "draft"
    assert entry.submitted_at is None


# --- Submitting -------------------------------------------------------------
def _video_entry_with_a_file(contest, *, check_status, message=""):
    from submissions.enums import JobKind
    from submissions.models import MediaAsset, ProcessingJob

    entrant = registered(contest)
    entry = draft(contest, entrant, category=contest.categories.get(media_kind=MediaKind.VIDEO), essay_text="")
    asset = MediaAsset.objects.create(entry=entry, file="entries/x.mp4", size=10, sha256="0" * 64, file_format="mp4")
    ProcessingJob.objects.create(
        asset=asset, kind=JobKind.PROBE, status=check_status, error_code="too_long" if message else "",
        error_message=message,
    )
    return entrant, entry


def test_a_refused_file_must_be_replaced_before_the_entry_can_be_submitted(client):
    contest = essay_contest()
    refusal = "Your video is 4 min 12 s long; this category allows at most 3 minutes. Shorten it and upload it again."
    entrant, entry = _video_entry_with_a_file(contest, check_status="failed", message=refusal)
    client.force_login(entrant)

    assert services.still_to_do(entry) == [refusal]
    response = client.post(entry_url(entry, "submit/"), follow=True)

    assert refusal in messages_on(response)
    entry.refresh_from_db()
    assert entry.status == "draft"


def test_a_file_still_being_processed_does_not_hold_the_entry_back():
    contest = essay_contest()
    _entrant, entry = _video_entry_with_a_file(contest, check_status="running")

    assert services.still_to_do(entry) == []


def test_submitting_a_complete_entry_shows_the_receipt_and_emails_it_once(client, django_capture_on_commit_callbacks):
    contest = essay_contest()
    entrant = registered(contest, email="itzel@voices.example")
    entry = draft(contest, entrant)
    client.force_login(entrant)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(entry_url(entry, "submit/"))

    assert response.status_code == 302
    assert response["Location"] == entry_url(entry, "receipt/")
    entry.refresh_from_db()
    assert entry.status == "submitted"
    assert before <= entry.submitted_at <= timezone.now()
    assert entry.first_submitted_at == entry.submitted_at
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert "Your entry reference: CCM-2026-0001" in re.sub(r"<[^>]+>", "", text(receipt))
    assert "Your entry is submitted." in messages_on(receipt)
    (email,) = mail.outbox
    assert email.to == ["itzel@voices.example"]
    assert email.subject == "Entry received: CCM-2026-0001"
    assert "Your entry reference: CCM-2026-0001" in email.body
    assert f"{settings.SITE_URL}/en/entries/CCM-2026-0001/receipt/" in email.body


def test_submitting_an_incomplete_entry_lists_what_is_missing_and_keeps_the_draft(
    client, django_capture_on_commit_callbacks
):
    contest = essay_contest()
    entrant = registered(contest)
    entry = draft(contest, entrant, essay_text="", declarations=["original", "rights"])
    client.force_login(entrant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(entry_url(entry, "submit/"), follow=True)

    assert response.redirect_chain == [(entry_url(entry), 302)]
    assert messages_on(response) == ["Write your essay, or upload it as a PDF.", "Tick the 2 remaining declarations."]
    entry.refresh_from_db()
    assert (entry.status, entry.submitted_at) == ("draft", None)
    assert not mail.outbox


def test_the_receipt_of_a_draft_sends_you_back_to_the_entry(client):
    contest = essay_contest()
    entrant = registered(contest)
    entry = draft(contest, entrant)
    client.force_login(entrant)

    response = client.get(entry_url(entry, "receipt/"))

    assert response.status_code == 302
    assert response["Location"] == entry_url(entry)


# --- The deadline -----------------------------------------------------------
def closing_at_midnight_in_mexico_city():
    """A contest closing at 23:59:59 on 31 July next year, Mexico City time (05:59:59 UTC on 1 August)."""
    closes = datetime(timezone.localdate().year + 1, 7, 31, 23, 59, 59, tzinfo=MEXICO_CITY)
    return essay_contest(time_zone="America/Mexico_City", closes_at=closes)


def test_an_entry_submitted_one_second_before_the_deadline_is_accepted():
    contest = closing_at_midnight_in_mexico_city()
    entry = draft(contest, registered(contest))
    last_second = datetime(contest.closes_at.year, 7, 31, 23, 59, 58, tzinfo=MEXICO_CITY)

    services.submit_entry(entry=entry, now=last_second)

    entry.refresh_from_db()
    assert entry.status == "submitted"
    assert entry.submitted_at == last_second


def test_an_entry_submitted_at_midnight_is_refused_with_the_deadline_in_the_contests_zone():
    contest = closing_at_midnight_in_mexico_city()
    entry = draft(contest, registered(contest))
    midnight = datetime(contest.closes_at.year, 8, 1, 0, 0, 0, tzinfo=MEXICO_CITY)

    with pytest.raises(services.EntryRefused) as refused:
        services.submit_entry(entry=entry, now=midnight)

    year = contest.closes_at.year
    assert refused.value.messages == [
        f"The deadline has passed: entries closed on July 31, {year}, 11:59 p.m. (America/Mexico_City)."
    ]
    entry.refresh_from_db()
    assert (entry.status, entry.submitted_at) == ("draft", None)


def test_on_the_pages_the_servers_clock_decides_the_deadline(client):
    now = timezone.now()
    contest = essay_contest(opens_at=now - timedelta(days=40), closes_at=now - timedelta(minutes=1))
    entrant = registered(contest)
    entry = draft(contest, entrant, now=now - timedelta(days=1))
    client.force_login(entrant)

    response = client.post(entry_url(entry, "submit/"), follow=True)

    (message,) = messages_on(response)
    assert message.startswith("The deadline has passed: entries closed on ")
    assert message.endswith("(Europe/Zurich).")
    entry.refresh_from_db()
    assert entry.status == "draft"


def test_no_new_entry_is_taken_after_the_deadline(client):
    now = timezone.now()
    contest = essay_contest(opens_at=now - timedelta(days=40), closes_at=now - timedelta(minutes=1))
    client.force_login(registered(contest))

    response = client.post(new_entry_url(contest), answers(contest))

    assert response.status_code == 403
    assert messages_on(response)[0].startswith("The deadline has passed")
    assert not Entry.objects.exists()


@pytest.mark.parametrize("status", [ContestStatus.CLOSED, ContestStatus.JUDGING])
def test_a_contest_the_organizers_have_closed_takes_no_new_entries(status):
    contest = essay_contest()
    entrant = registered(contest)
    contest.status = status
    contest.save()

    with pytest.raises(services.EntryRefused):
        draft(contest, entrant)
    assert not Entry.objects.exists()


# --- Moving between states -------------------------------------------------
def test_taking_an_entry_back_before_the_deadline_makes_it_a_draft_again(client):
    contest = essay_contest()
    entrant = registered(contest)
    entry = submitted(contest, entrant)
    client.force_login(entrant)

    response = client.post(entry_url(entry, "unsubmit/"), follow=True)

    assert messages_on(response) == [
        "Your entry is a draft again: change it, then submit it again before the deadline."
    ]
    entry.refresh_from_db()
    assert entry.status == "draft"
    assert entry.first_submitted_at is not None


def test_an_entry_cannot_be_taken_back_after_the_deadline():
    contest = closing_at_midnight_in_mexico_city()
    entry = draft(contest, registered(contest))
    services.submit_entry(entry=entry, now=contest.closes_at - timedelta(hours=1))

    with pytest.raises(services.EntryRefused) as refused:
        services.unsubmit_entry(entry=entry, now=contest.closes_at + timedelta(seconds=1))

    assert refused.value.messages[0].startswith("The deadline has passed")
    entry.refresh_from_db()
    assert entry.status == "submitted"


@pytest.mark.parametrize("submit_first", [False, True], ids=["from-draft", "from-submitted"])
def test_an_entry_can_be_withdrawn(client, submit_first):
    contest = essay_contest()
    entrant = registered(contest)
    entry = submitted(contest, entrant) if submit_first else draft(contest, entrant)
    client.force_login(entrant)

    response = client.post(entry_url(entry, "withdraw/"), follow=True)

    assert "Your entry is withdrawn." in messages_on(response)
    entry.refresh_from_db()
    assert entry.status == "withdrawn"
    assert entry.withdrawn_at is not None
    assert "Withdraw the entry" not in text(response)


MOVES = {
    EntryStatus.SUBMITTED: services.submit_entry,
    EntryStatus.DRAFT: services.unsubmit_entry,
    EntryStatus.WITHDRAWN: services.withdraw_entry,
}
LEGAL = {("draft", "submitted"), ("draft", "withdrawn"), ("submitted", "draft"), ("submitted", "withdrawn")}


def entry_in(state, contest, entrant):
    entry = draft(contest, entrant)
    if state == "submitted":
        services.submit_entry(entry=entry, now=timezone.now())
    elif state == "withdrawn":
        services.withdraw_entry(entry=entry, now=timezone.now())
    entry.refresh_from_db()
    assert entry.status == state
    return entry


@pytest.mark.parametrize("to", list(EntryStatus.values))
@pytest.mark.parametrize("start", list(EntryStatus.values))
def test_every_move_follows_the_one_table(start, to):
    contest = essay_contest()
    entry = entry_in(start, contest, registered(contest))

    if (start, to) in LEGAL:
        MOVES[to](entry=entry, now=timezone.now())
        entry.refresh_from_db()
        assert entry.status == to
    else:
        with pytest.raises(services.EntryRefused):
            MOVES[to](entry=entry, now=timezone.now())
        entry.refresh_from_db()
        assert entry.status == start


def test_the_table_allows_exactly_the_four_legal_moves():
    allowed = {(start, to) for start, targets in ENTRY_TRANSITIONS.items() for to in targets}
    assert allowed == LEGAL


def test_an_illegal_move_says_which_states_in_words():
    contest = essay_contest()
    entry = entry_in("withdrawn", contest, registered(contest))

    with pytest.raises(services.EntryRefused) as refused:
        services.unsubmit_entry(entry=entry, now=timezone.now())

    assert refused.value.messages == ["An entry that is “Withdrawn” cannot become “Draft”."]


# --- Editing ----------------------------------------------------------------
def test_a_submitted_entry_cannot_be_edited_and_the_page_says_why(client):
    contest = essay_contest()
    entrant = registered(contest)
    entry = submitted(contest, entrant)
    client.force_login(entrant)

    response = client.post(entry_url(entry, "edit/"), answers(contest, title="Changed"), follow=True)

    assert response.redirect_chain == [(entry_url(entry), 302)]
    assert messages_on(response) == ["Only a draft can be changed. Take the entry back to a draft first."]
    entry.refresh_from_db()
    assert entry.title == "The fields of Ban Naxay"


def test_a_draft_is_changed_and_its_declarations_follow_the_boxes(client):
    contest = essay_contest()
    entrant = registered(contest)
    entry = draft(contest, entrant)
    client.force_login(entrant)
    form = client.get(entry_url(entry, "edit/"))
    assert form.status_code == 200
    assert 'value="The fields of Ban Naxay"' in form.content.decode()

    response = client.post(
        entry_url(entry, "edit/"),
        answers(contest, title="The fields, revisited", declarations=["original", "rights"]),
        follow=True,
    )

    assert response.redirect_chain == [(entry_url(entry), 302)]
    assert "Your changes are saved." in messages_on(response)
    assert "Tick the 2 remaining declarations." in text(response)
    entry.refresh_from_db()
    assert entry.title == "The fields, revisited"
    assert set(entry.declarations.values_list("kind", flat=True)) == {"original", "rights"}


# --- Whose entry ------------------------------------------------------------
ENTRY_PAGES = [
    pytest.param("get", "", id="detail"),
    pytest.param("get", "edit/", id="edit"),
    pytest.param("post", "edit/", id="edit-post"),
    pytest.param("post", "submit/", id="submit"),
    pytest.param("post", "unsubmit/", id="unsubmit"),
    pytest.param("post", "withdraw/", id="withdraw"),
    pytest.param("get", "receipt/", id="receipt"),
    pytest.param("post", "team/", id="team-add"),
    pytest.param("post", "team/{co_creator}/remove/", id="team-remove"),
]


@pytest.fixture
def someone_elses_entry():
    """Itzel's draft with one co-creator still to confirm."""
    contest = essay_contest()
    entry = draft(contest, registered(contest, full_name="Itzel Xochitl Ramírez"))
    co_creator = services.invite_co_creator(
        entry=entry,
        name="Ana Ruiz",
        email="ana@voices.example",
        date_of_birth=years_before(timezone.localdate(), 21),
        now=timezone.now(),
    )
    return entry, co_creator


def snapshot(entry):
    entry.refresh_from_db()
    return (
        entry.status,
        entry.title,
        entry.updated_at,
        sorted(entry.declarations.values_list("kind", flat=True)),
        sorted(entry.co_creators.values_list("email", "status")),
    )


@pytest.mark.parametrize(("method", "action"), ENTRY_PAGES)
def test_another_entrant_finds_none_of_your_entry_pages(client, someone_elses_entry, method, action):
    entry, co_creator = someone_elses_entry
    before = snapshot(entry)
    stranger = registered(entry.contest)
    client.force_login(stranger)
    url = entry_url(entry, action.format(co_creator=co_creator.pk))
    data = answers(entry.contest, title="Taken over") | {
        "name": "Mallory",
        "email": "mallory@voices.example",
        "date_of_birth": "2003-01-01",
    }

    response = getattr(client, method)(url, data) if method == "post" else client.get(url)

    assert response.status_code == 404
    assert "Itzel" not in text(response)
    assert "The fields of Ban Naxay" not in text(response)
    assert snapshot(entry) == before


@pytest.mark.parametrize(("method", "action"), ENTRY_PAGES)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, someone_elses_entry, method, action):
    entry, co_creator = someone_elses_entry
    before = snapshot(entry)
    url = entry_url(entry, action.format(co_creator=co_creator.pk))

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"] == f"/en/accounts/login/?next={url}"
    assert snapshot(entry) == before


def test_the_dashboard_lists_only_your_own_entries_with_what_is_left(client):
    contest = essay_contest()
    mine = registered(contest)
    draft(contest, mine, title="My essay", essay_text="")
    draft(contest, registered(contest), title="Someone else's essay")
    client.force_login(mine)

    page = text(client.get("/en/entries/"))

    assert "My essay" in page
    assert "Write your essay, or upload it as a PDF." in page
    assert "Someone else's essay" not in page


def test_the_dashboard_needs_no_more_queries_for_more_entries(client, django_assert_max_num_queries):
    contest = essay_contest()
    entrant = registered(contest)
    draft(contest, entrant)
    client.force_login(entrant)
    with CaptureQueriesContext(connection) as one_entry:
        client.get("/en/entries/")
    for _ in range(4):
        draft(contest, entrant)

    with django_assert_max_num_queries(len(one_entry)):
        client.get("/en/entries/")


# --- Co-creators ------------------------------------------------------------
def team_answers(**changes):
    return {
        "name": "Ana Ruiz",
        "email": "ana@voices.example",
        "date_of_birth": years_before(timezone.localdate(), 21).isoformat(),
        **changes,
    }


def invite(entry, **changes):
    fields = team_answers(**changes)
    fields["date_of_birth"] = datetime.fromisoformat(fields["date_of_birth"]).date()
    return services.invite_co_creator(entry=entry, now=timezone.now(), **fields)


def test_a_co_creator_too_young_for_the_contest_is_refused_with_the_reason(client):
    closes = datetime(timezone.localdate().year + 1, 7, 1, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Zurich"))
    contest = essay_contest(closes_at=closes)
    entrant = registered(contest)
    entry = draft(contest, entrant)
    client.force_login(entrant)

    born = years_before(closes.date(), 17)
    response = client.post(entry_url(entry, "team/"), team_answers(date_of_birth=born.isoformat()))

    assert response.status_code == 400
    assert messages_on(response) == [
        "Ana Ruiz cannot be on the team:",
        f"Entrants must be 18–29 on July 1, {closes.year}. On that date you will be 17.",
    ]
    assert not CoCreator.objects.exists()
    assert not mail.outbox


def test_a_co_creator_past_the_age_limit_is_refused():
    contest = essay_contest()
    entry = draft(contest, registered(contest))

    with pytest.raises(services.EntryRefused) as refused:
        invite(entry, date_of_birth=years_before(timezone.localdate(), 31).isoformat())

    assert "On that date you will be 31." in refused.value.messages[1]
    assert not CoCreator.objects.exists()


def test_you_cannot_name_yourself_as_a_co_creator(client):
    contest = essay_contest()
    entrant = registered(contest, email="itzel@voices.example")
    entry = draft(contest, entrant)
    client.force_login(entrant)

    response = client.post(entry_url(entry, "team/"), team_answers(email="Itzel@Voices.example"))

    assert response.status_code == 400
    assert messages_on(response) == ["That is your own address: add the people who made the work with you."]
    assert not CoCreator.objects.exists()


def test_a_team_of_at_most_two_has_room_for_one_co_creator():
    contest = essay_contest(max_team_size=2)
    entry = draft(contest, registered(contest))
    invite(entry)

    with pytest.raises(services.EntryRefused) as refused:
        invite(entry, name="Beto Díaz", email="beto@voices.example")

    assert refused.value.messages == ["Teams in this contest have at most 2 people, you included."]
    assert list(entry.co_creators.values_list("name", flat=True)) == ["Ana Ruiz"]


def test_the_same_person_cannot_be_invited_twice():
    contest = essay_contest()
    entry = draft(contest, registered(contest))
    invite(entry)

    with pytest.raises(services.EntryRefused) as refused:
        invite(entry, email="ANA@voices.example")

    assert refused.value.messages == ["ANA@voices.example is already on this entry."]
    assert CoCreator.objects.count() == 1


def emailed_team_link(email) -> str:
    (token,) = re.findall(re.escape(settings.SITE_URL) + r"/en/team/([^/\s]+)/", email.body)
    return f"/en/team/{token}/"


@pytest.mark.parametrize(
    ("answer", "status", "said"),
    [
        pytest.param("confirm", CoCreatorStatus.CONFIRMED, "Thank you: your part is confirmed.", id="confirms"),
        pytest.param(
            "decline",
            CoCreatorStatus.DECLINED,
            "You have declined. The entrant will see it on their entry.",
            id="declines",
        ),
    ],
)
def test_the_co_creator_answers_through_the_emailed_link(
    client, django_capture_on_commit_callbacks, answer, status, said
):
    contest = essay_contest()
    entrant = registered(contest, full_name="Itzel Xochitl Ramírez")
    entry = draft(contest, entrant)
    client.force_login(entrant)

    with django_capture_on_commit_callbacks(execute=True):
        added = client.post(entry_url(entry, "team/"), team_answers(), follow=True)

    assert "We have emailed Ana Ruiz to confirm their part." in messages_on(added)
    assert "Ana Ruiz (ana@voices.example): Waiting for confirmation" in text(added)
    (email,) = mail.outbox
    assert email.to == ["ana@voices.example"]
    assert email.subject == f"Please confirm your part in an entry to {contest.title}"
    link = emailed_team_link(email)

    co_creator = client.__class__()
    invitation = text(co_creator.get(link))
    assert (
        "Itzel Xochitl Ramírez has entered “The fields of Ban Naxay” and named you as one of its makers." in invitation
    )
    response = co_creator.post(link, {"answer": answer})

    assert response.status_code == 200
    assert said in text(response)
    invited = CoCreator.objects.get()
    assert invited.status == status
    assert invited.answered_at is not None


def test_a_forged_team_link_is_not_found(client):
    contest = essay_contest()
    entry = draft(contest, registered(contest))
    token = services.co_creator_token(invite(entry))
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.post(f"/en/team/{forged}/", {"answer": "confirm"})

    assert response.status_code == 404
    assert "This link no longer works" in text(response)
    assert CoCreator.objects.get().status == "pending"


def test_a_co_creator_who_presses_neither_button_is_asked_to_choose(client):
    contest = essay_contest()
    entry = draft(contest, registered(contest))
    link = f"/en/team/{services.co_creator_token(invite(entry))}/"

    response = client.post(link, {"answer": "maybe"})

    assert response.status_code == 400
    assert "Choose one of the two buttons." in messages_on(response)
    assert CoCreator.objects.get().status == "pending"


def test_an_entry_waits_for_every_co_creator_before_it_can_be_submitted():
    contest = essay_contest()
    entry = draft(contest, registered(contest))
    ana = invite(entry)
    beto = invite(entry, name="Beto Díaz", email="beto@voices.example")
    services.answer_co_creator(co_creator=ana, confirms=True, now=timezone.now())

    with pytest.raises(services.EntryRefused) as refused:
        services.submit_entry(entry=entry, now=timezone.now())

    assert refused.value.messages == ["Every co-creator must confirm their part. Still waiting for: Beto Díaz."]
    assert Entry.objects.get().status == "draft"

    services.answer_co_creator(co_creator=beto, confirms=True, now=timezone.now())
    services.submit_entry(entry=entry, now=timezone.now())

    assert Entry.objects.get().status == "submitted"


def test_a_co_creator_can_be_removed_from_a_draft(client):
    contest = essay_contest()
    entrant = registered(contest)
    entry = draft(contest, entrant)
    co_creator = invite(entry)
    client.force_login(entrant)

    response = client.post(entry_url(entry, f"team/{co_creator.pk}/remove/"))

    assert response.status_code == 302
    assert not CoCreator.objects.exists()
    assert services.still_to_do(entry) == []


# --- Bad input never breaks a page -------------------------------------------
def test_an_entry_without_a_title_is_asked_for_one_beside_the_field(client):
    contest = essay_contest()
    client.force_login(registered(contest))

    response = client.post(new_entry_url(contest), answers(contest, title=""))

    assert response.status_code == 400
    assert error_beside(response, "title") == "Give your entry a title."
    assert ESSAY in text(response), "what was typed is kept"
    assert not Entry.objects.exists()


def test_work_notes_over_the_limit_are_refused_beside_the_field(client):
    contest = essay_contest()
    client.force_login(registered(contest))

    response = client.post(new_entry_url(contest), answers(contest, statement="note " * 13))

    assert response.status_code == 400
    assert error_beside(response, "statement") == "Your work notes have 13 words; shorten them to at most 12."
    assert not Entry.objects.exists()


def test_an_essay_over_the_limit_is_refused_beside_the_field(client):
    contest = essay_contest()
    entrant = registered(contest)
    entry = draft(contest, entrant)
    client.force_login(entrant)

    response = client.post(entry_url(entry, "edit/"), answers(contest, essay_text="word " * 21))

    assert response.status_code == 400
    assert error_beside(response, "essay_text") == (
        "Your essay has 21 words; this category allows at most 20. Shorten it."
    )
    entry.refresh_from_db()
    assert entry.essay_text == ESSAY


def test_a_theme_from_another_contest_is_refused(client):
    contest = essay_contest()
    client.force_login(registered(contest))
    elsewhere = ThemeFactory(contest=ContestFactory())

    response = client.post(new_entry_url(contest), answers(contest, theme=elsewhere.pk))

    assert response.status_code == 400
    assert error_beside(response, "theme").startswith("Select a valid choice.")
    assert not Entry.objects.exists()


@pytest.mark.parametrize("typed", ["31/02/2001", "2001-02-30", ""])
def test_a_malformed_co_creator_birth_date_is_refused_beside_the_field(client, typed):
    contest = essay_contest()
    entrant = registered(contest)
    entry = draft(contest, entrant)
    client.force_login(entrant)

    response = client.post(entry_url(entry, "team/"), team_answers(date_of_birth=typed))

    assert response.status_code == 400
    expected = (
        "Enter the co-creator's date of birth: the contest's age limits apply to them too."
        if not typed
        else "Enter the date as year-month-day, for example 2001-04-23."
    )
    assert error_beside(response, "date_of_birth") == expected
    assert not CoCreator.objects.exists()


# --- The date of birth, locked after a first submitted entry ------------------
def profile_answers(person, **changes):
    return {
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "country": str(person.country),
        "preferred_language": "en",
        **changes,
    }


def test_before_any_submitted_entry_the_date_of_birth_can_still_change(client):
    contest = essay_contest()
    entrant = registered(contest)
    draft(contest, entrant)
    client.force_login(entrant)
    new_date = years_before(timezone.localdate(), 23)

    response = client.post("/en/profile/", profile_answers(entrant, date_of_birth=new_date.isoformat()))

    assert response.status_code == 302
    entrant.refresh_from_db()
    assert entrant.date_of_birth == new_date


def date_of_birth_input(response) -> str:
    (tag,) = re.findall(r'<input[^>]*name="date_of_birth"[^>]*>', response.content.decode())
    return tag


def test_after_an_entry_is_submitted_the_profile_locks_the_date_of_birth(client):
    contest = essay_contest()
    entrant = registered(contest)
    kept = entrant.date_of_birth
    entry = submitted(contest, entrant)
    services.unsubmit_entry(entry=entry, now=timezone.now())  # Taking it back does not unlock it.
    client.force_login(entrant)

    form = client.get("/en/profile/")
    assert " disabled" in date_of_birth_input(form)
    assert "only the organizers can change this now" in text(form)

    response = client.post(
        "/en/profile/",
        profile_answers(
            entrant, date_of_birth=years_before(timezone.localdate(), 19).isoformat(), full_name="New Name"
        ),
    )

    assert response.status_code == 302
    entrant.refresh_from_db()
    assert entrant.date_of_birth == kept
    assert entrant.full_name == "New Name"


def test_the_profile_service_refuses_to_change_a_locked_date_of_birth():
    contest = essay_contest()
    entrant = registered(contest)
    kept = entrant.date_of_birth
    submitted(contest, entrant)

    with pytest.raises(BirthDateLocked):
        update_profile(user=entrant, data={"date_of_birth": years_before(timezone.localdate(), 19)}, now=timezone.now())

    entrant.refresh_from_db()
    assert entrant.date_of_birth == kept


@pytest.fixture
def organizer():
    return EntrantFactory(email="olivia@voices.example", is_staff=True, is_superuser=True)


def admin_answers(person, **changes):
    """The admin's user change form as an organizer sends it, changing only what `changes` say."""
    joined = timezone.localtime(person.date_joined)
    return {
        "email": person.email,
        "password": person.password,
        "full_name": person.full_name,
        "public_name": person.public_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "birth_date_correction_reason": "",
        "country": str(person.country),
        "preferred_language": person.preferred_language,
        "organisation": person.organisation,
        "gender": person.gender,
        "is_active": "on",
        "date_joined_0": joined.date().isoformat(),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        **changes,
    }


def test_an_organizer_corrects_a_locked_date_of_birth_with_a_reason_in_the_admin(client, organizer):
    contest = essay_contest()
    entrant = registered(contest)
    previous = entrant.date_of_birth
    submitted(contest, entrant)
    corrected = years_before(timezone.localdate(), 24)
    client.force_login(organizer)

    response = client.post(
        f"/en/admin/accounts/user/{entrant.pk}/change/",
        admin_answers(
            entrant,
            date_of_birth=corrected.isoformat(),
            birth_date_correction_reason="Passport shows a different year.",
        ),
    )

    assert response.status_code == 302, error_list(response)
    entrant.refresh_from_db()
    assert entrant.date_of_birth == corrected
    correction = BirthDateCorrection.objects.get()
    assert (correction.user, correction.previous, correction.corrected) == (entrant, previous, corrected)
    assert correction.reason == "Passport shows a different year."
    assert correction.corrected_by == organizer


def error_list(response) -> str:
    return " | ".join(re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode(), re.S))


def test_the_admin_refuses_to_change_a_locked_date_of_birth_without_a_reason(client, organizer):
    contest = essay_contest()
    entrant = registered(contest)
    kept = entrant.date_of_birth
    submitted(contest, entrant)
    client.force_login(organizer)

    response = client.post(
        f"/en/admin/accounts/user/{entrant.pk}/change/",
        admin_answers(entrant, date_of_birth=years_before(timezone.localdate(), 24).isoformat()),
    )

    assert response.status_code == 200
    assert "Say why the date of birth changes: this person has submitted an entry." in text(response)
    entrant.refresh_from_db()
    assert entrant.date_of_birth == kept
    assert not BirthDateCorrection.objects.exists()


def test_the_admin_never_shows_a_password_hash_in_a_box_one_can_type_in(client, organizer):
    person = EntrantFactory()
    client.force_login(organizer)

    page = client.get(f"/en/admin/accounts/user/{person.pk}/change/").content.decode()

    assert not re.search(r'<input[^>]*name="password"', page)
    assert person.password not in page


def test_a_correction_takes_the_eligibility_decision_again(organizer):
    contest = essay_contest()
    entrant = registered(contest)
    submitted(contest, entrant)
    thirty_five = years_before(timezone.localdate(), 35)

    correction = correct_birth_date(
        user=entrant, date_of_birth=thirty_five, reason="Typo at sign-up.", by=organizer, now=timezone.now()
    )

    assert correction.corrected == thirty_five
    registration = entrant.registrations.get()
    assert registration.status == "ineligible"
    assert registration.checks.latest().reason == "birth date corrected by an organizer"


def test_a_correction_without_a_reason_is_refused(organizer):
    contest = essay_contest()
    entrant = registered(contest)
    kept = entrant.date_of_birth

    with pytest.raises(ValueError, match="needs a reason"):
        correct_birth_date(
            user=entrant, date_of_birth=years_before(kept, 1), reason="  ", by=organizer, now=timezone.now()
        )

    entrant.refresh_from_db()
    assert entrant.date_of_birth == kept
    assert not BirthDateCorrection.objects.exists()


def test_a_category_limit_refuses_a_second_entry_in_that_category_only():
    contest = ContestFactory()
    theme = ThemeFactory(contest=contest)
    essay = CategoryFactory(contest=contest, title="Essay", media_kind="essay", max_entries_per_entrant=1)
    video = CategoryFactory(contest=contest, title="Short video")
    entrant = EntrantFactory()
    registrations.register(contest=contest, user=entrant, now=timezone.now())
    data = {"theme": theme, "title": "First"}
    services.create_entry(
        contest=contest, entrant=entrant, data={**data, "category": essay}, declarations=set(), now=timezone.now()
    )

    with pytest.raises(services.EntryRefused) as refusal:
        services.create_entry(
            contest=contest, entrant=entrant, data={**data, "category": essay}, declarations=set(), now=timezone.now()
        )
    assert "“Essay” takes at most 1 entry from each entrant" in refusal.value.messages[0]
    assert (
        services.create_entry(
            contest=contest, entrant=entrant, data={**data, "category": video}, declarations=set(), now=timezone.now()
        ).category
        == video
    )
