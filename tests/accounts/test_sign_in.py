"""Signing in at school scale and without lockout, behind the proxy: a class from one address, an owner whose account
is attacked from elsewhere, a code by email when the password fails, staying signed in, and the password hasher.

Every request comes from nginx (REMOTE_ADDR 127.0.0.1) with X-Forwarded-For, and TRUSTED_PROXY_COUNT is 1, as in
production: the visitor's address is found by allauth's own logic, the last entry of the header.
"""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext

from accounts.models import User
from config.settings import base
from tests.factories import UserFactory
from tests.pages import text

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
NGINX = "127.0.0.1"
LOGIN = "/en/accounts/login/"
CODE = "/en/accounts/login/code/"
NOT_CORRECT = "The email address and/or password you specified are not correct."
PAUSED = "Too many sign-in attempts from this network."


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # allauth counts attempts in the cache (Redis): counts must not carry over between tests.
    cache.clear()
    yield
    cache.clear()


def verified(email: str, **fields) -> User:
    user = UserFactory(email=email, **fields)  # the factory sets PASSWORD
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def from_address(address: str, claimed: str = "") -> dict[str, str]:
    """What gunicorn receives from nginx for a visitor at `address` (who may have sent a header of their own)."""
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": f"{claimed}, {address}" if claimed else address}


def sign_in(client: Client, email: str, password: str, *, address: str, claimed: str = "", remember: bool = False):
    data = {"login": email, "password": password, **({"remember": "on"} if remember else {})}
    return client.post(LOGIN, data, **from_address(address, claimed))


def signed_in(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def refused(answer) -> bool:
    """Slowed down: refused before the password is even checked, per address or per address and account."""
    return answer.status_code == 429 or PAUSED in text(answer)


def test_a_class_of_40_signs_in_from_one_school_address_within_a_minute_typos_included():
    school = "198.51.100.7"
    students = [verified(f"student{n}@school.example") for n in range(40)]
    started = time.monotonic()

    for n, student in enumerate(students):
        browser = Client()
        if n % 4 == 0:  # one in four mistypes their password first
            typo = sign_in(browser, student.email, PASSWORD + "x", address=school)
            assert NOT_CORRECT in text(typo)
        answer = sign_in(browser, student.email, PASSWORD, address=school)
        assert answer.status_code == 302, f"student {n} was refused: {text(answer)[:200]}"
        assert signed_in(browser) == str(student.pk)

    assert time.monotonic() - started < 60, "the class must have signed in within one minute for this to count"


def test_an_owner_signs_in_from_their_own_address_after_1000_wrong_passwords_for_their_account_from_others():
    owner = verified("amira@voices.example")
    attacker = Client()
    answers = []
    # 150 addresses send five wrong passwords each, as many as each may send for one account in five minutes.
    for n in range(150):
        for _attempt in range(5):
            answers.append(sign_in(attacker, owner.email, "guess-" + str(n), address=f"203.0.{n // 100}.{n % 100}"))
    # 50 more claim the owner's own address in the header; nginx appended the address they really came from.
    for n in range(50):
        answers.append(sign_in(attacker, owner.email, "guess", address=f"203.0.113.{n}", claimed="192.0.2.10"))
    # One address keeps trying.
    for _attempt in range(200):
        answers.append(sign_in(attacker, owner.email, "guess", address="198.51.100.66"))
    assert len(answers) == 1000
    assert signed_in(attacker) is None

    # The attacker is slowed down: the address that kept trying had five wrong passwords checked, then was refused
    # before any password was checked, even the right one.
    hammering = answers[800:]
    assert [NOT_CORRECT in text(a) for a in hammering[:5]] == [True] * 5
    assert all(refused(a) for a in hammering[5:])
    assert refused(sign_in(attacker, owner.email, PASSWORD, address="198.51.100.66"))
    assert not any(refused(a) for a in answers[:800])

    # The owner, at home, signs in at once.
    home = Client()
    answer = sign_in(home, owner.email, PASSWORD, address="192.0.2.10")
    assert answer.status_code == 302
    assert signed_in(home) == str(owner.pk)


def test_after_wrong_passwords_the_page_offers_a_code_by_email_which_signs_the_owner_in():
    owner = verified("camille@voices.example", preferred_language="fr")
    browser = Client()
    for _attempt in range(5):
        sign_in(browser, owner.email, "not-it", address="192.0.2.44")

    # Signing in with the password is paused for this address and account, even with the right one...
    paused = sign_in(browser, owner.email, PASSWORD, address="192.0.2.44")
    assert PAUSED in text(paused) and signed_in(browser) is None
    # ... and the page offers the way in that still works.
    page = text(paused)
    assert "Sign in with a code instead" in page
    assert f"Email a sign-in code to {owner.email}" in page
    assert re.search(rf'<form method="post" action="{CODE}">', paused.content.decode())

    asked = browser.post(CODE, {"email": owner.email}, **from_address("192.0.2.44"))
    assert asked.status_code == 302
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == "[Voices] Code de connexion"  # in the owner's own language
    (code,) = re.findall(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE)

    confirmed = browser.post(asked.url, {"code": code}, **from_address("192.0.2.44"))
    assert confirmed.status_code == 302
    assert signed_in(browser) == str(owner.pk)


def test_a_wrong_password_offers_the_code_too():
    verified("tomas@voices.example")
    answer = sign_in(Client(), "tomas@voices.example", "not-it", address="192.0.2.45")

    assert NOT_CORRECT in text(answer)
    assert "Email a sign-in code to tomas@voices.example" in text(answer)


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "zh-hans", "ar"])
def test_the_offer_and_stay_signed_in_read_in_every_language(language):
    verified("tomas@voices.example")
    page = text(Client().get(f"/{language}/accounts/login/"))
    wrong = Client().post(f"/{language}/accounts/login/", {"login": "tomas@voices.example", "password": "x"},
                          **from_address("192.0.2.46"))  # fmt: skip

    with translation.override(language):
        stay = ngettext(
            "Stay signed in on this device for %(days)s day", "Stay signed in on this device for %(days)s days", 120
        ) % {"days": 120}
        offer = gettext("Sign in with a code instead")
        button = gettext("Email a sign-in code to %(email)s") % {"email": "tomas@voices.example"}
    assert stay in page and offer in text(wrong) and button in text(wrong)
    if language != "en":
        assert "Stay signed in" not in stay and "Sign in with a code" not in offer


