"""The demo's past editions: last year's in judging (screened, assigned, partly scored), and the one before it
announced, with its winners' gallery.

Everything goes through the services an entrant, an organizer and a judge would
use; the entrants' part is played at a time inside the edition's dates (the
services take `now`), the jury's part at the time of seeding. Only the files
skip the upload endpoint: each is stored as `submissions.uploads.finish` stores
one, and the real pipeline makes its renditions: a worker after seeding, or
(for the announced edition's pictures, which must exist before publishing) the
same jobs run here.
"""

import hashlib
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import monotonic, sleep

from django.core.files import File
from django.db import transaction
from django.test.utils import override_settings

from contest import registration
from contest.enums import ContestStatus, MediaKind, Role
from contest.models import Category, Contest, ContestRole, Theme
from contest.services import change_contest_status
from judging import services as judging
from judging.enums import ScreeningOutcome
from judging.models import Assignment, Round
from results import services as results
from results.enums import AwardKind, TieBreakStep
from submissions import services as submissions
from submissions.enums import AIUse, Declaration, JobStatus
from submissions.media import jobs
from submissions.models import Entry, MediaAsset, ProcessingJob
from submissions.sniff import sniff_format
from voting import selectors as voting_selectors
from voting import services as voting
from voting.models import Vote

from . import media as demo_media
from .seed import DEMO_PASSWORD, DEMO_PEOPLE, SLUG, TIME_ZONE, DemoLogin, demo_user, fill_contest

# How long seeding waits for a running worker to finish a job of the announced edition it took first.
WORKER_WAIT_SECONDS = 120
# More entrants for the past edition, so its entries come from several countries.
PAST_ENTRANTS = [
    ("entrant3@voices.example", "Kwame Entrant", Role.ENTRANT, date(2000, 2, 17), "GH", "en"),
    ("entrant4@voices.example", "Aigerim Entrant", Role.ENTRANT, date(2002, 7, 8), "KZ", "ru"),
    ("entrant5@voices.example", "Chloé Entrant", Role.ENTRANT, date(1999, 12, 3), "FR", "fr"),
]

ROUND_NAME = {
    "en": "Jury round",
    "fr": "Tour du jury",
    "es": "Ronda del jurado",
    "ru": "Тур жюри",
    "ar": "جولة لجنة التحكيم",
    "zh_hans": "评审轮",
}

# (weight, name, guidance), each in the six languages.
CRITERIA = [
    (3, {
        "en": "Message", "fr": "Message", "es": "Mensaje", "ru": "Идея", "ar": "الرسالة", "zh_hans": "信息",
    }, {
        "en": "How clearly the work speaks to its theme and to the harm cluster munitions cause, and whether it "
        "leaves the audience with something to do or remember.",
        "fr": "Avec quelle clarté l'œuvre traite son thème et les préjudices causés par les armes à sous-munitions, "
        "et si elle laisse au public quelque chose à faire ou à retenir.",
        "es": "Con qué claridad la obra aborda su tema y el daño que causan las municiones en racimo, y si deja al "
        "público algo que hacer o recordar.",
        "ru": "Насколько ясно работа раскрывает тему и вред, причиняемый кассетными боеприпасами, и оставляет ли "
        "она у зрителя то, что хочется сделать или запомнить.",
        "ar": "مدى وضوح تناول العمل لموضوعه وللضرر الذي تسببه الذخائر العنقودية، وهل يترك لدى الجمهور ما يفعله أو "
        "يتذكره.",
        "zh_hans": "作品在多大程度上清楚地回应其主题和集束弹药造成的伤害，是否让观众有所行动或铭记。",
    }),
    (2, {
        "en": "Creativity", "fr": "Créativité", "es": "Creatividad", "ru": "Творческий подход", "ar": "الإبداع",
        "zh_hans": "创意",
    }, {
        "en": "The originality of the idea and of the way it is told: a fresh angle, not a repeated slogan.",
        "fr": "L'originalité de l'idée et de la manière de la raconter : un regard neuf plutôt qu'un slogan répété.",
        "es": "La originalidad de la idea y de la forma de contarla: una mirada nueva, no un eslogan repetido.",
        "ru": "Оригинальность замысла и способа его воплощения: свежий взгляд, а не повторённый лозунг.",
        "ar": "أصالة الفكرة وطريقة سردها: زاوية جديدة لا شعار مكرر.",
        "zh_hans": "构思及表达方式的原创性：新颖的角度，而不是重复的口号。",
    }),
    (1, {
        "en": "Craft", "fr": "Savoir-faire", "es": "Realización", "ru": "Мастерство", "ar": "الإتقان",
        "zh_hans": "技艺",
    }, {
        "en": "Skill in the chosen medium: image, sound, editing or writing. Judge the craft, not the equipment.",
        "fr": "La maîtrise du moyen choisi : image, son, montage ou écriture. Jugez le savoir-faire, pas le matériel.",
        "es": "El dominio del medio elegido: imagen, sonido, montaje o escritura. Valora el oficio, no el equipo.",
        "ru": "Владение выбранным жанром: изображение, звук, монтаж или текст. Оценивайте мастерство, а не технику.",
        "ar": "المهارة في الوسيط المختار: الصورة أو الصوت أو المونتاج أو الكتابة. قيّم الإتقان لا المعدات.",
        "zh_hans": "对所选媒介的驾驭：画面、声音、剪辑或写作。评的是技艺，不是设备。",
    }),
]

