"""A person with every kind of data deletes their account: nothing that was about them is left but what the
contests keep anonymously, the audit chain still holds and names them nowhere, and their download had each app's
part.

The person is an entrant (an entry with a photo processed by the real worker, a release form, a co-creator
named, an upload left unfinished), a co-creator on someone else's entry, a judge (invited, with details,
submitted scores with comments and feedback, a draft, a conflict of interest, feedback an organizer approved),
an organizer who screened an entry and flagged one, a winner (award, verification, certificate, files
published, result email) and an awarded entrant whose identity document is still stored.
"""

import hashlib
import io
import json
import secrets
import zipfile
from collections import defaultdict
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from accounts import services as accounts
from accounts.models import User
from contest import audit
from contest import registration as registrations
from contest.enums import ContestStatus, MediaKind, Role
from contest.models import AnonymisedRegistration, AuditEvent, ContestRole
from contest.services import change_contest_status
from judging import services as judging
from judging.enums import ScreeningOutcome
from judging.models import Assignment, PanelMember, Score, ScreeningDecision
from judging.selectors import ranking_of
from judging.services.results import results_changed
from results import services as results
from results.enums import AwardKind, TieBreakStep
from submissions import attachments, uploads
from submissions import files as stored_keys
from submissions import services as entries
from submissions.enums import Declaration, FileState, JobStatus, UploadStatus
from submissions.media import jobs
from submissions.models import CoCreator, Entry, MediaAsset, ProcessingJob, Upload
from tests.accounts.test_privacy import rows_naming
from tests.conftest import wait_until
from tests.factories import CategoryFactory, ContestFactory, EntrantFactory, ThemeFactory, years_before
from tests.judging.factories import jury
from tests.submissions.processing_helpers import photo_with_location
from tests.uploading import pdf_bytes

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

EMAIL = "quillon.verhaegen@voices.example"
NAME = "Quillon Verhaegen-Oduya"
PUBLIC_NAME = "Quill Verhaegen"
PASSWORD = "a-long-test-password"
STAND_IN_DOMAIN = "@deleted-account.invalid"
# What the download may give in its own words rather than as rows of the model, and where: checked below.
SUMMARISED = {
    "judging.roundentry": None,  # the round's working list of entries; the outcome reaches them as their result
    "judging.roundresult": None,  # likewise the results table; given as the result after the announcement
    "results.publishedfile": ("results", "published_files"),
    "results.feedbackmoderation": ("results", "feedback_for_you"),
    "results.tiedecision": None,  # an organizer's decision between entries, not about the person
}


def photo_category(contest):
    return CategoryFactory(contest=contest, title="Photography", media_kind=MediaKind.PHOTO,
                           allowed_formats=["jpg", "jpeg"], max_size_bytes=None, max_duration_seconds=None)


def wait_for_renditions(asset: MediaAsset) -> None:
    wait_until(lambda: MediaAsset.objects.get(pk=asset.pk).state == FileState.READY, timeout=180,
               message="the worker to process the photo")
    assert asset.renditions.count() >= 2


def score_all(made, values_by_judge: dict, *, now, skip: set = frozenset()) -> None:
    message, craft = made.criteria
    for assignment in Assignment.objects.filter(round=made.round).select_related("entry", "judge"):
        if (assignment.judge_id, assignment.entry_id) in skip:
            continue
        m, c = values_by_judge[assignment.judge_id][made.entries.index(assignment.entry)]
        judging.submit_score(assignment=assignment, values={str(message.pk): m, str(craft.pk): c},
                             expected_version=0, by=assignment.judge, now=now,
                             comment=f"Notes on {assignment.entry.title}.", feedback="Keep going.")


