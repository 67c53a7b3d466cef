"""Every change of a contest's state goes through here, and each writes its audit event."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit
from .enums import AgeReference, ContestAuditAction, ContestSetupAction, ContestStatus, Role
from .models import Category, Contest, ContestRole, Theme
from .rules import forget_roles

# Which states a contest may move to from each state.
TRANSITIONS: dict[str, frozenset[str]] = {
    ContestStatus.DRAFT: frozenset({ContestStatus.OPEN}),
    ContestStatus.OPEN: frozenset({ContestStatus.DRAFT, ContestStatus.CLOSED}),
    ContestStatus.CLOSED: frozenset({ContestStatus.OPEN, ContestStatus.JUDGING}),
    ContestStatus.JUDGING: frozenset({ContestStatus.ANNOUNCED}),
    ContestStatus.ANNOUNCED: frozenset({ContestStatus.ARCHIVED}),
    ContestStatus.ARCHIVED: frozenset(),
}


class IllegalTransition(Exception):
    def __init__(self, contest: Contest, to: str) -> None:
        super().__init__(f"Contest {contest.pk} cannot move from {contest.status} to {to}.")
        self.contest = contest
        self.to = to


@transaction.atomic
def change_contest_status(*, contest: Contest, to: ContestStatus, by=None, now: datetime | None = None) -> Contest:
    """Move a contest to another state, refusing moves the contest's life does not allow; `by` is None for the
    site's own moves (the deadline passing, a scheduled announcement)."""
    now = now or timezone.now()
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    if to not in TRANSITIONS[locked.status]:
        raise IllegalTransition(locked, to)
    before = audit.snapshot(locked, ("status", "closed_at"))
    locked.status = to
    if to == ContestStatus.CLOSED:
        locked.closed_at = now
    elif to == ContestStatus.OPEN:
        locked.closed_at = None
    locked.save(update_fields=["status", "closed_at"])
    audit.record(
        action=ContestAuditAction(f"contest.{to}"),
        obj=locked,
        actor=by,
        contest=locked,
        before=before,
        after=audit.snapshot(locked, ("status", "closed_at")),
        at=now,
    )
    contest.status, contest.closed_at = locked.status, locked.closed_at
    return locked


def close_contests_past_deadline(*, now: datetime) -> list[int]:
    """Close every open contest whose deadline has passed; return their ids."""
    closed = []
    for contest in Contest.objects.filter(status=ContestStatus.OPEN, closes_at__lte=now).only("pk", "status"):
        try:
            change_contest_status(contest=contest, to=ContestStatus.CLOSED, now=now)
        except IllegalTransition:
            continue  # Someone moved it meanwhile; their decision stands.
        closed.append(contest.pk)
    return closed


# --- Setting a contest up ----------------------------------------------------------
# What an organizer sets outside the texts; written to the audit row when it changes.
SETUP_FIELDS = (
    "slug", "time_zone", "opens_at", "closes_at", "reference_prefix", "statement_max_words", "upload_grace_minutes",
    "max_entries_per_entrant", "max_team_size", "min_age", "max_age", "age_reference", "age_reference_date",
    "eligible_countries", "guardian_consent_below_age",
)
# Copied from last year's contest into a new one, every language of the translated ones.
COPIED_FIELDS = (
    "summary", "call_text", "organisers", "partners", "rules_text", "licence_text", "time_zone",
    "reference_prefix", "statement_max_words", "upload_grace_minutes", "max_entries_per_entrant", "max_team_size",
    "min_age", "max_age", "age_reference", "eligible_countries", "guardian_consent_below_age",
)
THEME_FIELDS = ("position", "title", "description")
CATEGORY_FIELDS = (
    "position", "media_kind", "title", "description", "allowed_formats", "max_size_bytes", "max_duration_seconds",
    "min_long_side_px", "max_entries_per_entrant", "min_words", "max_words", "max_pages",
)


def _every_language(fields: tuple[str, ...], model) -> list[str]:
    """The fields' names, with each translated one replaced by its column in every language."""
    from modeltranslation.translator import NotRegistered, translator
    from modeltranslation.utils import build_localized_fieldname

    try:
        translated = translator.get_options_for_model(model).fields
    except NotRegistered:
        translated = {}
    names = []
    for name in fields:
        if name in translated:
            names += [build_localized_fieldname(name, code) for code in settings.LANGUAGE_CODES]
        else:
            names.append(name)
    return names


def a_year_later(moment: datetime, zone) -> datetime:
    """The same wall-clock time a year later in the contest's zone (29 February becomes the 28th)."""
    local = timezone.localtime(moment, zone)
    try:
        shifted = local.replace(year=local.year + 1)
    except ValueError:
        shifted = local.replace(year=local.year + 1, day=28)
    return timezone.make_aware(shifted.replace(tzinfo=None), zone)


