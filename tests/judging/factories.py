"""Factories and a ready-made jury for the judging tests: a contest with entries screened eligible, judges, a round."""

import dataclasses
from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import User
from contest.enums import Role
from contest.models import Contest, ContestRole
from judging import services
from judging.enums import ScreeningOutcome
from judging.models import Criterion, Round, ScreeningDecision
from submissions.enums import EntryStatus
from submissions.models import Entry
from tests.factories import CategoryFactory, ContestFactory, EntrantFactory, ThemeFactory, UserFactory


class EntryFactory(factory.django.DjangoModelFactory):
    """A submitted entry (built directly: the submission rules are tested in tests/submissions)."""

    class Meta:
        model = Entry

    contest = factory.SubFactory(ContestFactory)
    entrant = factory.SubFactory(EntrantFactory)
    reference = factory.Sequence(lambda n: f"TEST-{n:05d}")
    theme = factory.LazyAttribute(lambda o: o.contest.themes.first() or ThemeFactory(contest=o.contest))
    category = factory.LazyAttribute(lambda o: o.contest.categories.first() or CategoryFactory(contest=o.contest))
    title = factory.Sequence(lambda n: f"Work {n}")
    statement = "What I made and why."
    status = EntryStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    first_submitted_at = factory.LazyFunction(timezone.now)


def make_judge(contest: Contest, *, country: str = "", organisation: str = "", **fields) -> User:
    judge = UserFactory(**fields)
    ContestRole.objects.create(contest=contest, user=judge, role=Role.JUDGE)
    if country or organisation:
        services.save_judge_profile(
            contest=contest, judge=judge, country=country, organisation=organisation, now=timezone.now()
        )
    return judge


def make_organizer(contest: Contest) -> User:
    organizer = UserFactory(full_name="Olga Organizer")
    ContestRole.objects.create(contest=contest, user=organizer, role=Role.ORGANIZER)
    return organizer


@dataclasses.dataclass
class Jury:
    contest: Contest
    organizer: User
    judges: list[User]
    entries: list[Entry]
    round: Round
    criteria: list[Criterion]


def jury(
    *,
    entries: int = 4,
    judges: int = 3,
    k: int = 2,
    blind: bool = True,
    open_round: bool = True,
    assign: bool = True,
    criteria: tuple[tuple[str, int], ...] = (("Message", 2), ("Craft", 1)),
) -> Jury:
    """A contest whose entries are all screened eligible, a panel of judges and a round with weighted criteria
    on a 1–10 scale; opened and assigned unless told otherwise."""
    now = timezone.now()
    contest = ContestFactory(closes_at=now - timedelta(days=1), opens_at=now - timedelta(days=30))
    ThemeFactory(contest=contest)
    CategoryFactory(contest=contest)
    organizer = make_organizer(contest)
    made = [EntryFactory(contest=contest) for _ in range(entries)]
    for entry in made:
        ScreeningDecision.objects.create(
            entry=entry, contest=contest, outcome=ScreeningOutcome.ELIGIBLE, decided_by=organizer, decided_at=now
        )
    panel = [make_judge(contest, full_name=f"Judge {n}") for n in range(judges)]
    round_ = services.create_round(
        contest=contest, data={"name": "Jury round", "judges_per_entry": k, "blind": blind}, by=organizer, now=now
    )
    made_criteria = [
        services.save_criterion(round=round_, data={"name": name, "weight": weight}, by=organizer, now=now)
        for name, weight in criteria
    ]
    for judge in panel:
        services.add_to_panel(round=round_, judge=judge, by=organizer, now=now)
    if open_round:
        services.open_round(round=round_, by=organizer, now=now)
    if assign:
        services.auto_assign(round=round_, by=organizer, now=now)
    round_.refresh_from_db()
    return Jury(contest, organizer, panel, made, round_, made_criteria)