ESSAY = (
    "When I was twelve, a man from a clearance team came to our school and put a small grey object on the "
    "teacher's desk. It was not real, he said, but the ones in the fields were. Most of us had seen them before "
    "and had not known what they were.\n\n"
    "The Convention on Cluster Munitions does something rare: it does not ask states to use a weapon more "
    "carefully, it asks them never to use it at all. Because of the ban, stockpiles have been destroyed by the "
    "million, fewer new fields are poisoned, and the money that once paid for bomblets can pay for clearance, "
    "for prosthetic limbs and for teachers like the man who came to our school.\n\n"
    "A ban works when people know about it. That is why I am writing this: every young person who learns what "
    "cluster munitions are, and that most of the world has outlawed them, is one more person who will ask why "
    "the others have not. Humanitarian disarmament starts with questions like that."
)

# (entrant email, theme position, media kind, title, work notes, scores (Message, Creativity, Craft))
PAST_ENTRIES = [
    ("entrant1@voices.example", 1, MediaKind.PHOTO, "The school on cleared land",
     "A school built on a field cleared of bomblets; the children planted the first crops around it.", (8, 7, 8)),
    ("entrant3@voices.example", 2, MediaKind.ARTWORK, "Don't touch, tell",
     "A poster for primary schools: the shape to recognise, and the one thing to do when you see it.", (9, 8, 6)),
    ("entrant4@voices.example", 3, MediaKind.ESSAY, "What a ban changes",
     "An essay on why a total ban protects more people than rules for careful use.", (7, 6, 7)),
    ("entrant2@voices.example", 2, MediaKind.AUDIO, "Voices from the field",
     "A short podcast opening: two notes for the two sides of a field, before and after clearance.", (6, 8, 7)),
    ("entrant5@voices.example", 1, MediaKind.VIDEO, "Every cleared field",
     "A film about the land that returns to farming once it is cleared.", (7, 7, 9)),
    ("entrant2@voices.example", 3, MediaKind.PHOTO, "The last stockpile",
     "The day the last stockpile of a country was destroyed, seen from the village nearby.", (8, 9, 7)),
]
# The edition two years back, announced: every judge scored every work.
ANNOUNCED_ENTRIES = [
    ("entrant3@voices.example", 2, MediaKind.ARTWORK, "Safe paths to school",
     "A comic strip for the walk to school: which paths are cleared, and what to do off them.", (9, 8, 8)),
    ("entrant1@voices.example", 1, MediaKind.PHOTO, "Harvest after clearance",
     "The first harvest on my uncle's field, cleared the spring before.", (8, 7, 7)),
    ("entrant4@voices.example", 3, MediaKind.ESSAY, "Letter to a stockpile",
     "An essay written as a letter to the last cluster munitions my country kept.", (6, 7, 6)),
]
CITATION = {
    "en": "A poster every primary school can use: it shows the danger and the one thing to do.",
    "fr": "Une affiche que toute école primaire peut utiliser : elle montre le danger et la seule chose à faire.",
    "es": "Un cartel que cualquier escuela primaria puede usar: muestra el peligro y lo único que hay que hacer.",
    "ru": "Плакат, который может использовать любая начальная школа: он показывает опасность и то единственное, "
    "что нужно сделать.",
    "ar": "ملصق يمكن لأي مدرسة ابتدائية استخدامه: يُظهر الخطر والشيء الوحيد الذي يجب فعله.",
    "zh_hans": "一张每所小学都能使用的海报：它展示了危险，以及唯一该做的事。",
}
NEEDS_FFMPEG = {MediaKind.VIDEO, MediaKind.AUDIO}
PARTWAY_JUDGE = "judge1@voices.example"  # submits two scores and keeps a third as a draft
FINISHED_JUDGE = "judge3@voices.example"  # has scored every entry given to them
JUDGE_OFFSETS = {"judge1@voices.example": -1, "judge2@voices.example": 0, "judge3@voices.example": 1}


