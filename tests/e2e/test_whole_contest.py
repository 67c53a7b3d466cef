"""The CCM contest from opening to the winners' gallery, in Chromium against a live server, with a real Celery
worker and Redis: sign-ups (one too old), a video, a photo and an essay processed by the worker, screening, a
blind round scored by three judges, a tie broken by the declared rule, the award, the scheduled announcement,
the gallery in English and Arabic, and exactly one result email per entrant. Screenshots of every step are kept
in test-results/screenshots/whole-contest-*.png.

Setting up the round (criteria, panel, opening, assignment) goes through the judging services: those pages have
tests of their own in tests/judging/.
"""

import re
import shutil
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from PIL import Image

from contest import audit
from contest.eligibility import local_date
from contest.enums import ContestStatus
from contest.models import AuditEvent, Contest, Registration
from contest.services import change_contest_status
from demo.seed import DEMO_PASSWORD, SLUG, seed_demo
from judging import services as judging
from judging.models import Assignment
from results.models import ContestResults, Notification
from submissions.enums import Declaration, EntryStatus, JobStatus
from submissions.models import Entry, ProcessingJob
from tests.conftest import assert_accessible, screenshot, wait_until, worker_mail_dir
from tests.results.helpers import worker_mail
from tests.uploading import make_mp4

pytestmark = [pytest.mark.browser, pytest.mark.services, pytest.mark.django_db(transaction=True)]

PASSWORD = "cluster-free-future-2026"
ORGANIZER = "organizer@voices.example"
JUDGES = ["judge1@voices.example", "judge2@voices.example", "judge3@voices.example"]
STATEMENT = "My grandmother's village, twenty years after the bomblets fell, told by the children who play there."
# (Message ×2, Craft ×1) from every judge: the film and the photo both total 7, the film is higher on Message.
SCORES = {"video": (8, 5), "photo": (7, 7), "essay": (5, 5)}


def step(page, name: str) -> None:
    screenshot(page, f"whole-contest-{name}")


def years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years, day=min(day.day, 28))