@pytest.fixture
def person(celery_worker, rf):
    now = timezone.now()
    person = EntrantFactory(email=EMAIL, full_name=NAME, public_name=PUBLIC_NAME, country="BE",
                            date_of_birth=years_before(timezone.localdate(), 23))
    EmailAddress.objects.create(user=person, email=EMAIL, verified=True, primary=True)
    facts = {}

    # --- As an entrant, in an open contest -----------------------------------------------------------
    run = secrets.token_hex(3).upper()
    open_contest = ContestFactory(slug="open-2026", max_team_size=3, reference_prefix=f"QV{run}")
    theme, photos = ThemeFactory(contest=open_contest), photo_category(open_contest)
    registrations.register(contest=open_contest, user=person, now=now)
    entry = entries.create_entry(contest=open_contest, entrant=person,
                                 data={"theme": theme, "category": photos, "title": "Fields after the war"},
                                 declarations=set(Declaration.values), now=now)
    entries.invite_co_creator(entry=entry, name="Ines Obi", email="ines.obi@voices.example",
                              date_of_birth=date(2002, 3, 4), now=now)
    photo = photo_with_location()
    started = uploads.start_upload(entry=entry, owner=person, length=len(photo), filename="IMG_2231.jpg",
                                   declared_type="image/jpeg", now=now)
    uploads.append(upload=started, offset=0, read=io.BytesIO(photo).read, length=len(photo), checksum=None, now=now)
    facts["original"] = photo
    attachments.add_release_form(entry=entry, by=person, now=now,
                                 upload=SimpleUploadedFile("consent.pdf", pdf_bytes(4000), "application/pdf"))
    unfinished = uploads.start_upload(entry=entry, owner=person, length=len(photo), filename="IMG_2232.jpg",
                                      declared_type="image/jpeg", now=now)
    uploads.append(upload=unfinished, offset=0, read=io.BytesIO(photo[:5000]).read, length=5000, checksum=None,
                   now=now)
    assert uploads.temp_path(unfinished).exists()
    # Someone else names them as a co-creator, and they confirm.
    friend = EntrantFactory(email="friend@voices.example", full_name="Farah Friend")
    registrations.register(contest=open_contest, user=friend, now=now)
    theirs = entries.create_entry(contest=open_contest, entrant=friend,
                                  data={"theme": theme, "category": photos, "title": "Our street"},
                                  declarations=set(Declaration.values), now=now)
    named = entries.invite_co_creator(entry=theirs, name=NAME, email=EMAIL, date_of_birth=person.date_of_birth,
                                      now=now)
    entries.answer_co_creator(co_creator=named, confirms=True, now=now)
    facts["friends_entry"] = theirs

    # --- As a judge, and as an organizer, of a contest in judging ------------------------------------------
    judged = jury(entries=4, judges=2, k=3, open_round=False, assign=False)
    invitation = judging.invite_judge(contest=judged.contest, email=EMAIL, by=judged.organizer, now=now,
                                      round=judged.round)
    judging.accept_invitation(invitation=invitation, user=person, country="BE",
                              organisation="Studio Verhaegen", now=now)
    judging.declare_conflict(contest=judged.contest, judge=person, entrant=judged.entries[3].entrant,
                             note="We studied together.", by=person, now=now)
    ContestRole.objects.create(contest=judged.contest, user=person, role=Role.ORGANIZER)
    judging.decide_screening(entry=judged.entries[2], outcome=ScreeningOutcome.ELIGIBLE,
                             note="Date of birth checked on the identity card.", by=person, now=now)
    judging.flag_ai_suspected(entry=judged.entries[1], suspected=True, note="The sky looks generated.",
                              by=person, now=now)
    judging.open_round(round=judged.round, by=judged.organizer, now=now)
    judging.auto_assign(round=judged.round, by=judged.organizer, now=now)
    first, second = judged.judges
    values = {
        first.pk: [(9, 8), (7, 7), (5, 6), (3, 4)],
        second.pk: [(8, 9), (6, 5), (6, 6), (2, 3)],
        person.pk: [(4, 4), (9, 9), (8, 7), None],
    }
    draft = Assignment.objects.get(round=judged.round, judge=person, entry=judged.entries[2])
    score_all(judged, values, now=now, skip={(person.pk, judged.entries[2].pk)})
    judging.save_score(assignment=draft, values={str(judged.criteria[0].pk): 8}, comment="Unsure yet.",
                       expected_version=0, by=person, now=now)
    scored = Score.objects.get(assignment__judge=person, assignment__entry=judged.entries[0])
    results.moderate_feedback(score=scored, approved=True, text="Keep going, and cut the ending.",
                              by=judged.organizer, now=now)
    facts["judged"] = judged

    # --- As a winner, in a contest announced ----------------------------------------------------------------
    won = jury(entries=3, judges=2, k=2, open_round=False, assign=False)
    own = won.entries[0]
    Entry.objects.filter(pk=own.pk).update(entrant=person, category=photo_category(won.contest),
                                           reference=f"QV{run}-WON")
    own.refresh_from_db()
    asset = MediaAsset(entry=own, original_name="winner.jpg", size=len(photo),
                       sha256=hashlib.sha256(photo).hexdigest(), file_format="jpg")
    asset.file.save(f"entries/{own.reference}/winner.jpg", io.BytesIO(photo), save=True)
    jobs.start_processing(asset_id=asset.pk)  # the worker makes the renditions
    results.declare_tie_break(contest=won.contest, steps=[TieBreakStep.NORMALISED_MEAN, TieBreakStep.RAW_MEAN,
                                                          TieBreakStep.ORGANIZER], criterion=None,
                              by=won.organizer, now=now)
    judging.open_round(round=won.round, by=won.organizer, now=now)
    judging.auto_assign(round=won.round, by=won.organizer, now=now)
    score_all(won, {judge.pk: [(9, 9), (6, 6), (3, 3)] for judge in won.judges}, now=now)
    judging.close_round(round=won.round, by=won.organizer, now=now)
    change_contest_status(contest=won.contest, to=ContestStatus.CLOSED)
    judging.release_screening(contest=won.contest, by=won.organizer, now=now)
    results.give_award(contest=won.contest, entry=own, kind=AwardKind.WINNER, by=won.organizer, now=now,
                       texts={"citation_en": f"{NAME}'s photograph makes the case."})
    results.verify_winner(entry=own, identity_checked=True, age_checked=True, publish_name=True,
                          publish_country=True, note="Passport seen on a call.", by=won.organizer, now=now)
    results.moderate_feedback(score=Score.objects.filter(assignment__entry=own).first(), approved=True,
                              text="A clear, brave picture.", by=won.organizer, now=now)
    wait_for_renditions(asset)
    at = timezone.now() + timedelta(seconds=1)
    results.schedule_announcement(contest=won.contest, at=at, by=won.organizer, now=timezone.now())
    results.announce(contest_id=won.contest.pk, now=at)
    facts["won"] = won

    # --- Awarded in a contest not yet announced: the identity document is still stored -------------------
    pending = jury(entries=1, judges=1, k=1, open_round=False, assign=False)
    Entry.objects.filter(pk=pending.entries[0].pk).update(entrant=person, reference=f"QV{run}-PENDING")
    results.give_award(contest=pending.contest, entry=pending.entries[0], kind=AwardKind.WINNER,
                       by=pending.organizer, now=now)
    check = results.verify_winner(entry=pending.entries[0], identity_checked=False, age_checked=False,
                                  publish_name=False, publish_country=False, note="", by=pending.organizer,
                                  now=now, document=SimpleUploadedFile("passport.jpg", b"scan of a passport"))
    assert check.document and storages["private"].exists(check.document.name)
    facts["pending"] = pending

    # --- Their account in the admin ------------------------------------------------------------------------
    accounts.correct_birth_date(user=person, date_of_birth=years_before(timezone.localdate(), 24),
                                reason="Passport shows another year.", by=judged.organizer, now=now)
    request = rf.post("/en/admin/")
    request.user = judged.organizer
    admin.site.get_model_admin(User).log_change(request, person, [{"changed": {"fields": ["Full name"]}}])

    wait_until(lambda: not ProcessingJob.objects.exclude(status=JobStatus.DONE).exists(), timeout=180,
               message="every processing job to finish")
    wait_for_renditions(MediaAsset.objects.get(entry=entry))
    person.refresh_from_db()
    person.facts = facts
    return person