@dataclass
class PastEdition:
    contest: Contest
    round: Round
    entrants: list[DemoLogin]
    announced: Contest | None = None
    made: bool = False
    skipped: list[str] = field(default_factory=list)


def judging_slug(open_contest: Contest) -> str:
    return f"{SLUG}-{open_contest.opens_at.year - 1}"


def announced_slug(open_contest: Contest) -> str:
    return f"{SLUG}-{open_contest.opens_at.year - 2}"


def _store_file(entry: Entry, path: Path) -> MediaAsset:
    """Store the file as an upload's finish() would (real format, hash, private storage) and start processing."""
    file_format = sniff_format(path, allowed=entry.category.allowed_formats)
    if file_format is None:
        raise ValueError(f"The demo made a {path.suffix} file that “{entry.category.title}” does not take.")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    asset = MediaAsset(entry=entry, original_name=path.name, size=path.stat().st_size, sha256=digest,
                       file_format=file_format)
    with open(path, "rb") as handle:
        asset.file.save(f"entries/{entry.reference}/demo.{file_format}", File(handle, name=path.name), save=False)
    asset.save()
    transaction.on_commit(lambda: jobs.start_processing(asset_id=asset.pk))
    return asset


def _make_work(kind: str, title: str, theme: Theme, palette: int, folder: Path, ffmpeg: str | None) -> Path | None:
    stem = folder / title.lower().replace(" ", "-").replace("'", "")
    if kind == MediaKind.PHOTO:
        return demo_media.draw_picture(stem.with_suffix(".jpg"), title=title, theme=theme.title_en, palette=palette,
                                       size=(1800, 1200), poster=False)
    if kind == MediaKind.ARTWORK:
        return demo_media.draw_picture(stem.with_suffix(".png"), title=title, theme=theme.title_en, palette=palette,
                                       size=(1500, 1100), poster=True)
    if kind == MediaKind.VIDEO:
        return demo_media.make_video(stem.with_suffix(".mp4"), binary=ffmpeg)
    if kind == MediaKind.AUDIO:
        return demo_media.make_audio(stem.with_suffix(".m4a"), binary=ffmpeg)
    return None


def _contest(open_contest: Contest, *, years_before: int, slug: str) -> Contest:
    """An edition some years before the open one: February to May, entries opened at the start."""
    year = open_contest.opens_at.year - years_before
    zone = open_contest.zone
    contest = Contest(
        slug=slug,
        time_zone=TIME_ZONE,
        opens_at=datetime.combine(date(year, 2, 1), time(0, 0), tzinfo=zone),
        closes_at=datetime.combine(date(year, 5, 31), time(23, 59), tzinfo=zone),
        status=ContestStatus.OPEN,
    )
    return fill_contest(contest, year=year, title_suffix=f" {year}")