def sign_in(page, live_server, email: str, password: str = DEMO_PASSWORD, language: str = "en") -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/{language}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def sign_up_and_register(page, live_server, contest, *, email: str, name: str, born: date, country: str) -> str:
    """Through the pages: sign up, confirm by the emailed link, fill the profile, register. Returns the result
    page's text."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/en/contests/{SLUG}/")
    page.get_by_role("link", name="Enter the contest").click()
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = re.search(r"https?://\S+/confirm-email/\S+/", message.body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Your profile").wait_for()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Date of birth").fill(born.isoformat())
    page.get_by_label("Country of residence").select_option(country)
    page.get_by_role("button", name="Save my profile").click()
    page.get_by_role("heading", name="Register for the contest").wait_for()
    if page.locator(".result--no").count():
        # Refused before any box to tick: the rules exclude this person as their profile stands.
        return page.locator("main").inner_text()
    page.get_by_label("I have read the rules above and accept them.").check()
    page.get_by_label("I have read the privacy notice.").check()
    page.get_by_label("I agree that the organizers keep and use my data").check()
    page.get_by_role("button", name="Register").click()
    page.locator(".result").first.wait_for()
    return page.locator("main").inner_text()


def make_entry(page, live_server, contest, *, kind: str, title: str, path=None, essay: str = "") -> Entry:
    category = contest.categories.get(media_kind=kind)
    page.goto(f"{live_server.url}/en/contests/{SLUG}/entries/new/")
    page.get_by_label(category.title, exact=True).check()
    page.get_by_role("button", name="Continue").click()
    page.locator("#id_title").fill(title)
    page.get_by_label(contest.themes.order_by("position").first().title, exact=True).check()
    page.locator("#id_statement").fill(STATEMENT if kind == "video" else f"Work notes for {title}.")
    if essay:
        page.locator("#id_essay_text").fill(essay)
    page.get_by_label("I did not use AI tools").check()
    for declaration in Declaration:
        page.get_by_label(str(declaration.label)).check()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("heading", name=title).wait_for()
    if path is not None:
        page.set_input_files("#file-input", path)
        page.get_by_role("button", name="Upload").click()
        page.get_by_role("link", name="Download your file").wait_for(timeout=60_000)
    page.get_by_role("button", name="Submit the entry").click()
    page.get_by_role("heading", name="Entry received").wait_for()
    return Entry.objects.get(title=title)


def test_the_whole_contest_from_opening_to_the_winners_gallery(page, live_server, celery_worker, tmp_path):
    cache.clear()
    mail_dir = worker_mail_dir()
    shutil.rmtree(mail_dir)
    mail_dir.mkdir()
    seed_demo(now=timezone.now())
    Contest.objects.filter(slug=SLUG).update(status=ContestStatus.DRAFT)
    contest = Contest.objects.get(slug=SLUG)

    # 1. The organizer opens the contest in the administration: the state is shown, not typed; the move is an action.
    sign_in(page, live_server, ORGANIZER)
    page.goto(f"{live_server.url}/en/admin/contest/contest/{contest.pk}/change/")
    assert page.locator("select[name=status]").count() == 0
    page.goto(f"{live_server.url}/en/admin/contest/contest/")
    page.locator(f"input[name=_selected_action][value='{contest.pk}']").check()
    page.locator("select[name=action]").select_option("open_for_entries")
    page.locator("button[name=index]").click()
    page.locator(".messagelist").wait_for()
    contest.refresh_from_db()
    assert contest.status == ContestStatus.OPEN
    assert AuditEvent.objects.filter(contest=contest, action="contest.open", actor__email=ORGANIZER).exists()
    step(page, "01-organizer-opens")

    # 2. Four people sign up; one is too old and is told why.
    closes_on = local_date(contest.closes_at, contest.time_zone)
    too_old = sign_up_and_register(page, live_server, contest, email="viktor@voices.example", name="Viktor Old",
                                   born=years_before(closes_on, 31), country="AT")
    assert "31" in too_old and "Correct my profile" in too_old, too_old
    assert not Registration.objects.filter(user__email="viktor@voices.example").exists()
    step(page, "02-too-old-refused")
    people = {
        "video": ("nour@voices.example", "Nour Haddad", "LB"),
        "photo": ("lucia@voices.example", "Lucía Ortega", "CO"),
        "essay": ("kofi@voices.example", "Kofi Mensah", "GH"),
    }
    film = make_mp4(tmp_path / "fields.mp4", seconds=2, size="640x360")
    photo = tmp_path / "bomblet.jpg"
    Image.effect_noise((1800, 1200), 60).convert("RGB").save(photo, quality=85)
    entries = {}
    for kind, (email, name, country) in people.items():
        text = sign_up_and_register(page, live_server, contest, email=email, name=name,
                                    born=years_before(closes_on, 22), country=country)
        assert Registration.objects.get(user__email=email).status == "eligible", text
        title = {"video": "The fields of Ban Naxay", "photo": "What the river keeps", "essay": "Letters home"}[kind]
        entries[kind] = make_entry(
            page, live_server, contest, kind=kind, title=title,
            path={"video": film, "photo": photo}.get(kind),
            essay="Cluster munitions kill long after the war ends. " * 20 if kind == "essay" else "",
        )
        step(page, f"03-{kind}-submitted")

    # 3. The worker processes the film and the photo.
    wait_until(
        lambda: not ProcessingJob.objects.exclude(status__in=[JobStatus.DONE]).exists()
        and ProcessingJob.objects.filter(status=JobStatus.DONE).count() >= 3,
        timeout=240, interval=1, message="the worker to process the film and the photo",
    )
    assert not ProcessingJob.objects.filter(status=JobStatus.FAILED).exists()
    sign_in(page, live_server, people["video"][0], PASSWORD)
    page.goto(f"{live_server.url}/en/entries/{entries['video'].reference}/")
    step(page, "04-processed")

    # The deadline passes.
    Contest.objects.filter(pk=contest.pk).update(closes_at=timezone.now() - timedelta(minutes=1),
                                                 opens_at=timezone.now() - timedelta(days=30))
    change_contest_status(contest=contest, to=ContestStatus.CLOSED)

    # 4. The organizer screens every entry eligible.
    sign_in(page, live_server, ORGANIZER)
    page.goto(f"{live_server.url}/en/judging/manage/{SLUG}/screening/")
    for entry in entries.values():
        item = page.locator(f"#entry-{entry.pk}")
        item.get_by_label("Eligible", exact=True).check()
        item.get_by_role("button", name=f"Save the decision on {entry.reference}").click()
        page.locator(f"#entry-{entry.pk}").wait_for()
    step(page, "05-screened")

    # 5. A blind round with two criteria; the organizer declares the tie-break before it opens.
    organizer = contest.roles.get(role="organizer").user
    now = timezone.now()
    round_ = judging.create_round(contest=contest, data={"name": "Jury round", "judges_per_entry": 3, "blind": True},
                                  by=organizer, now=now)
    message = judging.save_criterion(round=round_, data={"name": "Message", "weight": 2}, by=organizer, now=now)
    craft = judging.save_criterion(round=round_, data={"name": "Craft", "weight": 1}, by=organizer, now=now)
    page.goto(f"{live_server.url}/en/contests/{SLUG}/results/manage/")
    page.get_by_label("Step 1").select_option("normalised_mean")
    page.get_by_label("Step 2").select_option("criterion_mean")
    page.get_by_label("Step 3").select_option("organizer")
    page.get_by_label("Criterion for").select_option(str(message.pk))
    page.get_by_role("button", name="Declare the rule").click()
    page.get_by_text("The tie-break rule is declared.").wait_for()
    step(page, "06-tie-break-declared")
    for person in contest.roles.filter(role="judge").select_related("user"):
        judging.add_to_panel(round=round_, judge=person.user, by=organizer, now=now)
    judging.open_round(round=round_, by=organizer, now=now)
    judging.auto_assign(round=round_, by=organizer, now=now)

    # 6. Three judges score in the blind round: no entrant's name on their page.
    kind_of = {entry.pk: kind for kind, entry in entries.items()}
    for number, email in enumerate(JUDGES, start=1):
        sign_in(page, live_server, email)
        for assignment in Assignment.objects.filter(round=round_, judge__email=email).order_by("entry_id"):
            page.goto(f"{live_server.url}/en/judging/assignments/{assignment.pk}/")
            text = page.locator("main").inner_text()
            assert not any(name in text for _e, name, _c in people.values()), "a blind round names no entrant"
            m, c = SCORES[kind_of[assignment.entry_id]]
            page.locator(f"[name=criterion_{message.pk}]").fill(str(m))
            page.locator(f"[name=criterion_{craft.pk}]").fill(str(c))
            page.get_by_label("Feedback for the entrant").fill(f"Judge {number}: keep going.")
            page.get_by_role("button", name="Submit score").click()
            if page.locator("#confirm-played").count():
                page.locator("#confirm-played").check()
                page.get_by_role("button", name="Submit score").click()
            page.get_by_text("Your score is submitted.").wait_for()
        step(page, f"07-judge-{number}-scored")
    judging.close_round(round=round_, by=organizer, now=timezone.now())

    # 7. The organizer sees the tie broken by the declared criterion, awards and verifies the winner.
    sign_in(page, live_server, ORGANIZER)
    page.goto(f"{live_server.url}/en/contests/{SLUG}/results/manage/")
    rows = page.locator("#ranking tbody tr")
    assert rows.nth(0).get_attribute("data-entry") == str(entries["video"].pk)
    assert rows.nth(1).get_attribute("data-entry") == str(entries["photo"].pk)
    assert "Higher mean on the named criterion" in rows.nth(1).inner_text()
    step(page, "08-ranking")
    if not page.locator("#award-form").is_visible():
        page.get_by_text("Give an award").click()
    page.locator("#award-form select[name=kind]").select_option("winner")
    page.locator("#award-form input[name=entry]").fill(entries["video"].reference)
    page.locator("#award-form [name=citation_en]").fill("A quiet film that makes the case for the Convention.")
    page.locator("#award-form [name=citation_ar]").fill("فيلم هادئ يدافع عن الاتفاقية.")
    page.get_by_role("button", name="Give the award").click()
    page.get_by_text("The award is given.").wait_for()
    page.get_by_role("link", name="Verify the entrant").click()
    page.get_by_label("I have checked the entrant's identity.").check()
    page.get_by_label("I have checked the entrant's age against the contest's rule.").check()
    page.get_by_label("The entrant agrees that their public name is shown with their work.").check()
    page.get_by_label("The entrant agrees that their country is shown with their work.").check()
    assert_accessible(page, "whole-contest-09-verify")
    page.get_by_role("button", name="Save the check").click()
    page.get_by_text("The entrant is verified.").wait_for()

    # 8. The announcement, 45 seconds from now in the contest's zone.
    at = (timezone.now() + timedelta(seconds=45)).astimezone(contest.zone).replace(microsecond=0)
    page.locator("[name=at]").fill(at.strftime("%Y-%m-%dT%H:%M:%S"))
    page.get_by_role("button", name="Schedule the announcement").click()
    page.get_by_text("The announcement is scheduled.").wait_for()
    step(page, "10-scheduled")
    assert ContestResults.objects.get(contest=contest).announce_at == at

    gallery = f"{live_server.url}/en/contests/{SLUG}/winners/"
    page.context.clear_cookies()
    assert page.goto(gallery).status == 404
    step(page, "11-gallery-before-404")
    sign_in(page, live_server, JUDGES[0])
    assert page.goto(gallery).status == 404
    sign_in(page, live_server, people["video"][0], PASSWORD)
    assert page.goto(f"{live_server.url}/en/contests/{SLUG}/my-result/").status == 404
    assert not Notification.objects.exists() and worker_mail(mail_dir) == []

    # 9. At the time, the worker announces: the gallery shows the film and its notes, in English and Arabic.
    wait_until(lambda: ContestResults.objects.get(contest=contest).announced_at, timeout=120, interval=1,
               message="the worker to announce at the scheduled time")
    page.context.clear_cookies()
    response = page.goto(gallery)
    assert response.status == 200
    assert page.locator("video source").get_attribute("src").startswith("/media/")
    assert STATEMENT in page.locator("main").inner_text()
    assert "Nour Haddad" in page.locator("main").inner_text()
    assert page.evaluate("fetch(document.querySelector('video source').src).then(r => r.status)") == 200
    assert_accessible(page, "whole-contest-12-gallery-en")
    page.goto(f"{live_server.url}/ar/contests/{SLUG}/winners/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "فيلم هادئ يدافع عن الاتفاقية." in page.locator("main").inner_text()
    assert_accessible(page, "whole-contest-13-gallery-ar")
    page.goto(f"{live_server.url}/en/contests/{SLUG}/exhibition/")
    assert_accessible(page, "whole-contest-14-exhibition")

    # 10. Each entrant has exactly one result email.
    entrant_emails = sorted(email for email, _n, _c in people.values())
    contest_entrants = sorted(set(Entry.objects.filter(contest=contest, status=EntryStatus.SUBMITTED)
                                  .values_list("entrant__email", flat=True)))
    wait_until(lambda: len([m for m in worker_mail(mail_dir) if m["X-Voices-Notification"]])
               >= len(contest_entrants), timeout=60, message="the result emails")
    results_mail = [m for m in worker_mail(mail_dir) if m["X-Voices-Notification"]]
    assert sorted(m["To"] for m in results_mail) == contest_entrants
    assert set(entrant_emails) <= set(contest_entrants)
    winner_mail = next(m for m in results_mail if m["To"] == people["video"][0])
    assert "won an award" in winner_mail["Subject"]
    assert "viktor@voices.example" not in [m["To"] for m in results_mail]

    # 11. Every move of the contest and of its entries left its audit event, and the chain holds.
    moves = set(AuditEvent.objects.filter(contest=contest).values_list("action", flat=True))
    assert {"contest.open", "contest.closed", "contest.judging", "contest.announced", "entry.submitted"} <= moves
    submitted = Entry.objects.filter(contest=contest, first_submitted_at__isnull=False)
    assert AuditEvent.objects.filter(action="entry.submitted", object_id__in=[str(e.pk) for e in submitted]).values(
        "object_id").distinct().count() == submitted.count()
    checked, broken = audit.verify()
    assert broken is None and checked >= len(moves)