# --- Walking the database from the person ------------------------------------------------------------
def rows_about(user: User) -> tuple[dict[type[models.Model], set], dict[type[models.Model], set]]:
    """Every row reachable from the person through the models' relations, read from `_meta` so a new model is
    walked too: (rows that are theirs: a foreign key to the account that goes with it, and every row below
    those), (rows they only acted on: a foreign key to the account that the database empties)."""
    owned, acted = defaultdict(set), defaultdict(set)
    queue = [(User, {user.pk})]
    while queue:
        model, pks = queue.pop()
        # Hidden ones too: a foreign key with related_name="+" still points at the row.
        for relation in model._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and not relation.concrete) or relation.many_to_many:
                continue  # not a relation pointing here; or groups and permissions, whose links go with the account
            related, field = relation.related_model, relation.field
            rows = set(related._base_manager.filter(**{f"{field.name}__in": pks}).values_list("pk", flat=True))
            if model is User and field.remote_field.on_delete is not models.CASCADE:
                acted[related] |= rows
                continue
            fresh = rows - owned[related]
            if fresh:
                owned[related] |= fresh
                queue.append((related, fresh))
    return {m: p for m, p in owned.items() if p}, {m: p for m, p in acted.items() if p}


def stored_files(found: dict[type[models.Model], set]) -> list[tuple[str, object, str]]:
    """(model, storage, name) of every stored file the rows hold."""
    files = []
    for model, pks in found.items():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                for name in model._base_manager.filter(pk__in=pks).values_list(field.attname, flat=True):
                    if name:
                        files.append((model._meta.label_lower, field.storage, name))
    return files


