import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from contest.demo import DEMO_PASSWORD, SLUG, seed_demo
from contest.enums import Role
from contest.models import Category, Contest, ContestRole, Theme

pytestmark = pytest.mark.django_db


def test_seeding_twice_leaves_one_demo_contest_and_keeps_its_deadline():
    seed_demo(now=timezone.now())
    first_deadline = Contest.objects.get(slug=SLUG).closes_at
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    contest = Contest.objects.get(slug=SLUG)
    assert contest.closes_at == first_deadline
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
    out = []

    class Out:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    call_command("seed_demo", stdout=Out())
    printed = "".join(out)
    for email in ("organizer@voices.example", "judge3@voices.example", "entrant2@voices.example"):
        assert email in printed
        response = Client().post("/en/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{email} could not sign in"
