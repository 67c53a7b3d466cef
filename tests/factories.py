"""factory_boy factories for the models the tests build on."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import User
from contest.enums import ContestStatus, MediaKind
from contest.models import Category, Contest, Theme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@voices.example")
    full_name = factory.Faker("name")
    password = factory.django.Password("a-long-test-password")


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest

    slug = factory.Sequence(lambda n: f"contest-{n}")
    title = factory.Sequence(lambda n: f"Contest {n}")
    summary = "A contest for young people."
    time_zone = "Europe/Zurich"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    status = ContestStatus.OPEN
    min_age = 18
    max_age = 29


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    contest = factory.SubFactory(ContestFactory)
    title = factory.Sequence(lambda n: f"Theme {n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    contest = factory.SubFactory(ContestFactory)
    title = "Short video"
    media_kind = MediaKind.VIDEO
    allowed_formats = ["mp4", "mov"]
    max_size_bytes = 1024 * 1024 * 1024
    max_duration_seconds = 180


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier (28 February when that year has no 29th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class EntrantFactory(UserFactory):
    """A person whose profile is complete: name, date of birth (22 years ago) and country."""

    date_of_birth = factory.LazyFunction(lambda: years_before(timezone.localdate(), 22))
    country = "MX"
    preferred_language = "en"