def files_under(storage, folder: str) -> list[str]:
    """Every stored object under `folder` (on disk, the empty folders a deletion leaves are not objects)."""
    try:
        directories, names = storage.listdir(folder)
    except FileNotFoundError:
        return []
    found = [f"{folder}/{name}" for name in names]
    for directory in directories:
        found += files_under(storage, f"{folder}/{directory}")
    return found


def standings(round_) -> list[tuple]:
    """Each entry's ranks and means, to the nine places the ranking itself rounds to."""
    return [
        (r.entry_id, r.raw_rank, r.normalised_rank, round(r.raw_mean, 9), round(r.normalised_mean, 9), r.scores)
        for r in ranking_of(round=round_)
    ]


def download(client) -> dict[str, object]:
    response = client.post("/en/profile/data/download/")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def data_of(files: dict, app: str) -> dict:
    return json.loads(files[f"{app}/data.json"])


# --- The test -----------------------------------------------------------------------------------------
def test_after_erasure_nothing_about_the_person_is_left_but_what_the_contests_keep_anonymously(client, person):
    judged, won, pending = person.facts["judged"], person.facts["won"], person.facts["pending"]
    owned, acted = rows_about(person)
    # The walk reaches every kind of data the person has, in every app.
    labels = {model._meta.label_lower for model in owned}
    assert {
        "account.emailaddress", "accounts.birthdatecorrection", "contest.contestrole", "contest.registration",
        "contest.eligibilitycheck", "submissions.entry", "submissions.entrydeclaration", "submissions.cocreator",
        "submissions.upload", "submissions.mediaasset", "submissions.processingjob", "submissions.rendition",
        "submissions.attachment", "judging.judgeprofile", "judging.panelmember", "judging.assignment",
        "judging.score", "judging.conflictofinterest", "judging.screeningdecision", "judging.roundentry",
        "results.award", "results.winnerverification", "results.publishedfile", "results.feedbackmoderation",
        "results.notification",
    } <= labels
    assert {"judging.screeningdecision", "judging.aisuspicion", "contest.auditevent"} <= {
        model._meta.label_lower for model in acted
    }
    files = stored_files(owned)
    assert {"submissions.mediaasset", "submissions.rendition", "submissions.attachment", "results.publishedfile",
            "results.winnerverification"} <= {model for model, _storage, _name in files}
    # Each of their files' own folders: the original's and its renditions' (a keyed hash of the file).
    assets = MediaAsset.objects.filter(entry__entrant=person).exclude(file="")
    folders = [folder for asset in assets for folder in (
        asset.file.name.rsplit("/", 1)[0], stored_keys.rendition_key(asset.pk, "-").rsplit("/", 1)[0])]
    assert len(folders) == 4
    assert all(files_under(storages["private"], folder) for folder in folders)
    unfinished = [uploads.temp_path(u) for u in Upload.objects.filter(owner=person, status=UploadStatus.RECEIVING)]
    assert unfinished and all(path.exists() for path in unfinished)
    ranking_before = standings(judged.round)
    kept_scores = set(Score.objects.filter(assignment__judge=person, state="submitted").values_list("pk", flat=True))
    events_before = AuditEvent.objects.count()
    client.force_login(person)
    exported = download(client)

    response = client.post("/en/profile/data/delete/", {"password": PASSWORD, "understood": "on"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()
    # Nothing that was theirs is left, except the scores they gave others' entries, under a stand-in.
    stand_ins = User.objects.filter(email__endswith=STAND_IN_DOMAIN)
    (stand_in,) = stand_ins
    for model, pks in owned.items():
        left = model._base_manager.filter(pk__in=pks)
        if model is Score:
            assert set(left.values_list("pk", flat=True)) == kept_scores
            assert set(left.values_list("assignment__judge", "comment", "feedback")) == {(stand_in.pk, "", "")}
        elif model in (Assignment, PanelMember):
            assert set(left.values_list("judge", flat=True)) <= {stand_in.pk}, model._meta.label
        else:
            assert not left.exists(), f"{model._meta.label}: {list(left.values_list('pk', flat=True))} are left"
    assert (stand_in.full_name, stand_in.public_name, stand_in.date_of_birth, stand_in.country) == ("", "", None, "")
    assert not stand_in.is_active and not stand_in.has_usable_password()
    assert not ContestRole.objects.filter(user=stand_in).exists()
    # What they did as an organizer stays, saying nobody's name.
    assert ScreeningDecision.objects.get(entry=judged.entries[2]).decided_by is None
    assert ScreeningDecision.objects.get(entry=judged.entries[2]).note == "Date of birth checked on the identity card."
    # The others' ranks and means are as they were, even computed again from the scores.
    results_changed(judged.round.pk)
    assert standings(judged.round) == ranking_before
    # Their files, the renditions the worker made, the published copies and the unfinished upload are gone.
    assert [name for _model, storage, name in files if storage.exists(name)] == []
    assert [name for folder in folders for name in files_under(storages["private"], folder)] == []
    assert [path for path in unfinished if path.exists()] == []
    # No table holds their address or name any more; the statistics still count their registration.
    assert rows_naming(EMAIL, NAME, PUBLIC_NAME) == []
    (left,) = AnonymisedRegistration.objects.filter(contest__slug="open-2026")
    assert (left.country, left.age_band, left.status) == ("BE", "24–26", "eligible")
    # The entry they helped make stays its entrant's, without them.
    friends = person.facts["friends_entry"]
    assert Entry.objects.filter(pk=friends.pk).exists()
    assert not CoCreator.objects.filter(entry=friends).exists()
    # The audit chain holds, with every event, and says what was erased without naming them.
    call_command("verify_audit")
    assert audit.verify()[1] is None
    assert AuditEvent.objects.count() > events_before
    erased = AuditEvent.objects.get(action=audit.ERASED)
    assert erased.after["erased"] and erased.after["removed"]["scores kept anonymously"] == len(kept_scores)
    blanked = AuditEvent.objects.filter(sequence__in=[int(s) for s in erased.after["erased"]])
    assert all(event.erased and not set(event.erased) & set(event.salts) for event in blanked)
    assert AuditEvent.objects.filter(action="score.submitted", actor=None, actor_label="").exists()

    # The download they took before had each app's part.
    account = data_of(exported, "accounts")
    assert account["account"][0]["fields"]["email"] == EMAIL and "password" not in account["account"][0]["fields"]
    assert account["email_addresses"][0]["fields"]["email"] == EMAIL
    assert account["birth_date_corrections"][0]["fields"]["reason"] == "Passport shows another year."
    assert account["admin_history"]
    contest = data_of(exported, "contest")
    assert [r["fields"]["contest"] for r in contest["registrations"]] == [friends.contest_id]
    assert contest["eligibility_checks"] and {r["fields"]["role"] for r in contest["roles"]} == {"judge", "organizer"}
    assert {"judge.joined", "score.submitted", "conflict.recorded"} <= {
        event["action"] for event in contest["audit_events_by_you"]
    }
    submissions = data_of(exported, "submissions")
    (own_entry,) = [e for e in submissions["entries"] if e["fields"]["title"] == "Fields after the war"]
    assert exported[f"submissions/files/{own_entry['fields']['reference']}.jpg"] == person.facts["original"]
    assert any(name.startswith("submissions/files/") and "release-form" in name for name in exported)
    assert submissions["co_creators_named"][0]["fields"]["name"] == "Ines Obi"
    assert submissions["named_as_co_creator"] == [
        {"entry": friends.reference, "title": "Our street", "your_answer": "confirmed",
         "answered_at": submissions["named_as_co_creator"][0]["answered_at"]}
    ]
    assert submissions["renditions"] and submissions["processing_jobs"] and submissions["uploads"]
    judged_part = data_of(exported, "judging")
    assert judged_part["judge_details"][0]["fields"]["organisation"] == "Studio Verhaegen"
    assert {s["fields"]["comment"] for s in judged_part["scores"]} >= {"Unsure yet."}
    assert judged_part["conflicts_declared"][0]["fields"]["note"] == "We studied together."
    assert judged_part["invitations"] and judged_part["panels"] and judged_part["assignments"]
    assert judged_part["screening_decisions_made"][0]["note"] == "Date of birth checked on the identity card."
    assert judged_part["ai_use_flags_raised"][0]["note"] == "The sky looks generated."
    assert judged_part["screening_of_your_entries"]
    results_part = data_of(exported, "results")
    # Only the announced contest's award: the other is still under embargo.
    assert [a["fields"]["contest"] for a in results_part["awards"]] == [won.contest.pk]
    assert results_part["awards"][0]["fields"]["citation"] == f"{NAME}'s photograph makes the case."
    assert results_part["identity_checks"][0]["fields"]["identity_checked"] is True
    assert "document" not in results_part["identity_checks"][0]["fields"]
    assert results_part["feedback_for_you"][0]["feedback"] == "A clear, brave picture."
    assert results_part["published_files"] and results_part["result_emails"]
    certificates = [name for name in exported if name.startswith("results/certificates/")]
    assert certificates and all(exported[name].startswith(b"%PDF") for name in certificates)
    assert pending.contest.pk not in {a["fields"]["contest"] for a in results_part["awards"]}
    # Every kind of row about them is in the download, as rows or in the summaries named above.
    exported_labels = {
        row["model"] for name, data in exported.items() if name.endswith("data.json")
        for rows in json.loads(data).values() for row in rows if "model" in row
    }
    for label in labels - exported_labels:
        assert label in SUMMARISED, f"{label} holds rows about the person and is not in the download"
        if SUMMARISED[label]:
            app, key = SUMMARISED[label]
            assert data_of(exported, app)[key], label
