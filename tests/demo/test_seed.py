import io
import shutil

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import User
from contest.enums import ContestStatus, Role
from contest.models import AuditEvent, Category, Contest, ContestRole, Theme
from demo.editions import announced_slug, judging_slug
from demo.seed import DEMO_PASSWORD, SLUG, seed_demo
from judging.enums import RoundState, ScoreState, ScreeningOutcome
from judging.models import Assignment, Criterion, Score
from results.models import Award, PublishedFile
from submissions.enums import EntryStatus, JobStatus
from submissions.models import Entry, MediaAsset, ProcessingJob
from voting.models import Vote
from voting.selectors import integrity

pytestmark = pytest.mark.django_db


def seed_command() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seeding_twice_leaves_one_demo_contest_and_keeps_its_deadline():
    seed_demo(now=timezone.now())
    first_deadline = Contest.objects.get(slug=SLUG).closes_at
    call_command("seed_demo", "--open-only", stdout=io.StringIO())

    contest = Contest.objects.get(slug=SLUG)
    assert contest.closes_at == first_deadline
    assert contest.status == ContestStatus.OPEN
    assert Theme.objects.filter(contest=contest).count() == 3
    assert Category.objects.filter(contest=contest).count() == 5
    assert User.objects.count() == 6
    roles = list(ContestRole.objects.filter(contest=contest).values_list("role", flat=True))
    assert sorted(roles) == sorted([Role.ORGANIZER] + [Role.JUDGE] * 3 + [Role.ENTRANT] * 2)


def test_the_demo_contest_speaks_six_languages():
    seed_demo(now=timezone.now())
    contest = Contest.objects.get(slug=SLUG)
    titles = {lang: getattr(contest, f"title_{lang}") for lang in ("en", "fr", "es", "ru", "ar", "zh_hans")}
    assert all(titles.values())
    assert len(set(titles.values())) == 6
    assert contest.min_age == 18 and contest.max_age == 29
    video = Category.objects.get(contest=contest, media_kind="video")
    assert video.max_duration_seconds == 180
    essay = Category.objects.get(contest=contest, media_kind="essay")
    assert essay.max_words == 1000


