"""A person's own data: downloading all of it, and deleting the account so nothing names them afterwards."""

import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.utils import timezone, translation

from accounts.models import User
from contest import registration as registrations
from contest.enums import Role
from contest.models import AnonymisedRegistration, ContestRole
from tests.factories import ContestFactory, EntrantFactory, UserFactory, years_before
from tests.pages import error_beside, text

pytestmark = pytest.mark.django_db

EMAIL = "quillon.verhaegen@voices.example"
FULL_NAME = "Quillon Verhaegen-Oduya"
PASSWORD = "a-long-test-password"


@pytest.fixture
def person():
    """A registered entrant aged 22, with a verified address, signed up the usual way."""
    user = EntrantFactory(
        email=EMAIL, full_name=FULL_NAME, date_of_birth=years_before(timezone.localdate(), 22), country="LB"
    )
    EmailAddress.objects.create(user=user, email=EMAIL, verified=True, primary=True)
    registrations.register(contest=ContestFactory(slug="voices-2026"), user=user, now=timezone.now())
    return user


def downloaded(response) -> str:
    """Every app's data.json in the download, as one JSON text keyed by app."""
    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        parts = {
            name.split("/")[0]: json.loads(archive.read(name))
            for name in archive.namelist()
            if name.endswith("/data.json")
        }
    return json.dumps(parts, ensure_ascii=False)


