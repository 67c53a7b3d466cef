"""What the apps above accounts tell it: their part of a person's data download and erasure, and their hooks.

Accounts is the lowest app: every other app imports it and it imports none of
them. So an app that keeps personal data registers its part here, in its
`AppConfig.ready()`, and the account's services only call what is registered:

- `PersonalData(app, export, erase)`: `export(user=…, into=…)` writes what the
  app holds about the person into its own folder of the download;
  `erase(erasure=…)` deletes or anonymises it, as the app's `personal_data`
  module says. Erasure runs from the app on top down to accounts, because
  deleting a lower app's row (an entry) cascades into the rows of the apps
  above it (its awards, its scores), which must take their files and keep
  their anonymous copies first.
- `birth_date_lock(check)`: a check that says the person may no longer change
  their own date of birth (after a first submitted entry, say).
- `profile_changed(listener)`: told when a person's date of birth or country
  changed, so decisions taken on them are taken again.
"""

import json
import logging
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import serializers
from django.db import models, transaction

from .models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PersonalData:
    """One app's part of a person's data."""

    app: str
    export: Callable[..., None]
    erase: Callable[..., None]


_parts: dict[str, PersonalData] = {}
_birth_date_locks: list[Callable[[User], bool]] = []
_profile_listeners: list[Callable[..., None]] = []


def register(app: str, *, export: Callable[..., None], erase: Callable[..., None]) -> None:
    """Called from the app's `AppConfig.ready()` with its `personal_data.export` and `personal_data.erase`."""
    # Keyed by app, so a second `ready()` (it happens in some test runners) replaces rather than doubles.
    _parts[app] = PersonalData(app=app, export=export, erase=erase)


def parts() -> list[PersonalData]:
    """Every registered part, in the order of INSTALLED_APPS: accounts first, the app on top last."""
    order = {config.label: index for index, config in enumerate(apps.get_app_configs())}
    return sorted(_parts.values(), key=lambda part: order[part.app])


def birth_date_lock(check: Callable[[User], bool]) -> None:
    if check not in _birth_date_locks:
        _birth_date_locks.append(check)


def birth_date_locked(user: User) -> bool:
    return any(check(user) for check in _birth_date_locks)


def profile_changed(listener: Callable[..., None]) -> None:
    """`listener(user=…, now=…, reason=…)` runs in the transaction that saved the profile."""
    if listener not in _profile_listeners:
        _profile_listeners.append(listener)


def tell_profile_changed(*, user: User, now: datetime, reason: str) -> None:
    for listener in _profile_listeners:
        listener(user=user, now=now, reason=reason)


# --- The download ------------------------------------------------------------
class ExportFolder:
    """One app's folder in the download zip: `<app>/data.json` with its records, and the files it adds."""

    def __init__(self, archive: zipfile.ZipFile, app: str) -> None:
        self.archive, self.app = archive, app
        self.data: dict[str, list] = {}

    def records(self, name: str, rows: models.QuerySet | Iterable[dict], *, fields: Iterable[str] | None = None,
                leave_out: Iterable[str] = ()) -> None:
        """Add rows under `name` in data.json: a queryset as Django's JSON serialiser writes it (without the
        fields left out), or plain dicts as they are."""
        if isinstance(rows, models.QuerySet):
            options = {"fields": list(fields)} if fields is not None else {}
            rows = json.loads(serializers.serialize("json", rows, **options))
            for row in rows:
                for name_left_out in leave_out:
                    row["fields"].pop(name_left_out, None)
        self.data.setdefault(name, []).extend(rows)

    def file(self, name: str, stored: models.fields.files.FieldFile) -> None:
        """Copy a stored file (disk or S3, through the storage API) into the folder, a megabyte at a time."""
        with stored.storage.open(stored.name, "rb") as source, \
                self.archive.open(f"{self.app}/{name}", "w", force_zip64=True) as target:
            while block := source.read(1024 * 1024):
                target.write(block)

    def bytes(self, name: str, data: bytes) -> None:
        self.archive.writestr(f"{self.app}/{name}", data)

    def close(self) -> None:
        text = json.dumps(self.data, indent=2, ensure_ascii=False, sort_keys=True, default=str)
        self.archive.writestr(f"{self.app}/data.json", text)


# --- The erasure -------------------------------------------------------------
def proven_addresses(user: User) -> frozenset[str]:
    """The addresses the person verified (lower case): only these may find rows others wrote about them."""
    return frozenset(
        email.lower() for email in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )


@dataclass
class Erasure:
    """One person's erasure, handed from part to part.

    Parts `mark` the rows they delete or anonymise before they do (the audit log
    and the admin's history forget what was written about those rows), add the
    stored files and unfinished uploads to delete once the transaction commits,
    and `count` what they removed or kept anonymously, for the audit event
    that records the erasure.
    """

    user: User
    now: datetime
    # Every address of the account (lower case), and the names it gave: what must not remain anywhere.
    emails: frozenset[str]
    names: frozenset[str]
    # The addresses the person proved are theirs: only these may remove rows that others wrote about them.
    verified_emails: frozenset[str]
    subjects: dict[type[models.Model], set[str]] = field(default_factory=lambda: defaultdict(set))
    counts: dict[str, int] = field(default_factory=dict)
    _files: list[tuple[object, str]] = field(default_factory=list)
    _paths: list[Path] = field(default_factory=list)
    _after: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def of(cls, user: User, now: datetime) -> "Erasure":
        addresses = EmailAddress.objects.filter(user=user).values_list("email", flat=True)
        return cls(
            user=user,
            now=now,
            emails=frozenset(e.lower() for e in [user.email, *addresses] if e),
            names=frozenset(n.strip() for n in (user.full_name, user.public_name) if n.strip()),
            verified_emails=proven_addresses(user),
        )

    def mark(self, queryset: models.QuerySet) -> None:
        """These rows are about the person (they are being deleted or anonymised)."""
        model = queryset.model._meta.concrete_model
        self.subjects[model].update(str(pk) for pk in queryset.values_list("pk", flat=True))

    def count(self, what: str, number: int) -> None:
        if number:
            self.counts[what] = self.counts.get(what, 0) + number

    def delete_file(self, stored: models.fields.files.FieldFile) -> None:
        if stored and stored.name:
            self._files.append((stored.storage, stored.name))

    def delete_path(self, path: Path) -> None:
        self._paths.append(path)

    def after_commit(self, step: Callable[[], None]) -> None:
        """Another deletion outside the database (an unfinished upload's parts in shared storage, say)."""
        self._after.append(step)

    def delete_files_on_commit(self) -> None:
        """Files go after the commit: a rolled-back erasure must not have lost them."""
        files, paths, steps = list(self._files), list(self._paths), list(self._after)

        def delete() -> None:
            # The rows are gone already: a storage that fails now leaves an orphan for the nightly storage
            # check to find and delete, never an error for the person whose account was deleted.
            for storage, name in files:
                try:
                    storage.delete(name)
                except Exception:  # noqa: BLE001 - any storage's error; logged with its traceback
                    logger.exception("erasure: could not delete a stored file; the storage check will")
            for path in paths:
                path.unlink(missing_ok=True)
            for step in steps:
                step()

        transaction.on_commit(delete)