def test_the_command_prints_logins_that_work():
    printed = seed_command()
    assert "/en/judging/" in printed and f"/en/contests/{SLUG}/" in printed
    for email in ("organizer@voices.example", "judge3@voices.example", "entrant2@voices.example",
                  "entrant5@voices.example"):
        logins = [line for line in printed.splitlines() if email in line and DEMO_PASSWORD in line]
        assert len(logins) == 1, f"{email} is listed once"
        assert email in printed
        response = Client().post("/en/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{email} could not sign in"


def test_last_years_edition_is_in_a_blind_round_with_a_judge_partway():
    printed = seed_command()
    open_contest = Contest.objects.get(slug=SLUG)
    past = Contest.objects.get(slug=judging_slug(open_contest))
    assert past.status == ContestStatus.JUDGING and past.closes_at < open_contest.opens_at
    assert past.reference_prefix == f"CCM-{open_contest.opens_at.year - 1}"

    entries = Entry.objects.filter(contest=past, status=EntryStatus.SUBMITTED)
    with_ffmpeg = shutil.which("ffmpeg") is not None
    assert entries.count() == (6 if with_ffmpeg else 4)
    if not with_ffmpeg:
        assert "ffmpeg is not on PATH" in printed
    kinds = set(entries.values_list("category__media_kind", flat=True))
    assert {"photo", "artwork", "essay"} <= kinds and ({"audio", "video"} <= kinds) == with_ffmpeg
    assert entries.values("theme").distinct().count() == 3
    assert len(set(entries.values_list("entrant__country", flat=True))) >= 4
    assert all(e.screening.outcome == ScreeningOutcome.ELIGIBLE for e in entries)
    assert entries.get(category__media_kind="essay").essay_text.count(" ") > 100

    round_ = past.rounds.get()
    assert round_.state == RoundState.OPEN and round_.blind and round_.judges_per_entry == 2
    criteria = Criterion.objects.filter(round=round_)
    assert 3 <= criteria.count() <= 4 and len({c.weight for c in criteria}) > 1
    for criterion in criteria:
        guidance = [getattr(criterion, f"guidance_{lang}") for lang in ("en", "fr", "es", "ru", "ar", "zh_hans")]
        assert all(guidance) and len(set(guidance)) == 6
    assert sorted(round_.panel.values_list("judge__email", flat=True)) == [
        "judge1@voices.example", "judge2@voices.example", "judge3@voices.example"]

    # Assigned by the assignment service (it records an audit event), two judges per entry, none twice.
    assert Assignment.objects.filter(round=round_).count() == 2 * entries.count()
    assert Assignment.objects.filter(round=round_, method="automatic").count() == 2 * entries.count()
    assert AuditEvent.objects.filter(contest=past, action="assignment.created").exists()
    by_judge = {email: Assignment.objects.filter(round=round_, judge__email=email).count()
                for email in ("judge1@voices.example", "judge2@voices.example", "judge3@voices.example")}
    assert max(by_judge.values()) - min(by_judge.values()) <= 1
    scores = Score.objects.filter(assignment__round=round_)
    assert scores.filter(assignment__judge__email="judge1@voices.example", state=ScoreState.SUBMITTED).count() == 2
    assert scores.filter(assignment__judge__email="judge1@voices.example", state=ScoreState.DRAFT).count() == 1
    assert not scores.filter(assignment__judge__email="judge2@voices.example").exists()
    assert scores.filter(assignment__judge__email="judge3@voices.example", state=ScoreState.SUBMITTED).count() \
        == by_judge["judge3@voices.example"]


def test_the_demo_works_are_real_files_in_private_storage():
    seed_command()
    past = Contest.objects.get(slug=judging_slug(Contest.objects.get(slug=SLUG)))
    assets = MediaAsset.objects.filter(entry__contest=past).select_related("entry__category")
    assert assets.count() == Entry.objects.filter(contest=past).exclude(category__media_kind="essay").count()
    for asset in assets:
        assert asset.file_format in asset.entry.category.allowed_formats
        with asset.file.open("rb") as handle:
            data = handle.read()
        assert len(data) == asset.size > 1000
        if asset.entry.category.media_kind in ("photo", "artwork"):
            picture = Image.open(io.BytesIO(data))
            assert max(picture.size) >= asset.entry.category.min_long_side_px


def test_seeding_again_changes_nothing():
    seed_command()
    counts = [m.objects.count() for m in (User, Contest, Entry, MediaAsset, Assignment, Score, AuditEvent)]
    printed = seed_command()
    assert [m.objects.count() for m in (User, Contest, Entry, MediaAsset, Assignment, Score, AuditEvent)] == counts
    assert "Kept last year's edition" in printed


def test_a_judge_signing_in_finds_their_queue_with_progress():
    seed_command()
    round_ = Contest.objects.get(slug=judging_slug(Contest.objects.get(slug=SLUG))).rounds.get()
    client = Client()
    client.post("/en/accounts/login/", {"login": "judge1@voices.example", "password": DEMO_PASSWORD})
    home = client.get("/en/judging/")
    assert home.status_code == 200 and f"/judging/rounds/{round_.pk}/" in home.content.decode()
    queue = client.get(f"/en/judging/rounds/{round_.pk}/").content.decode()
    names = User.objects.filter(email__startswith="entrant").values_list("full_name", flat=True)
    assert not any(name in queue for name in names), "a blind round names no entrant"
    organizer = Client()
    organizer.post("/en/accounts/login/", {"login": "organizer@voices.example", "password": DEMO_PASSWORD})
    assert organizer.get(f"/en/judging/manage/rounds/{round_.pk}/progress/").status_code == 200
    assert organizer.get(f"/en/judging/manage/rounds/{round_.pk}/results/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_edition_before_is_announced_with_a_public_gallery():
    seed_command()
    open_contest = Contest.objects.get(slug=SLUG)
    announced = Contest.objects.get(slug=announced_slug(open_contest))
    assert announced.status == ContestStatus.ANNOUNCED
    assert Award.objects.filter(contest=announced).count() == 2
    # The winners' pictures went through the pipeline's jobs and were published; nothing else is public.
    published = PublishedFile.objects.filter(entry__contest=announced)
    assert published.exists()
    assert set(published.values_list("entry__awards__contest", flat=True)) == {announced.pk}
    assert not ProcessingJob.objects.filter(asset__entry__contest=announced).exclude(status=JobStatus.DONE).exists()
    gallery = Client().get(f"/en/contests/{announced.slug}/winners/")
    assert gallery.status_code == 200
    text = gallery.content.decode()
    assert "Safe paths to school" in text and "Kwame Entrant" in text
    assert "Letter to a stockpile" not in text, "only awarded works are shown"
    # Its people's-choice vote is open, with ballots, one burst among them for the integrity page.
    vote = Vote.objects.get(contest=announced)
    assert f"/vote/{vote.pk}/" in text
    assert Client().get(f"/en/contests/{announced.slug}/vote/{vote.pk}/").status_code == 200
    assert vote.ballots.count() == 12
    assert [b.value for b in integrity(vote=vote).bursts] == ["198.51.100.0/24", "school.example"]
    assert Client().get(f"/en/contests/{judging_slug(open_contest)}/winners/").status_code == 404


def test_without_ffmpeg_the_film_and_the_podcast_are_left_out_and_the_command_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no ffmpeg on it
    printed = seed_command()
    past = Contest.objects.get(slug=judging_slug(Contest.objects.get(slug=SLUG)))
    assert "ffmpeg is not on PATH" in printed and "Every cleared field" in printed
    kinds = set(Entry.objects.filter(contest=past).values_list("category__media_kind", flat=True))
    assert kinds == {"photo", "artwork", "essay"}
    assert past.rounds.get().state == RoundState.OPEN
