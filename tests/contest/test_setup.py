"""The organizer's set-up pages: who may reach them, what a copy takes, dates in the contest's zone, the rules'
versions, the moves through the services, and the admin's dropdowns scoped to the entry's contest."""

import html
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from contest import registration
from contest.enums import ContestStatus, Role
from contest.models import AuditEvent, Contest, ContestRole, Registration
from submissions import rules as entry_rules
from submissions.models import Entry
from tests.factories import CategoryFactory, ContestFactory, EntrantFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ("", "dates/", "eligibility/", "themes/", "categories/", "rules/", "texts/")


def organizer_of(contest, **extra):
    person = UserFactory(**extra)
    ContestRole.objects.create(contest=contest, user=person, role=Role.ORGANIZER)
    return person


def registered(contest, person, *, version=1):
    now = timezone.now()
    return Registration.objects.create(
        contest=contest, user=person, status="eligible", rules_version=version, accepted_rules_at=now,
        accepted_privacy_at=now, accepted_processing_at=now,
    )


@pytest.fixture
def last_year():
    zone = zoneinfo.ZoneInfo("Europe/Zurich")
    contest = ContestFactory(
        slug="youth-2026", title="Youth contest 2026", title_fr="Concours jeunesse 2026", status=ContestStatus.ARCHIVED,
        time_zone="Europe/Zurich", opens_at=datetime(2026, 2, 1, 9, 0, tzinfo=zone),
        closes_at=datetime(2026, 4, 30, 23, 59, tzinfo=zone), rules_text="Be kind.", rules_text_ar="كن لطيفا.",
        rules_version=4, min_age=18, max_age=29, eligible_countries=["MX", "LB"], guardian_consent_below_age=18,
    )
    ThemeFactory(contest=contest, title="Survivors", title_es="Sobrevivientes", position=1)
    CategoryFactory(contest=contest, title="Short video", max_entries_per_entrant=2, max_duration_seconds=180)
    return contest


@pytest.mark.parametrize("page", PAGES)
def test_an_entrant_a_judge_and_another_contests_organizer_find_nothing(client, last_year, page):
    other = ContestFactory()
    judge = UserFactory()
    ContestRole.objects.create(contest=last_year, user=judge, role=Role.JUDGE)
    for person in (EntrantFactory(), judge, organizer_of(other)):
        client.force_login(person)
        assert client.get(f"/en/setup/{last_year.slug}/{page}").status_code == 404
        assert client.post(f"/en/setup/{last_year.slug}/{page}", {}).status_code == 404
    client.logout()
    assert client.get(f"/en/setup/{last_year.slug}/{page}").status_code == 302  # to sign in


@pytest.mark.parametrize("page", PAGES)
def test_the_contests_organizer_and_staff_reach_every_page(client, last_year, page):
    for person in (organizer_of(last_year), UserFactory(is_staff=True)):
        client.force_login(person)
        assert client.get(f"/en/setup/{last_year.slug}/{page}").status_code == 200


def test_only_an_organizer_or_staff_may_create_a_contest(client, last_year):
    client.force_login(EntrantFactory())
    assert client.get("/en/setup/new/").status_code == 403
    client.force_login(organizer_of(last_year))
    assert client.get("/en/setup/new/").status_code == 200


def test_another_contests_organizer_cannot_copy_it_or_move_it(client, last_year):
    intruder = organizer_of(ContestFactory())
    client.force_login(intruder)
    answer = client.post("/en/setup/new/", {"copy_from": last_year.pk, "title": "Mine", "slug": "mine"})
    assert answer.status_code == 400
    assert "Select a valid choice" in answer.content.decode()
    assert client.post(f"/en/setup/{last_year.slug}/move/draft/").status_code == 404
    assert not Contest.objects.filter(slug="mine").exists()