def _enter(contest: Contest, people: dict, folder: Path, ffmpeg: str | None, skipped: list[str],
           works: list = PAST_ENTRIES) -> list[Entry]:
    """Each demo entrant registers and sends their works during the edition, as the entry pages would."""
    entries = []
    registered_at = contest.opens_at + timedelta(days=10)
    for email in dict.fromkeys(e[0] for e in works):
        registration.register(contest=contest, user=people[email], now=registered_at)
    for number, (email, theme_at, kind, title, notes, _scores) in enumerate(works):
        if kind in NEEDS_FFMPEG and ffmpeg is None:
            skipped.append(title)
            continue
        theme = Theme.objects.get(contest=contest, position=theme_at)
        category = Category.objects.get(contest=contest, media_kind=kind)
        at = contest.opens_at + timedelta(days=30 + number * 7)
        entry = submissions.create_entry(
            contest=contest, entrant=people[email], now=at, declarations=set(Declaration.values),
            data={"theme": theme, "category": category, "title": title, "statement": notes, "ai_use": AIUse.NONE,
                  "essay_text": ESSAY if kind == MediaKind.ESSAY else ""},
        )
        if path := _make_work(kind, title, theme, theme_at - 1, folder, ffmpeg):
            _store_file(entry, path)
        entries.append(submissions.submit_entry(entry=entry, now=at + timedelta(minutes=20)))
    return entries


def _prepare_round(contest: Contest, entries: list[Entry], organizer, judges: list, now: datetime, *,
                   judges_per_entry: int) -> tuple[Round, list]:
    """Screening, then a blind round of three weighted criteria, the tie-break declared, opened and assigned."""
    for entry in entries:
        judging.decide_screening(entry=entry, outcome=ScreeningOutcome.ELIGIBLE, by=organizer,
                                 now=now - timedelta(days=3))
    change_contest_status(contest=contest, to=ContestStatus.JUDGING)
    prepared = now - timedelta(days=2)
    round_ = judging.create_round(
        contest=contest, by=organizer, now=prepared,
        data={"name": ROUND_NAME["en"], **{f"name_{lang}": text for lang, text in ROUND_NAME.items()},
              "judges_per_entry": judges_per_entry, "blind": True},
    )
    criteria = []
    for weight, names, guidance in CRITERIA:
        data = {"name": names["en"], "guidance": guidance["en"], "weight": weight}
        data |= {f"name_{lang}": text for lang, text in names.items()}
        data |= {f"guidance_{lang}": text for lang, text in guidance.items()}
        criteria.append(judging.save_criterion(round=round_, data=data, by=organizer, now=prepared))
    results.declare_tie_break(
        contest=contest, by=organizer, now=prepared, criterion=criteria[0],
        steps=[TieBreakStep.NORMALISED_MEAN, TieBreakStep.CRITERION_MEAN, TieBreakStep.ORGANIZER],
    )
    for judge in judges:
        judging.add_to_panel(round=round_, judge=judge, by=organizer, now=prepared)
    opened = now - timedelta(days=1)
    judging.open_round(round=round_, by=organizer, now=opened)
    judging.auto_assign(round=round_, by=organizer, now=opened)
    return round_, criteria


def _values(criteria: list, marks: tuple, offset: int) -> dict[str, int]:
    return {str(c.pk): max(1, min(10, v + offset)) for c, v in zip(criteria, marks, strict=True)}