def test_stay_signed_in_lasts_the_contest_and_without_it_the_sign_in_ends_with_the_browser(settings):
    verified("tomas@voices.example")
    page = Client().get(LOGIN)
    assert "Stay signed in on this device for 120 days" in text(page)
    assert "Leave it unticked on a computer others use" in text(page)

    kept = sign_in(Client(), "tomas@voices.example", PASSWORD, address="192.0.2.47", remember=True)
    not_kept = sign_in(Client(), "tomas@voices.example", PASSWORD, address="192.0.2.47")

    assert kept.status_code == not_kept.status_code == 302
    assert kept.cookies["sessionid"]["max-age"] == 120 * 24 * 60 * 60 == settings.SESSION_COOKIE_AGE
    assert not_kept.cookies["sessionid"]["max-age"] == "" and not_kept.cookies["sessionid"]["expires"] == ""


def test_while_redis_is_away_people_still_sign_in(settings):
    """The limits pause instead of refusing everyone: Redis restarting on deadline night must not lock anyone out."""
    away = {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}  # nothing listens there
    assert away["BACKEND"] == "accounts.cache.FailSoftRedisCache"
    settings.CACHES = {"default": away}
    verified("tomas@voices.example")
    browser = Client()

    assert sign_in(browser, "tomas@voices.example", PASSWORD + "x", address="192.0.2.49").status_code == 200
    answer = sign_in(browser, "tomas@voices.example", PASSWORD, address="192.0.2.49")

    assert answer.status_code == 302
    assert signed_in(browser) is not None


def test_an_older_password_hash_becomes_argon2id_at_the_next_sign_in(settings):
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS  # the real ones (the tests' own settings use a fast one)
    owner = verified("olga@voices.example")
    User.objects.filter(pk=owner.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))

    browser = Client()
    assert sign_in(browser, owner.email, PASSWORD, address="192.0.2.48").status_code == 302

    owner.refresh_from_db()
    hasher = identify_hasher(owner.password)
    assert hasher.algorithm == "argon2"
    assert owner.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify(PASSWORD, owner.password)