def test_a_copy_takes_every_language_themes_categories_rules_and_eligibility(client, last_year):
    organizer = organizer_of(last_year)
    client.force_login(organizer)
    answer = client.post(
        "/en/setup/new/", {"copy_from": last_year.pk, "title": "Youth contest 2027", "slug": "youth-2027"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/en/setup/youth-2027/"
    copy = Contest.objects.get(slug="youth-2027")
    assert (copy.title_en, copy.status, copy.rules_version) == ("Youth contest 2027", ContestStatus.DRAFT, 1)
    assert (copy.rules_text_en, copy.rules_text_ar) == ("Be kind.", "كن لطيفا.")
    assert (copy.min_age, copy.max_age, copy.guardian_consent_below_age) == (18, 29, 18)
    assert sorted(str(c) for c in copy.eligible_countries) == ["LB", "MX"]
    local = timezone.localtime(copy.opens_at, copy.zone)
    assert (local.year, local.month, local.day, local.hour) == (2027, 2, 1, 9)
    assert timezone.localtime(copy.closes_at, copy.zone).strftime("%Y-%m-%d %H:%M") == "2027-04-30 23:59"
    assert [(t.title_en, t.title_es) for t in copy.themes.all()] == [("Survivors", "Sobrevivientes")]
    category = copy.categories.get()
    assert (category.max_entries_per_entrant, category.max_duration_seconds) == (2, 180)
    assert last_year.categories.count() == 1  # the source keeps its own
    assert ContestRole.objects.filter(contest=copy, user=organizer, role=Role.ORGANIZER).exists()
    assert AuditEvent.objects.filter(contest=copy, action="contest.copied").exists()


def test_a_new_empty_contest_needs_its_dates_and_a_free_address(client, last_year):
    client.force_login(organizer_of(last_year))
    answer = client.post("/en/setup/new/", {"title": "New", "slug": "youth-2026", "time_zone": "UTC"})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Another contest has this address name" in page
    assert page.count("Give a date and a time.") == 2
    answer = client.post("/en/setup/new/", {"title": "New", "slug": "fresh", "summary": "For the young.",
                                            "time_zone": "America/Mexico_City", "opens_at": "2027-01-10T08:00",
                                            "closes_at": "2027-03-01T17:00"})
    assert answer.status_code == 302
    fresh = Contest.objects.get(slug="fresh")
    assert fresh.status == ContestStatus.DRAFT
    assert fresh.closes_at == datetime(2027, 3, 1, 17, 0, tzinfo=zoneinfo.ZoneInfo("America/Mexico_City"))


def test_dates_are_typed_and_shown_in_the_contests_zone(client, last_year):
    client.force_login(organizer_of(last_year))
    page = client.get("/en/setup/youth-2026/dates/").content.decode()
    assert 'value="2026-04-30T23:59"' in page  # 21:59 in UTC
    data = {"slug": "youth-2026", "time_zone": "Asia/Tokyo", "opens_at": "2027-01-10T08:00",
            "closes_at": "2027-03-01T17:00", "upload_grace_minutes": 60, "reference_prefix": "Y27",
            "statement_max_words": 300}
    assert client.post("/en/setup/youth-2026/dates/", data).status_code == 302
    last_year.refresh_from_db()
    assert last_year.closes_at == datetime(2027, 3, 1, 17, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert AuditEvent.objects.filter(contest=last_year, action="contest.changed").exists()


def test_bad_dates_get_a_clear_message_and_nothing_changes(client, last_year):
    client.force_login(organizer_of(last_year))
    closes = last_year.closes_at
    data = {"slug": "youth-2026", "time_zone": "Mars/Olympus", "opens_at": "2027-03-10T08:00",
            "closes_at": "yesterday", "upload_grace_minutes": 60, "reference_prefix": "Y27", "statement_max_words": 3}
    answer = client.post("/en/setup/youth-2026/dates/", data)
    page = answer.content.decode()
    assert answer.status_code == 400
    assert "Give a date and a time, such as 2027-03-01 09:00." in page
    assert "Select a valid choice" in page
    last_year.refresh_from_db()
    assert last_year.closes_at == closes


def test_a_category_limit_and_format_change_and_an_empty_title_is_refused(client, last_year):
    client.force_login(organizer_of(last_year))
    category = last_year.categories.get()
    data = {
        "categories-TOTAL_FORMS": 2, "categories-INITIAL_FORMS": 1, "categories-MIN_NUM_FORMS": 0,
        "categories-MAX_NUM_FORMS": 1000,
        "categories-0-id": category.pk, "categories-0-contest": last_year.pk, "categories-0-position": 0,
        "categories-0-title_en": "Short video", "categories-0-media_kind": "video",
        "categories-0-allowed_formats": ".MP4, webm", "categories-0-max_size_mb": 500,
        "categories-0-max_duration_seconds": 120, "categories-0-max_entries_per_entrant": 3,
        "categories-1-position": 1, "categories-1-title_en": "", "categories-1-media_kind": "essay",
    }
    answer = client.post("/en/setup/youth-2026/categories/", data)
    assert answer.status_code == 400
    assert "Give the category a title, or tick “Remove”." in answer.content.decode()
    data.update({"categories-1-title_en": "Essay", "categories-1-max_words": 800})
    assert client.post("/en/setup/youth-2026/categories/", data).status_code == 302
    category.refresh_from_db()
    assert (category.max_entries_per_entrant, category.allowed_formats) == (3, ["mp4", "webm"])
    assert category.max_size_bytes == 500 * 1024 * 1024
    assert last_year.categories.get(title_en="Essay").max_words == 800


def test_a_new_rules_version_asks_registered_entrants_to_accept_again(client, last_year):
    Contest.objects.filter(pk=last_year.pk).update(status=ContestStatus.OPEN,
                                                   closes_at=timezone.now() + timedelta(days=9))
    entrant = EntrantFactory(preferred_language="fr")
    registered(last_year, entrant, version=4)
    client.force_login(organizer_of(last_year))
    form = {f"rules_text_{s}": "" for s in ("en", "fr", "es", "ru", "zh_hans", "ar")}
    form.update({"rules_text_en": "Be kind.", "rules_text_ar": "كن لطيفا.", "rules_text_zh_hans": "友善待人。"})
    answer = client.post("/en/setup/youth-2026/rules/", {**form, "publish_as": "correction"})
    assert answer.status_code == 302
    last_year.refresh_from_db()
    assert (last_year.rules_version, last_year.rules_text_zh_hans) == (4, "友善待人。")
    assert registration.ask_to_accept_rules(contest_id=last_year.pk, version=4) == 0

    # The email goes from the worker once the change is committed (tests/e2e/test_contest_setup.py sees it).
    client.post("/en/setup/youth-2026/rules/", {**form, "rules_text_en": "Be kind. Be brave.", "publish_as": "new"})
    last_year.refresh_from_db()
    assert last_year.rules_version == 5
    assert AuditEvent.objects.filter(contest=last_year, action="contest.rules_published").exists()
    assert registration.ask_to_accept_rules(contest_id=last_year.pk, version=4) == 0  # an older version: no mail
    assert registration.ask_to_accept_rules(contest_id=last_year.pk, version=5) == 1
    assert [message.to for message in mail.outbox] == [[entrant.email]]
    assert "/fr/contests/youth-2026/register/" in mail.outbox[0].body

    client.force_login(entrant)
    page = client.get("/en/contests/youth-2026/").content.decode()
    assert "The rules have changed" in page
    assert "Accept the new rules" in client.get("/en/contests/youth-2026/register/").content.decode()
    accept = {"accept_rules": "on", "accept_privacy": "on", "accept_processing": "on"}
    assert client.post("/en/contests/youth-2026/register/", accept).status_code == 302
    assert Registration.objects.get(user=entrant).rules_version == 5
    assert "The rules have changed" not in client.get("/en/contests/youth-2026/").content.decode()


def test_until_they_accept_a_new_rules_version_an_entrant_can_neither_start_nor_send_an_entry(client, last_year):
    Contest.objects.filter(pk=last_year.pk).update(status=ContestStatus.OPEN,
                                                   closes_at=timezone.now() + timedelta(days=9))
    last_year.refresh_from_db()
    entrant = EntrantFactory()
    registered(last_year, entrant, version=4)
    draft = Entry.objects.create(contest=last_year, entrant=entrant, title="Before the change",
                                 theme=last_year.themes.first(), category=last_year.categories.first())
    Contest.objects.filter(pk=last_year.pk).update(rules_version=5)
    last_year.refresh_from_db()
    now = timezone.now()
    for verdict in (entry_rules.may_create_entry(entrant, last_year, now=now),
                    entry_rules.may_submit_entry(entrant, draft, now=now)):
        assert not verdict
        assert "new version of the rules" in verdict.reason

    client.force_login(entrant)
    accept = {"accept_rules": "on", "accept_privacy": "on", "accept_processing": "on"}
    assert client.post("/en/contests/youth-2026/register/", accept).status_code == 302
    assert entry_rules.may_create_entry(entrant, last_year, now=now)
    assert Entry.objects.filter(pk=draft.pk).exists()  # nothing was lost meanwhile


def test_the_rules_page_without_a_choice_says_what_to_do(client, last_year):
    client.force_login(organizer_of(last_year))
    answer = client.post("/en/setup/youth-2026/rules/", {"rules_text_en": "New"})
    assert answer.status_code == 400
    assert "Choose whether this is a new version or a correction." in answer.content.decode()


def test_texts_side_by_side_mark_what_is_untranslated(client, last_year):
    client.force_login(organizer_of(last_year))
    page = client.get("/en/setup/youth-2026/texts/").content.decode()
    assert 'lang="ar" dir="rtl"' in page
    assert "not translated yet" in page
    assert "Simplified Chinese: 5 texts still to translate" in page
    theme = last_year.themes.get()
    data = {}
    for prefix, obj, names in (("contest", last_year, ("title", "summary", "call_text", "organisers", "partners")),
                               (f"theme-{theme.pk}", theme, ("title", "description")),
                               (f"category-{last_year.categories.get().pk}", last_year.categories.get(),
                                ("title", "description"))):
        for name in names:
            for suffix in ("en", "fr", "es", "ru", "zh_hans", "ar"):
                data[f"{prefix}-{name}_{suffix}"] = getattr(obj, f"{name}_{suffix}") or ""
    data[f"theme-{theme.pk}-title_zh_hans"] = "幸存者"
    assert client.post("/en/setup/youth-2026/texts/", data).status_code == 302
    theme.refresh_from_db()
    assert (theme.title_zh_hans, theme.title_es) == ("幸存者", "Sobrevivientes")


def test_the_moves_go_through_the_services_and_are_audited(client, last_year):
    draft = ContestFactory(slug="draft", status=ContestStatus.DRAFT, rules_text="Rules.")
    client.force_login(organizer_of(draft))
    client.post("/en/setup/draft/move/open/")
    assert Contest.objects.get(pk=draft.pk).status == ContestStatus.DRAFT  # no theme nor category yet
    ThemeFactory(contest=draft)
    CategoryFactory(contest=draft)
    client.post("/en/setup/draft/move/open/")
    assert Contest.objects.get(pk=draft.pk).status == ContestStatus.OPEN
    client.post("/en/setup/draft/move/close/")
    draft.refresh_from_db()
    assert draft.status == ContestStatus.CLOSED and draft.closed_at is not None
    answer = client.post("/en/setup/draft/move/archive/", follow=True)
    assert "cannot become" in answer.content.decode()
    assert Contest.objects.get(pk=draft.pk).status == ContestStatus.CLOSED
    assert client.post("/en/setup/draft/move/judging/").status_code == 404
    assert client.get("/en/setup/draft/move/open/").status_code == 405
    actions = list(AuditEvent.objects.filter(contest=draft).values_list("action", flat=True))
    assert actions == ["contest.open", "contest.closed"]


def test_the_status_is_no_field_of_any_set_up_form(client, last_year):
    client.force_login(organizer_of(last_year))
    for page in PAGES[1:]:
        assert 'name="status"' not in client.get(f"/en/setup/youth-2026/{page}").content.decode()


def test_the_admin_entry_form_offers_only_its_contests_themes_and_categories(client, last_year):
    from tests.factories import EntrantFactory as Entrant

    other = ContestFactory()
    ThemeFactory(contest=other, title="Someone else's theme")
    CategoryFactory(contest=other, title="Someone else's category")
    entry = Entry.objects.create(
        contest=last_year, entrant=Entrant(), reference="Y-1", title="Mine", theme=last_year.themes.get(),
        category=last_year.categories.get(),
        submitted_at=datetime(2026, 4, 30, 21, 30, tzinfo=zoneinfo.ZoneInfo("UTC")),
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(f"/en/admin/submissions/entry/{entry.pk}/change/").content.decode()
    assert "Survivors" in page and "Short video" in page
    page = html.unescape(page)  # however the widget templates escape the apostrophe
    assert "Someone else's theme" not in page and "Someone else's category" not in page
    assert "April 30, 2026, 11:30 p.m." in page  # submitted at 21:30 UTC: 23:30 in Zurich
    listing = client.get("/en/admin/submissions/entry/").content.decode()
    assert "2026-04-30 23:30 (Europe/Zurich)" in listing


def test_eligibility_is_set_with_clear_messages_for_what_cannot_be(client, last_year):
    client.force_login(organizer_of(last_year))
    url = "/en/setup/youth-2026/eligibility/"
    answer = client.post(url, {"min_age": 20, "max_age": 18, "age_reference": "closing"})
    assert answer.status_code == 400
    assert "The maximum age must not be below the minimum age." in answer.content.decode()
    answer = client.post(url, {"min_age": 13, "max_age": 24, "age_reference": "fixed"})
    assert answer.status_code == 400
    assert "Give the date on which the age counts." in answer.content.decode()
    data = {"min_age": 13, "max_age": 24, "age_reference": "fixed", "age_reference_date": "2027-06-30",
            "guardian_consent_below_age": 16, "eligible_countries": ["JO", "MX"]}
    assert client.post("/en/setup/youth-2026/eligibility/", data).status_code == 302
    last_year.refresh_from_db()
    assert (last_year.min_age, last_year.max_age, last_year.guardian_consent_below_age) == (13, 24, 16)
    assert str(last_year.age_reference_date) == "2027-06-30"
    assert sorted(str(c) for c in last_year.eligible_countries) == ["JO", "MX"]
    rule = last_year.eligibility_rule
    assert rule.fixed_on.isoformat() == "2027-06-30" and rule.guardian_below_age == 16


def test_a_mangled_copy_choice_is_refused_without_a_server_error(client, last_year):
    client.force_login(organizer_of(last_year))
    answer = client.post("/en/setup/new/", {"copy_from": "last-year", "title": "X", "slug": "x"})
    assert answer.status_code == 400


@pytest.mark.parametrize("page", ["", "texts/", "themes/", "categories/"])
def test_set_up_pages_run_as_many_queries_for_twelve_themes_as_for_one(client, last_year, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(organizer_of(last_year))
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/en/setup/youth-2026/{page}").status_code == 200
        counts.append(len(queries))
        ThemeFactory.create_batch(11, contest=last_year)
        CategoryFactory.create_batch(11, contest=last_year)
    assert counts[0] == counts[1]