def _judge(contest: Contest, entries: list[Entry], organizer, judges: list, now: datetime) -> Round:
    """The round of last year's edition: two judges per entry, one judge partway, one finished."""
    round_, criteria = _prepare_round(contest, entries, organizer, judges, now, judges_per_entry=2)
    opened = now - timedelta(days=1)  # as _prepare_round opened it
    scores = {entry.pk: next(e[5] for e in PAST_ENTRIES if e[3] == entry.title) for entry in entries}
    for judge in judges:
        if judge.email not in (PARTWAY_JUDGE, FINISHED_JUDGE):
            continue
        queue = list(Assignment.objects.filter(round=round_, judge=judge).order_by("entry_id"))
        to_submit = queue if judge.email == FINISHED_JUDGE else queue[:2]
        for hour, assignment in enumerate(queue if judge.email == FINISHED_JUDGE else queue[:3], start=1):
            values = _values(criteria, scores[assignment.entry_id], JUDGE_OFFSETS[judge.email])
            action = judging.submit_score if assignment in to_submit else judging.save_score
            action(assignment=assignment, values=values, expected_version=0, by=judge,
                   now=opened + timedelta(hours=hour),
                   comment="Strong idea; the ending could be clearer." if assignment in to_submit else "",
                   feedback="Thank you: the message comes through." if assignment in to_submit else "")
    return round_


def _award(contest: Contest, entries: list[Entry], organizer, judges: list, now: datetime) -> Round:
    """Every judge scores every work, the round closes, the two best get awards and are verified."""
    round_, criteria = _prepare_round(contest, entries, organizer, judges, now, judges_per_entry=len(judges))
    opened = now - timedelta(days=1)
    scores = {entry.pk: next(e[5] for e in ANNOUNCED_ENTRIES if e[3] == entry.title) for entry in entries}
    for offset, judge in enumerate(judges, start=-1):
        for assignment in Assignment.objects.filter(round=round_, judge=judge).order_by("entry_id"):
            judging.submit_score(assignment=assignment, values=_values(criteria, scores[assignment.entry_id], offset),
                                 expected_version=0, by=judge, now=opened + timedelta(hours=2 + offset),
                                 feedback="Thank you: the message comes through.")
    judging.close_round(round=round_, by=organizer, now=now - timedelta(hours=20))
    best, second = sorted(entries, key=lambda e: scores[e.pk], reverse=True)[:2]
    decided = now - timedelta(hours=10)
    results.give_award(contest=contest, entry=best, kind=AwardKind.WINNER, by=organizer, now=decided,
                       texts={f"citation_{lang}": text for lang, text in CITATION.items()})
    results.give_award(contest=contest, entry=second, kind=AwardKind.SECOND, by=organizer, now=decided,
                       texts={"citation_en": "A quiet picture of what clearance gives back."})
    for entry in (best, second):
        results.verify_winner(entry=entry, identity_checked=True, age_checked=True, publish_name=True,
                              publish_country=True, note="", by=organizer, now=decided)
    return round_


def _process_now(contest: Contest) -> None:
    """Run the pipeline's jobs for these (small, still) works here, so the winners' files exist to publish; a
    worker that gets the same messages later finds them done. Jobs a worker already running took first (with
    docker compose, seeding runs beside the workers) are waited for, up to WORKER_WAIT_SECONDS."""
    deadline = monotonic() + WORKER_WAIT_SECONDS
    unfinished = ProcessingJob.objects.filter(
        asset__entry__contest=contest, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    )
    while unfinished.exists() and monotonic() < deadline:
        queued = list(unfinished.filter(status=JobStatus.QUEUED).values_list("pk", flat=True))
        for job_id in queued:  # the check first, then the outputs it sends
            jobs.run_job(job_id=job_id)
        if not queued:
            sleep(0.5)


def seed_announced_edition(*, now: datetime, open_contest: Contest, people: dict) -> Contest:
    """The edition two years back, judged, awarded and announced, with its winners' gallery."""
    existing = Contest.objects.filter(slug=announced_slug(open_contest)).first()
    organizer = people[DEMO_PEOPLE[0][0]]
    if existing is not None:
        seed_vote(contest=existing, organizer=organizer, now=now)
        return existing
    judges = [people[p[0]] for p in DEMO_PEOPLE if p[2] == Role.JUDGE]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), \
            tempfile.TemporaryDirectory(prefix="voices-demo-") as folder, transaction.atomic():
        contest = _contest(open_contest, years_before=2, slug=announced_slug(open_contest))
        for email, _name, role, *_rest in [*DEMO_PEOPLE, *PAST_ENTRANTS]:
            ContestRole.objects.get_or_create(contest=contest, user=people[email], role=role)
        entries = _enter(contest, people, Path(folder), None, [], works=ANNOUNCED_ENTRIES)
        change_contest_status(contest=contest, to=ContestStatus.CLOSED)
        _award(contest, entries, organizer, judges, now - timedelta(days=2))
    _process_now(contest)
    # Scheduled a minute ago and announced now: publishing, the "announced" state and the result emails all
    # go through the announcement itself (the emails are sent by the worker).
    results.schedule_announcement(contest=contest, at=now - timedelta(minutes=1), by=organizer,
                                  now=now - timedelta(minutes=2))
    results.announce(contest_id=contest.pk, now=now)
    contest.refresh_from_db()
    seed_vote(contest=contest, organizer=organizer, now=now)
    return contest