# --- Download ------------------------------------------------------------
def test_the_download_holds_the_account_registration_and_decision_but_no_password(client, person):
    client.force_login(person)

    response = client.post("/en/profile/data/download/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="voices-my-data.zip"' in response["Content-Disposition"]
    raw = downloaded(response)
    data = json.loads(raw)
    (account,) = data["accounts"]["account"]
    assert account["fields"]["email"] == EMAIL
    assert account["fields"]["full_name"] == FULL_NAME
    (registration,) = data["contest"]["registrations"]
    assert registration["fields"]["status"] == "eligible"
    (check,) = data["contest"]["eligibility_checks"]
    assert check["fields"]["birth_date"] == person.date_of_birth.isoformat()
    assert check["fields"]["country"] == "LB"
    assert check["fields"]["age"] == 22
    assert "password" not in account["fields"]
    assert "pbkdf2" not in raw and "md5$" not in raw and person.password not in raw


def test_the_download_holds_nobody_elses_data(client, person):
    other = EntrantFactory(email="someone.else@voices.example")
    registrations.register(contest=ContestFactory(), user=other, now=timezone.now())
    client.force_login(person)

    raw = downloaded(client.post("/en/profile/data/download/"))

    assert "someone.else@voices.example" not in raw
    assert len(json.loads(raw)["contest"]["registrations"]) == 1


def test_the_download_is_only_given_in_answer_to_a_post(client, person):
    client.force_login(person)
    assert client.get("/en/profile/data/download/").status_code == 405


@pytest.mark.parametrize("url", ["/en/profile/data/download/", "/en/profile/data/delete/", "/en/profile/data/"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


# --- Delete --------------------------------------------------------------
@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "zh-hans", "ar"])
def test_the_page_says_what_goes_and_what_stays_in_each_language(client, person, language):
    client.force_login(person)

    page = text(client.get(f"/{language}/profile/data/"))

    with translation.override(language):
        for sentence in (
            "If you were a judge, the scores you gave stay, so that other entrants' results do not change, but "
            "they no longer say who gave them. Your comments and feedback are deleted.",
            "If you were an organizer, your decisions about entries stay as the contest's record, without your name.",
        ):
            assert translation.gettext(sentence) in page
            assert (translation.gettext(sentence) == sentence) == (language == "en"), "translated"


def test_a_wrong_password_deletes_nothing(client, person):
    client.force_login(person)

    response = client.post("/en/profile/data/delete/", {"password": "not-my-password", "understood": "on"})

    assert response.status_code == 400
    assert error_beside(response, "password") == "That is not your password. Try again, or reset it first."
    assert User.objects.filter(email=EMAIL).exists()
    assert client.get("/en/profile/").status_code == 200


def test_deleting_needs_the_box_ticked(client, person):
    client.force_login(person)

    response = client.post("/en/profile/data/delete/", {"password": PASSWORD})

    assert response.status_code == 400
    assert error_beside(response, "understood") == "Tick this box to confirm that you want to delete everything."
    assert User.objects.filter(email=EMAIL).exists()


def rows_naming(*needles: str) -> list[str]:
    """Every stored text (char, text, email or JSON) in any table that contains one of `needles`."""
    needles = [needle.lower() for needle in needles]
    found = []
    for model in apps.get_models():
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list("pk", *(field.attname for field in fields)):
            for field, value in zip(fields, row[1:], strict=True):
                if value is None:
                    continue
                serialised = json.dumps(value, ensure_ascii=False) if isinstance(field, models.JSONField) else value
                if any(needle in str(serialised).lower() for needle in needles):
                    found.append(f"{model._meta.label}.{field.name} (pk {row[0]})")
    return found


def test_before_deletion_the_search_does_find_the_person(person):
    # Proves the search below looks in the right places: it finds the account and the address.
    found = set(rows_naming(EMAIL, FULL_NAME))
    assert {f"accounts.User.email (pk {person.pk})", f"accounts.User.full_name (pk {person.pk})"} <= found
    assert any(found.startswith("account.EmailAddress.email") for found in rows_naming(EMAIL))


def test_deleting_the_account_signs_out_and_leaves_nothing_that_names_the_person(client, person):
    UserFactory(email="stays@voices.example")
    client.force_login(person)

    response = client.post("/en/profile/data/delete/", {"password": PASSWORD, "understood": "on"}, follow=True)

    assert response.redirect_chain[0] == ("/en/", 302)
    assert "Your account and everything it held have been deleted." in text(response)
    assert not User.objects.filter(pk=person.pk).exists()
    assert client.get("/en/profile/")["Location"].startswith("/en/accounts/login/")
    assert rows_naming(EMAIL, FULL_NAME) == []
    assert User.objects.filter(email="stays@voices.example").exists()


def test_deleting_the_account_keeps_an_anonymous_count_of_the_registration(client, person):
    client.force_login(person)

    client.post("/en/profile/data/delete/", {"password": PASSWORD, "understood": "on"})

    (left,) = AnonymisedRegistration.objects.all()
    assert left.contest.slug == "voices-2026"
    assert left.country == "LB"
    assert left.age_band == "21–23"
    assert left.status == "eligible"
    assert left.registered_on == timezone.now().date()


def staff_request(rf, path):
    request = rf.post(path)
    request.user = UserFactory(is_staff=True, is_superuser=True)
    return request


def test_the_admins_history_of_the_account_goes_with_it(client, person, rf):
    # What the admin writes when a staff member saves a change to the person's account.
    edit = staff_request(rf, f"/en/admin/accounts/user/{person.pk}/change/")
    admin.site.get_model_admin(User).log_change(edit, person, [{"changed": {"fields": ["Full name"]}}])
    assert rows_naming(FULL_NAME) != []
    client.force_login(person)

    client.post("/en/profile/data/delete/", {"password": PASSWORD, "understood": "on"})

    assert rows_naming(EMAIL, FULL_NAME) == []


def test_the_admins_history_of_the_persons_roles_goes_with_the_account(client, person, rf):
    role = ContestRole.objects.create(contest=ContestFactory(), user=person, role=Role.JUDGE)
    addition = staff_request(rf, "/en/admin/contest/contestrole/add/")
    admin.site.get_model_admin(ContestRole).log_addition(addition, role, [{"added": {}}])
    client.force_login(person)

    client.post("/en/profile/data/delete/", {"password": PASSWORD, "understood": "on"})

    assert not User.objects.filter(pk=person.pk).exists()
    assert rows_naming(EMAIL, FULL_NAME) == []


# --- Uploaded originals ------------------------------------------------------
def _photo_of(person, data: bytes):
    """A finished upload of `data` as the person's photo entry, through the real upload path."""
    from contest.models import Contest
    from submissions import services as entries
    from submissions import uploads
    from tests.factories import CategoryFactory, ThemeFactory

    contest = Contest.objects.get(slug="voices-2026")
    category = CategoryFactory(
        contest=contest,
        title="Photography",
        media_kind="photo",
        allowed_formats=["png"],
        max_size_bytes=None,
        max_duration_seconds=None,
    )
    entry = entries.create_entry(
        contest=contest,
        entrant=person,
        data={"theme": ThemeFactory(contest=contest), "category": category, "title": "Fields"},
        declarations=set(),
        now=timezone.now(),
    )
    upload = uploads.start_upload(
        entry=entry,
        owner=person,
        length=len(data),
        filename="IMG_2231.png",
        declared_type="image/png",
        now=timezone.now(),
    )
    stream = io.BytesIO(data)
    uploads.append(upload=upload, offset=0, read=stream.read, length=len(data), checksum=None, now=timezone.now())
    return entry.assets.get()


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64


def test_the_download_holds_the_uploaded_originals(client, person):
    asset = _photo_of(person, PNG)
    client.force_login(person)

    response = client.post("/en/profile/data/download/")

    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as archive:
        assert archive.read(f"submissions/files/{asset.entry.reference}.png") == PNG
        assert json.loads(archive.read("submissions/data.json"))["files"][0]["fields"]["sha256"] == asset.sha256


@pytest.mark.django_db(transaction=True)
def test_deleting_the_account_removes_the_files_from_storage(client, person):
    asset = _photo_of(person, PNG)
    storage, name = asset.file.storage, asset.file.name
    assert storage.exists(name)
    client.force_login(person)

    client.post("/en/profile/data/delete/", {"password": PASSWORD, "understood": "on"})

    assert not User.objects.filter(email=EMAIL).exists()
    assert not storage.exists(name), "the original must leave storage with the account"