@transaction.atomic
def create_contest(*, by, now: datetime, **values) -> Contest:
    """A new contest, as a draft, organized by the person who created it."""
    contest = Contest(**values)
    contest.full_clean()
    contest.save()
    ContestRole.objects.get_or_create(contest=contest, user=by, role=Role.ORGANIZER)
    audit.record(
        action=ContestSetupAction.CREATED, obj=contest, actor=by, contest=contest, before=None,
        after=audit.snapshot(contest, SETUP_FIELDS), at=now,
    )
    forget_roles(by)
    return contest


@transaction.atomic
def copy_contest(*, source: Contest, by, now: datetime, slug: str, title: str,
                 opens_at: datetime | None = None, closes_at: datetime | None = None, summary: str = "") -> Contest:
    """A draft copy of `source`: its texts in every language, themes, categories, rules and eligibility.

    The dates move on a year unless others are given; the rules start again at version 1, since nobody has
    accepted them yet; a fixed age-reference date is left for the organizer to set again.
    """
    values = {name: getattr(source, name) for name in _every_language(COPIED_FIELDS, Contest)}
    if source.age_reference == AgeReference.FIXED:
        values["age_reference"] = AgeReference.CLOSING
    if summary:
        values["summary_en"] = summary
    contest = Contest(
        **values,
        slug=slug,
        title=title,
        opens_at=opens_at or a_year_later(source.opens_at, source.zone),
        closes_at=closes_at or a_year_later(source.closes_at, source.zone),
        status=ContestStatus.DRAFT,
        rules_version=1,
    )
    contest.full_clean()
    contest.save()
    for theme in source.themes.all():
        Theme.objects.create(contest=contest, **{n: getattr(theme, n) for n in _every_language(THEME_FIELDS, Theme)})
    for category in source.categories.all():
        Category.objects.create(
            contest=contest, **{n: getattr(category, n) for n in _every_language(CATEGORY_FIELDS, Category)}
        )
    ContestRole.objects.get_or_create(contest=contest, user=by, role=Role.ORGANIZER)
    audit.record(
        action=ContestSetupAction.COPIED, obj=contest, actor=by, contest=contest,
        before={"copied_from": source.pk}, after=audit.snapshot(contest, SETUP_FIELDS), at=now,
    )
    forget_roles(by)
    return contest


@transaction.atomic
def save_setup(*, contest: Contest, by, now: datetime, form) -> Contest:
    """Save a set-up form (a ModelForm on the contest) and record what changed; the state is never in it."""
    before = audit.snapshot(Contest.objects.get(pk=contest.pk), SETUP_FIELDS)
    contest = form.save()
    after = audit.snapshot(contest, SETUP_FIELDS)
    changed = {name for name in SETUP_FIELDS if before[name] != after[name]}
    if changed or form.has_changed():
        audit.record(
            action=ContestSetupAction.CHANGED, obj=contest, actor=by, contest=contest,
            before={name: before[name] for name in sorted(changed)},
            after={**{name: after[name] for name in sorted(changed)}, "fields": sorted(form.changed_data)},
            at=now,
        )
    return contest


@transaction.atomic
def save_parts(*, contest: Contest, by, now: datetime, formset) -> None:
    """Save a formset of the contest's themes or categories, recording which rows changed."""
    formset.save()
    changed = {
        "added": [obj.pk for obj in formset.new_objects],
        "changed": [obj.pk for obj, _fields in formset.changed_objects],
        "deleted": [obj.pk for obj in formset.deleted_objects],
    }
    if any(changed.values()):
        audit.record(
            action=ContestSetupAction.CHANGED, obj=contest, actor=by, contest=contest, before=None,
            after={formset.model._meta.model_name: changed}, at=now,
        )


@transaction.atomic
def publish_rules(*, contest: Contest, by, now: datetime, form, new_version: bool) -> Contest:
    """Save the rules' texts; as a new version, every registered entrant is asked to accept them again.

    A correction that changes no meaning keeps the version (and the acceptances already given)."""
    locked = Contest.objects.select_for_update().get(pk=contest.pk)
    before = {"rules_version": locked.rules_version}
    contest = form.save(commit=False)
    if new_version:
        contest.rules_version = locked.rules_version + 1
    contest.save()
    audit.record(
        action=ContestSetupAction.RULES_PUBLISHED if new_version else ContestSetupAction.CHANGED,
        obj=contest, actor=by, contest=contest, before=before,
        after={"rules_version": contest.rules_version, "fields": sorted(form.changed_data)}, at=now,
    )
    if new_version:
        from .tasks import ask_to_accept_rules

        transaction.on_commit(lambda: ask_to_accept_rules.delay(contest.pk, contest.rules_version))
    return contest


@transaction.atomic
def save_texts(*, contest: Contest, by, now: datetime, forms) -> None:
    """Save the translated texts of a contest and its themes and categories, recording which changed."""
    changed = {}
    for form in forms:
        if form.has_changed():
            form.save()
            changed[f"{form.instance._meta.model_name}:{form.instance.pk}"] = sorted(form.changed_data)
    if changed:
        audit.record(
            action=ContestSetupAction.CHANGED, obj=contest, actor=by, contest=contest, before=None,
            after={"texts": changed}, at=now,
        )