# The demo's people's-choice ballots: (address, network address, minutes after the opening, entry's position in
# the exhibition). Five from one block within minutes, so the integrity page shows a burst to look into.
DEMO_BALLOTS = [
    *[(f"visitor{i}@example.org", f"192.0.2.{i}", 30 * i, i % 3) for i in range(1, 7)],
    *[(f"class{i}@school.example", f"198.51.100.{i}", 400 + 2 * i, 0) for i in range(1, 6)],
    ("reader@example.net", "2001:db8:5:1::7", 900, 1),
]


def seed_vote(*, contest: Contest, organizer, now: datetime) -> None:
    """A people's-choice vote on the announced edition's exhibition, open for a month, with a few ballots; made
    once (running the demo again changes nothing)."""
    if Vote.objects.filter(contest=contest).exists():
        return
    opened = now - timedelta(days=1)
    vote = voting.open_vote(contest=contest, category=None, opens_at=opened, closes_at=now + timedelta(days=30),
                            by=organizer, now=opened)
    choices = voting_selectors.choices(vote=vote)
    for email, address, minutes, position in DEMO_BALLOTS:
        at = opened + timedelta(minutes=minutes)
        token = voting.ballot_link(vote=vote, entry_id=choices[position % len(choices)].pk, email=email, now=at)
        voting.cast_ballot(link=voting.read_link(token, now=at), address=voting.Address.of(address), now=at)


def seed_past_editions(*, now: datetime, open_contest: Contest) -> PastEdition:
    """Make the past edition once; when it exists, only read it (so running the demo again changes nothing)."""
    people = {}
    for email, name, role, born, country, language in [*DEMO_PEOPLE, *PAST_ENTRANTS]:
        people[email] = demo_user(email=email, name=name, role=role, born=born, country=country, language=language)
    entrants = [DemoLogin(email=e, password=DEMO_PASSWORD, role=Role.ENTRANT) for e, *_r in PAST_ENTRANTS]
    announced = seed_announced_edition(now=now, open_contest=open_contest, people=people)
    existing = Contest.objects.filter(slug=judging_slug(open_contest)).first()
    if existing is not None:
        return PastEdition(contest=existing, round=existing.rounds.order_by("position").first(), entrants=entrants,
                           announced=announced)
    organizer = people[DEMO_PEOPLE[0][0]]
    judges = [people[p[0]] for p in DEMO_PEOPLE if p[2] == Role.JUDGE]
    skipped: list[str] = []
    ffmpeg = demo_media.ffmpeg()
    # The demo's entrants have example addresses and their entries are history: no receipt is sent.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), \
            tempfile.TemporaryDirectory(prefix="voices-demo-") as folder, transaction.atomic():
        contest = _contest(open_contest, years_before=1, slug=judging_slug(open_contest))
        for email, _name, role, *_rest in [*DEMO_PEOPLE, *PAST_ENTRANTS]:
            ContestRole.objects.get_or_create(contest=contest, user=people[email], role=role)
        entries = _enter(contest, people, Path(folder), ffmpeg, skipped)
        change_contest_status(contest=contest, to=ContestStatus.CLOSED)
        round_ = _judge(contest, entries, organizer, judges, now)
    return PastEdition(contest=contest, round=round_, entrants=entrants, announced=announced, made=True,
                       skipped=skipped)
